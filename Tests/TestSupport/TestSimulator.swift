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
