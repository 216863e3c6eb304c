// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "eslsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "eslsh", targets: ["eslsh"]),
        .executable(name: "eslsim", targets: ["eslsim"]),
        .library(name: "ESLProtocol", targets: ["ESLProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // libedit, from Debian's libedit-dev. The shim wraps its variadic C functions.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The wire protocol: decoder, messages, events, encoder, connection. No terminal code.
        .target(name: "ESLProtocol"),
        // A FreeSWITCH stand-in that answers the way the captures show.
        .target(name: "ESLSimulator", dependencies: ["ESLProtocol"]),
        // Line editing and rendering of messages to text. No sockets.
        .target(name: "ConsoleUI", dependencies: ["ESLProtocol", "CLibEdit"]),
        // What eslsh does: settings and profiles, sessions, the mode runners. Tested without the binary.
        .target(name: "EslshKit", dependencies: ["ESLProtocol", "ConsoleUI"]),
        // Options and dispatch only.
        .executableTarget(
            name: "eslsh",
            dependencies: [
                "ESLProtocol", "ConsoleUI", "EslshKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "eslsim",
            dependencies: [
                "ESLSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: the captures as fixtures, a scriptable misbehaving server.
        .target(name: "TestSupport", dependencies: ["ESLProtocol", "ESLSimulator", "ConsoleUI", "EslshKit"], path: "Tests/TestSupport", exclude: ["Fixtures"]),
        // libFuzzer harness over everything that parses server bytes (make fuzz); a plain build replays files.
        .executableTarget(name: "eslfuzz", dependencies: ["ESLProtocol", "TestSupport"]),
        // Benchmarks (make bench).
        .executableTarget(name: "eslbench", dependencies: ["ESLProtocol", "ESLSimulator", "ConsoleUI"]),
        .testTarget(name: "ESLProtocolTests", dependencies: ["ESLProtocol", "ESLSimulator", "TestSupport"]),
        .testTarget(name: "ConsoleUITests", dependencies: ["ConsoleUI", "ESLProtocol", "TestSupport"]),
        .testTarget(name: "EslshKitTests", dependencies: ["EslshKit", "ConsoleUI", "ESLProtocol", "ESLSimulator", "TestSupport"]),
        .testTarget(name: "ESLSimulatorTests", dependencies: ["ESLSimulator", "ESLProtocol", "TestSupport"]),
        // Runs the built eslsh binary against the simulator.
        .testTarget(name: "EslshTests", dependencies: ["ESLSimulator", "ESLProtocol", "TestSupport"]),
        // Runs the built eslsh binary in a real terminal (tmux) against the simulator.
        .testTarget(name: "InteractiveTests", dependencies: ["ESLSimulator", "ESLProtocol", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
