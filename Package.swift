// swift-tools-version:6.0
// phiscrub: streaming PHI detection and redaction. See README.md for the layer map.
import PackageDescription

// This directory, for the linker script of the C ABI below (linker flags are not relative to the package).
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))
// PHISCRUB_STATIC_LIBRARY=1 (scripts/release.sh, with --static-swift-stdlib): the Swift runtime and Foundation are
// linked into the C ABI's shared library itself (swiftc -static-stdlib on its link), so the release tarball's
// lib/libphiscrub.so.1 needs no toolchain library, as bin/phiscrub does not. Other builds link it against the
// toolchain's shared runtime.
let staticLibrary = Context.environment["PHISCRUB_STATIC_LIBRARY"] == "1"

let package = Package(
    name: "phiscrub",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "phiscrub", targets: ["phiscrub"]),
        .library(name: "PHIScrub", targets: ["PHIScrub"]),
        .library(name: "PHIScan", targets: ["PHIScan"]),
        .library(name: "PHITransform", targets: ["PHITransform"]),
        .library(name: "PHICompliance", targets: ["PHICompliance"]),
        // JSON-aware cleaning (JSONCleaner), as batch and the service's JSON mode use it; the benchmarks guard it.
        .library(name: "PHIBatch", targets: ["PHIBatch"]),
        // The C ABI: libPHIScrubC.so (SONAME libphiscrub.so.1, exporting only phiscrub_*) and
        // Sources/PHIScrubC/include/phiscrub.h (README "Calling phiscrub in process from C and Python").
        .library(name: "PHIScrubC", type: .dynamic, targets: ["PHIScrubC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        // HTTP front end only (PHIServeHTTP); the core library does not depend on it.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        // System libraries (Debian: libpcre2-dev, libssl-dev, libicu-dev, zlib1g-dev, libzstd-dev).
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CICUShim", linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // The prefilter's per-line feature pass (plain C, no dependencies).
        .target(name: "CScanKernels"),
        // The one lock type (a pthread mutex and condition), below every Swift module that needs one.
        .target(name: "PHILock"),

        // Detection: rules, PCRE2 matcher, prefilter, validators, streaming scanner.
        .target(name: "PHIScan", dependencies: [
            "CPCRE2", "CICUShim", "CScanKernels", "PHILock", .product(name: "Yams", package: "Yams"),
        ]),
        // Crypto, keys, configuration, access (RBAC), audit log, residency and the controls check. Knows nothing of scanning.
        .target(name: "PHICompliance", dependencies: ["COpenSSL", "PHILock", .product(name: "Yams", package: "Yams")]),
        // Operators and the writer that splices replacements into pass-through bytes.
        .target(name: "PHITransform", dependencies: [
            "PHIScan", "PHICompliance", "PHILock", .product(name: "Yams", package: "Yams"),
        ]),
        // The facade agent hosts call.
        .target(name: "PHIScrub", dependencies: ["PHIScan", "PHITransform", "PHICompliance", "PHILock"]),
        // Accuracy evaluation: gold corpora readers and precision/recall scoring (no scanning of its own).
        .target(name: "PHIEval"),
        // Batch scanning of stored transcripts and logs: JSON-aware rewriting, walker, manifest, job pool.
        .target(name: "PHIBatch", dependencies: ["PHIScrub", "PHIScan", "PHITransform", "PHICompliance", "PHILock", "CZlib", "CZstd"]),
        // `phiscrub serve --http`: the service core over HTTP (native API, Presidio-compatible /analyze and /anonymize).
        .target(name: "PHIServeHTTP", dependencies: [
            "PHIScrub", "PHICompliance", "PHILock", .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        // `phiscrub mcp`: a Model Context Protocol server and proxy over stdio (JSON-RPC, no dependencies).
        .target(name: "PHIMCP", dependencies: ["PHIScrub", "PHICompliance", "PHILock"]),
        // The C ABI over the service core (`@_cdecl` exports of include/phiscrub.h; tested by .ci/cabi-tests.sh).
        // Linked as libphiscrub.so.1 (its SONAME; installed under that name) with only the phiscrub_* functions of
        // the header exported (exports.map).
        .target(name: "PHIScrubC", dependencies: ["PHIScrub", "PHIBatch", "PHIScan", "PHITransform", "PHICompliance", "PHILock"],
                exclude: ["include", "exports.map"],
                linkerSettings: [.unsafeFlags([
                    "-Xlinker", "-soname=libphiscrub.so.1",
                    "-Xlinker", "--version-script=\(packageDirectory)/Sources/PHIScrubC/exports.map",
                ] + (staticLibrary ? ["-static-stdlib"] : []))]),
        // Commands as a library so tests run them in process.
        .target(name: "PHIScrubCLI", dependencies: [
            "PHIScrub", "PHIEval", "PHIBatch", "PHIServeHTTP", "PHIMCP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], plugins: ["BuildInfo"]),
        // Writes BuildInfo.swift (the git commit for --version) before each build: scripts/build-info.sh.
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .executableTarget(name: "phiscrub", dependencies: ["PHIScrubCLI"]),
        // A small agent host around the compliance middleware (swift run AgentHost).
        .executableTarget(name: "AgentHost", dependencies: ["PHIScrub", "PHICompliance", "PHITransform"], path: "Examples/AgentHost"),

        .testTarget(name: "PHIScanTests", dependencies: ["PHIScan"]),
        .testTarget(name: "PHIComplianceTests", dependencies: ["PHICompliance"], exclude: ["Wycheproof"]),
        .testTarget(name: "PHITransformTests", dependencies: ["PHITransform", "PHIScrub"]),
        .testTarget(name: "PHIEvalTests", dependencies: ["PHIEval"]),
        .testTarget(name: "PHIScrubTests", dependencies: ["PHIScrub", "PHIScan", "PHITransform", "PHICompliance", "PHILock"]),
        .testTarget(name: "PHIBatchTests", dependencies: ["PHIBatch", "PHIScrub"]),
        .testTarget(name: "PHIServeHTTPTests", dependencies: ["PHIServeHTTP", "PHIScrub"]),
        .testTarget(name: "PHIMCPTests", dependencies: ["PHIMCP", "PHIScrub", "PHICompliance", "PHITransform"]),
        .testTarget(name: "PHIScrubCLITests", dependencies: ["PHIScrubCLI", "PHIScrub", "PHICompliance"], exclude: ["Fixtures"]),
    ]
)
