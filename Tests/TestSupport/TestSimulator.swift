#if canImport(Glibc)
import Glibc
#endif
import ESLSimulator

/// A simulator for tests: a free port, host name `vm` (as in the captures), no heartbeats, calls that
/// last until hung up; `change` adjusts the rest.
public func testSimulator(_ change: (inout SimulatorConfiguration) -> Void = { _ in }) throws -> Simulator {
    var configuration = SimulatorConfiguration()
    configuration.port = 0
    configuration.hostname = "vm"
    configuration.heartbeatInterval = nil
    configuration.callDuration = nil
    change(&configuration)
    return try Simulator(configuration)
}

/// A program built next to the test bundle (`eslsh`, `eslsim`): the test bundle is /proc/self/exe.
public func builtBinary(_ name: String) -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let me = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    return String(me[..<(me.lastIndex(of: "/") ?? me.startIndex)]) + "/" + name
}
