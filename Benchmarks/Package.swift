// swift-tools-version: 6.1
// Benchmarks for phiscrub, kept in a nested package so the main build never compiles the
// benchmark harness or fetches its dependencies. Run from this directory:
//     swift package benchmark
// See README.md here for what each benchmark measures.
import PackageDescription

let package = Package(
    name: "phiscrub-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // The root package by name: CI clones the repository into a folder of another name.
        .package(name: "phiscrub", path: ".."),
        // "MallocInterposer" only: the default trait set also pulls a runtime interposer
        // package that is not available offline.
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ScrubBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PHIScrub", package: "phiscrub"),
                .product(name: "PHITransform", package: "phiscrub"),
                .product(name: "PHICompliance", package: "phiscrub"),
                .product(name: "PHIBatch", package: "phiscrub"),
            ],
            path: "Benchmarks/ScrubBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
