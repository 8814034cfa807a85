// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Test fixtures (reference outputs as JSON, and the Python scripts that made them from the reference
/// libraries) sit beside the tests that read them through #filePath; they are not sources.
let testFixtures: [String] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tests/SwiftTokTests")
    let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
    return files.filter { $0.hasSuffix(".json") || $0.hasSuffix(".py") }.sorted()
}()

/// Non-source files beside the encoder's tests (scripts that made their expected values).
let embedTestFixtures: [String] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tests/SwiftTokEmbedTests")
    let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
    return files.filter { $0.hasSuffix(".json") || $0.hasSuffix(".py") }.sorted()
}()

// The encoder's AVX-512 matmul kernel, compiled for that CPU level and called only after a run-time
// check (x86_64 only; elsewhere the portable SIMD kernel is the only one).
#if arch(x86_64)
let embedKernelTargets = ["SwiftTokEmbedAVX512"]
let embedKernelTargetList: [Target] = [
    .target(name: "SwiftTokEmbedAVX512", path: "Sources/SwiftTokEmbed/AVX512",
            swiftSettings: [.unsafeFlags(["-O", "-target-cpu", "skylake-avx512"])]),
]
#else
let embedKernelTargets: [String] = []
let embedKernelTargetList: [Target] = []
#endif

// Release builds of the core use the settings PLATFORM.md measured: -Ounchecked (1.7x on table
// lookups) and cross-module optimization (5x on non-inlinable cross-module calls).
let fast: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "swifttok",
    products: [
        .library(name: "SwiftTok", targets: ["SwiftTok"]),
        // The C ABI (include/swifttok.h) as libswifttok.so.
        .library(name: "swifttok", type: .dynamic, targets: ["SwiftTokC"]),
        // The command is installed as `swifttok`; the product cannot share that name with the
        // C library product (PLATFORM.md).
        .executable(name: "swifttok-cli", targets: ["SwiftTokCLI"]),
        // The same C ABI with the Swift runtime linked in (loads where no toolchain is installed);
        // build it in its own scratch path: swift build -c release --product swifttok-static
        // --scratch-path .build-static. scripts/install.sh installs it as libswifttok.so.
        .library(name: "swifttok-static", type: .dynamic, targets: ["SwiftTokCStatic"]),
        .library(name: "SwiftTokEmbed", targets: ["SwiftTokEmbed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CICU", pkgConfig: "icu-uc", providers: [.apt(["libicu-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .target(name: "SwiftTok", dependencies: ["CICU", "CPCRE2"], swiftSettings: fast),
        // CPU feature checks and a prefetch hint as static inline C functions: a header, nothing to link.
        .systemLibrary(name: "CSwiftTokSupport", path: "Sources/CSwiftTokSupport"),
        .systemLibrary(name: "CSwiftTokABI", path: "include"),
        .target(
            name: "SwiftTokC", dependencies: ["SwiftTok", "SwiftTokEmbed", "CSwiftTokABI", "CSwiftTokSupport"], swiftSettings: fast,
            linkerSettings: [.unsafeFlags(["-Xlinker", "-soname=libswifttok.so", "-Xlinker", "--no-undefined"])]),
        .target(
            name: "SwiftTokCStatic", dependencies: ["SwiftTokC"],
            swiftSettings: [.unsafeFlags(["-static-stdlib"])],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]),
        // The bundled BERT encoder (token ids -> embeddings), for validating the whole path.
        // Optimized in debug builds too: `swift test` would otherwise run the encoder unoptimized (~50x slower).
        .target(name: "SwiftTokEmbed", dependencies: embedKernelTargets.map { .target(name: $0) } + ["SwiftTok", "CSwiftTokSupport"],
                exclude: ["AVX512"], swiftSettings: fast + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .executableTarget(
            name: "SwiftTokCLI",
            dependencies: ["SwiftTok", "SwiftTokEmbed", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: fast),
        .testTarget(
            name: "SwiftTokTests", dependencies: ["SwiftTok"],
            exclude: testFixtures),
        .testTarget(name: "SwiftTokEmbedTests", dependencies: ["SwiftTokEmbed", "SwiftTok"], exclude: embedTestFixtures),
    ] + embedKernelTargetList
)
// Test fixtures are listed when the manifest is evaluated.
// (fixtures: see testFixtures)
//
