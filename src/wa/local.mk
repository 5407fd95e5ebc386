# src/wa: the native WhatsApp wire layers (see docs/whatsapp-link.md).
