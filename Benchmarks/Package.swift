// swift-tools-version:6.1
// SemCom benchmarks: a separate package (swift-nio's pattern) so package-benchmark stays out of
// the library's dependency graph and out of CI test builds.
//
//   cd Benchmarks && swift package benchmark            # run all suites
//   swift package benchmark --filter gemm               # one benchmark
//
// The same workloads run without this package through `semcom bench --workload …`, which
// prints JSON for side-by-side comparison with ../shared/peers/.

import PackageDescription

let package = Package(
    name: "SemComBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "SemCom", path: "../"),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "TensorCoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "TensorCore", package: "SemCom"),
                .product(name: "NeuralNet", package: "SemCom"),
                .product(name: "Experiments", package: "SemCom"),
            ],
            path: "Benchmarks/TensorCoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    ]
)
