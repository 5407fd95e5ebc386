/*
 * qr: a pairing QR code drawn from its text, by libqrencode (error
 * correction L, as WhatsApp's own QR codes): as a PNG (libpng), as SVG,
 * or for a terminal in UTF-8 half blocks.  Each function returns a new
 * buffer the caller frees, or NULL (text too long for a QR code, or out
 * of memory); *len gets its length.
 */
#ifndef WAGW_QR_H
#define WAGW_QR_H

#include <stddef.h>

#define QR_TEXT_MAX	1024	/* bytes of text we encode at most */

/* A PNG, module_px pixels a module, with the 4-module quiet zone. */
unsigned char *qr_png(const char *text, int module_px, size_t *len);
/* An SVG document (one path), with the quiet zone. */
char *qr_svg(const char *text, size_t *len);
/* Lines of UTF-8 half blocks, dark on light, for a terminal. */
char *qr_terminal(const char *text, size_t *len);

#endif
