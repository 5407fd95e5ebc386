# src/auth: see its files.
