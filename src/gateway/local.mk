# src/gateway: see its files.
