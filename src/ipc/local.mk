# src/ipc: see its files.
