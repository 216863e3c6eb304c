// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "eslsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "eslsh", targets: ["eslsh"]),
        .executable(name: "eslsim", targets: ["eslsim"]),
        .library(name: "ESLProtocol", targets: ["ESLProtocol"]),
        .library(name: "ESLClient", targets: ["ESLClient"]),
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
        // ncurses (wide), from Debian's libncurses-dev, for the full-screen views; the shim wraps its macros.
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // The protocol core, with no I/O at all: decoder, messages, events, encoder, recording format,
        // reply correlation. Depends on nothing; Tests/ESLProtocolTests/CoreHasNoIOTests keeps it so.
        .target(name: "ESLProtocol"),
        // The I/O over the core: sockets, listener, handshake, the reader thread, queues, locks, files.
        .target(name: "ESLClient", dependencies: ["ESLProtocol"]),
        // A FreeSWITCH stand-in that answers the way the captures show.
        .target(name: "ESLSimulator", dependencies: ["ESLProtocol", "ESLClient"]),
        // Line editing and rendering of messages to text. No sockets.
        .target(name: "ConsoleUI", dependencies: ["ESLProtocol", "CLibEdit", "CNcurses"]),
        // What eslsh does: settings and profiles, sessions, the mode runners. Tested without the binary.
        .target(name: "EslshKit", dependencies: ["ESLProtocol", "ESLClient", "ConsoleUI"]),
        // Options and dispatch only. Generated/startup-order.txt is for the linker (Makefile, `make release`).
        .executableTarget(
            name: "eslsh",
            dependencies: [
                "ESLProtocol", "ESLClient", "ConsoleUI", "EslshKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Generated"]
        ),
        .executableTarget(
            name: "eslsim",
            dependencies: [
                "ESLSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: the captures as fixtures, a scriptable misbehaving server.
        .target(name: "TestSupport", dependencies: ["ESLProtocol", "ESLClient", "ESLSimulator"], path: "Tests/TestSupport", exclude: ["Fixtures"]),
        // What the fuzzer feeds every input to; the regression tests replay its findings through it too.
        .target(name: "ESLFuzzing", dependencies: ["ESLProtocol", "ConsoleUI", "EslshKit"]),
        // libFuzzer harness over everything that parses server bytes (make fuzz); a plain build replays files.
        .executableTarget(name: "eslfuzz", dependencies: ["ESLProtocol", "ESLClient", "ESLFuzzing"]),
        // Benchmarks (make bench).
        .executableTarget(name: "eslbench", dependencies: ["ESLProtocol", "ESLClient", "ESLSimulator", "ConsoleUI"]),
        .testTarget(name: "ESLProtocolTests", dependencies: ["ESLProtocol", "ESLClient", "ESLFuzzing", "TestSupport"]),
        .testTarget(name: "ESLClientTests", dependencies: ["ESLClient", "ESLProtocol", "ESLSimulator", "TestSupport"]),
        .testTarget(name: "ConsoleUITests", dependencies: ["ConsoleUI", "ESLProtocol", "ESLFuzzing", "TestSupport"]),
        // The executable's option declarations against its start-up fast path.
        .testTarget(name: "EslshOptionsTests", dependencies: ["eslsh", "EslshKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "EslshKitTests", dependencies: ["EslshKit", "ConsoleUI", "ESLProtocol", "ESLClient", "ESLFuzzing", "ESLSimulator", "TestSupport"]),
        .testTarget(name: "ESLSimulatorTests", dependencies: ["ESLSimulator", "ESLProtocol", "ESLClient", "TestSupport"]),
        // Runs the built eslsh binary against the simulator.
        .testTarget(name: "EslshTests", dependencies: ["ESLSimulator", "ESLProtocol", "ESLClient", "TestSupport"]),
        // Runs the built eslsh binary in a real terminal (tmux) against the simulator.
        .testTarget(name: "InteractiveTests", dependencies: ["ESLSimulator", "ESLProtocol", "ESLClient", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
