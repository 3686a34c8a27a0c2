// Experiments module: benchmarks workloads, demo and sweeps.
