# bench/: the benchmark (see bench/README.md).
