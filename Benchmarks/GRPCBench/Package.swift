// swift-tools-version:6.1
//
// grpc-bench: the grpc-swift-2 baseline that Scripts/bench measures qbsync's RPC against.
// A separate package so the main build never pays for gRPC; docs/benchmarks.md has the numbers.

import PackageDescription

let package = Package(
    name: "GRPCBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
    ],
    targets: [
        .executableTarget(
            name: "grpc-bench",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
