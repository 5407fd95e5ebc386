# src/sessiond: see its files.
