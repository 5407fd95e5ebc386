# src/admin: see its files.
