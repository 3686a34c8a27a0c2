// swift-tools-version:6.1
// SemCom — semantic communication of health data.
// The module map in force is ../shared/docs/ARCHITECTURE.md: imports point down only,
// and each C library is imported (`internal import`) by exactly one Swift target.

import PackageDescription

let realModule: Target.Dependency = .product(name: "RealModule", package: "swift-numerics")

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    // Define SEMCOM_INTERNAL_CHECKS (`-Xswiftc -DSEMCOM_INTERNAL_CHECKS`) to verify shapes and
    // finiteness after every layer and optimizer step; off by default (it costs time).
]

let package = Package(
    name: "SemCom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "semcom", targets: ["semcom"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Compression", targets: ["Compression"]),
        .library(name: "HealthData", targets: ["HealthData"]),
        .library(name: "Channels", targets: ["Channels"]),
        .library(name: "KnowledgeBase", targets: ["KnowledgeBase"]),
        .library(name: "RawTransmission", targets: ["RawTransmission"]),
        .library(name: "SemanticCodec", targets: ["SemanticCodec"]),
        .library(name: "Privacy", targets: ["Privacy"]),
        .library(name: "TabularCodec", targets: ["TabularCodec"]),
        .library(name: "PoseCodec", targets: ["PoseCodec"]),
        .library(name: "ClinicalTextCodec", targets: ["ClinicalTextCodec"]),
        .library(name: "MultimodalCodec", targets: ["MultimodalCodec"]),
        .library(name: "Federated", targets: ["Federated"]),
        .library(name: "VitalSignsCodec", targets: ["VitalSignsCodec"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "SecretKeyGeneration", targets: ["SecretKeyGeneration"]),
        .library(name: "Incognito", targets: ["Incognito"]),
        .library(name: "Robustness", targets: ["Robustness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // MARK: - Layer 0: system libraries
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),

        // Vectorized sampling kernels (AVX2+FMA with runtime dispatch and a portable path).
        .target(name: "CSemComKernels"),

        // MARK: - Layer 1
        .target(
            name: "TensorCore",
            dependencies: ["CBLAS", "CSemComKernels", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: settings),
        .target(name: "Compression", dependencies: ["CZstd"], swiftSettings: settings),

        // MARK: - Layer 2
        .target(name: "NeuralNet", dependencies: ["TensorCore", realModule], swiftSettings: settings),
        .target(name: "Channels", dependencies: ["TensorCore", realModule], swiftSettings: settings),
        .target(name: "HealthData", dependencies: ["TensorCore", realModule], swiftSettings: settings),
        .target(
            name: "KnowledgeBase",
            dependencies: ["TensorCore", "Compression", "Channels", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        .target(
            name: "Privacy", dependencies: ["TensorCore", realModule, .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),

        // MARK: - Layer 3
        .target(
            name: "RawTransmission", dependencies: ["TensorCore", "Channels", "Compression", realModule],
            swiftSettings: settings),
        .target(
            name: "SemanticCodec", dependencies: ["TensorCore", "NeuralNet", "Channels", "KnowledgeBase", realModule],
            swiftSettings: settings),

        .target(
            name: "SecretKeyGeneration",
            dependencies: ["TensorCore", "Channels", realModule, .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),

        .target(
            name: "Incognito",
            dependencies: ["TensorCore", "HealthData", "Privacy", realModule, .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),

        // MARK: - Layer 4
        .target(
            name: "TabularCodec",
            dependencies: [
                "TensorCore", "NeuralNet", "Channels", "KnowledgeBase", "HealthData", "SemanticCodec", realModule,
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        .target(
            name: "VitalSignsCodec",
            dependencies: [
                "TensorCore", "NeuralNet", "Channels", "KnowledgeBase", "HealthData", "SemanticCodec", realModule,
            ],
            swiftSettings: settings),
        .target(
            name: "PoseCodec",
            dependencies: [
                "TensorCore", "NeuralNet", "Channels", "KnowledgeBase", "HealthData", "SemanticCodec", realModule,
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        .target(
            name: "ClinicalTextCodec",
            dependencies: [
                "TensorCore", "NeuralNet", "Channels", "KnowledgeBase", "HealthData", "SemanticCodec", realModule,
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        .target(
            name: "MultimodalCodec",
            dependencies: [
                "TensorCore", "NeuralNet", "Channels", "KnowledgeBase", "HealthData", "SemanticCodec",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        .target(
            name: "Federated",
            dependencies: [
                "TensorCore", "NeuralNet", "Privacy", "Channels", "HealthData", realModule,
            ],
            swiftSettings: settings),

        .target(
            name: "Robustness",
            dependencies: ["TensorCore", "NeuralNet", "Channels", "KnowledgeBase", "SemanticCodec", realModule],
            swiftSettings: settings),

        // MARK: - Layer 5
        .target(
            name: "Experiments",
            dependencies: [
                "TensorCore", "NeuralNet", "Compression", "HealthData", "Channels", "RawTransmission", "SemanticCodec",
                "KnowledgeBase", "TabularCodec", "Privacy", "PoseCodec", "ClinicalTextCodec", "SecretKeyGeneration", "Federated",
                "VitalSignsCodec", "Incognito", "MultimodalCodec", "Robustness", realModule,
            ],
            swiftSettings: settings),

        // MARK: - Layer 6: the CLI
        .executableTarget(
            name: "semcom",
            dependencies: [
                "TensorCore", "NeuralNet", "Compression", "HealthData", "Channels", "RawTransmission", "Experiments",
                "KnowledgeBase", "SemanticCodec", "TabularCodec", "Privacy", "PoseCodec", "ClinicalTextCodec", "SecretKeyGeneration", "Federated",
                "VitalSignsCodec", "Incognito", "MultimodalCodec", "Robustness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings),

        // MARK: - Tests (one per target)
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"], swiftSettings: settings),
        .testTarget(name: "CompressionTests", dependencies: ["Compression"], swiftSettings: settings),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TensorCore"], swiftSettings: settings),
        .testTarget(name: "ChannelsTests", dependencies: ["Channels", "TensorCore"], swiftSettings: settings),
        .testTarget(
            name: "KnowledgeBaseTests",
            dependencies: ["KnowledgeBase", "Channels", "TensorCore", "Compression", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        .testTarget(
            name: "HealthDataTests", dependencies: ["HealthData", "TensorCore"],
            resources: [.copy("Fixtures")], swiftSettings: settings),
        .testTarget(
            name: "RawTransmissionTests", dependencies: ["RawTransmission", "Channels", "TensorCore", "HealthData"],
            swiftSettings: settings),
        .testTarget(
            name: "SemanticCodecTests", dependencies: ["SemanticCodec", "NeuralNet", "Channels", "KnowledgeBase", "TensorCore"],
            swiftSettings: settings),
        .testTarget(
            name: "ExperimentsTests",
            dependencies: [
                "Experiments", "TensorCore", "NeuralNet", "HealthData", "Channels", "RawTransmission", "SemanticCodec",
                "Privacy", "Federated", "PoseCodec", "Incognito", "VitalSignsCodec",
            ],
            swiftSettings: settings),
        .testTarget(
            name: "PrivacyTests", dependencies: ["Privacy", "TensorCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        .testTarget(
            name: "TabularCodecTests",
            dependencies: ["TabularCodec", "SemanticCodec", "KnowledgeBase", "HealthData", "Channels", "TensorCore"],
            swiftSettings: settings),
        .testTarget(
            name: "PoseCodecTests",
            dependencies: ["PoseCodec", "SemanticCodec", "KnowledgeBase", "HealthData", "Channels", "TensorCore"],
            swiftSettings: settings),
        .testTarget(
            name: "ClinicalTextCodecTests",
            dependencies: ["ClinicalTextCodec", "SemanticCodec", "KnowledgeBase", "HealthData", "Channels", "TensorCore"],
            swiftSettings: settings),
        .testTarget(
            name: "MultimodalCodecTests",
            dependencies: ["MultimodalCodec", "SemanticCodec", "KnowledgeBase", "HealthData", "Channels", "NeuralNet", "TensorCore"],
            swiftSettings: settings),
        .testTarget(
            name: "SecretKeyGenerationTests", dependencies: ["SecretKeyGeneration", "TensorCore", realModule],
            swiftSettings: settings),
        .testTarget(
            name: "FederatedTests", dependencies: ["Federated", "Privacy", "TensorCore", "HealthData", "Channels"],
            swiftSettings: settings),
        .testTarget(
            name: "VitalSignsCodecTests",
            dependencies: ["VitalSignsCodec", "SemanticCodec", "NeuralNet", "KnowledgeBase", "HealthData", "Channels", "TensorCore"],
            swiftSettings: settings),
        .testTarget(
            name: "IncognitoTests",
            dependencies: ["Incognito", "Privacy", "HealthData", "TensorCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        .testTarget(
            name: "RobustnessTests",
            dependencies: ["Robustness", "SemanticCodec", "NeuralNet", "Channels", "KnowledgeBase", "TensorCore"],
            swiftSettings: settings),
        .testTarget(name: "semcomTests", dependencies: ["semcom"], swiftSettings: settings),
    ]
)
