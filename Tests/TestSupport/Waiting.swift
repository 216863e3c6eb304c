#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Synchronization

/// Tests wait for conditions, not for time. Two kinds of bound appear in them, each named for what it means:
/// - a hang check (`HangCheck`): a generous bound, several times what the step should take, past which
///   the code under test is taken to hang. Exceeding it fails; being slow does not (speed is measured
///   in `make bench`, against a baseline of the same run).
/// - a wait for a condition (`waitUntil`, `Gate`, `ScriptedServer.Peer.holdUntilClosed`): the next step
///   starts when something observable happened — a line, a handler, a connection, a file — never after
///   a sleep that only usually suffices.
public enum HangCheck {
    /// The bound for one step of a test on a loaded two-core machine.
    public static let step: Duration = .seconds(15)

    /// Runs `body`; `inTime` tells whether it returned within `bound` (a hang check, not a speed test).
    public static func run<T>(within bound: Duration = step, _ body: () throws -> T) rethrows -> (value: T, inTime: Bool) {
        let deadline = Deadline.after(bound)
        let value = try body()
        return (value, !deadline.hasPassed)
    }
}

/// Polls `condition` until it holds; false if it still does not when the hang bound passes.
@discardableResult
public func waitUntil(within bound: Duration = HangCheck.step, _ condition: () -> Bool) -> Bool {
    let deadline = Deadline.after(bound)
    while !deadline.hasPassed {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

/// Waits until the file at `path` exists and (if given) contains `text`.
@discardableResult
public func waitForFile(_ path: String, containing text: String? = nil, within bound: Duration = HangCheck.step) -> Bool {
    waitUntil(within: bound) {
        guard let bytes = FileBytes.read(path) else { return false }
        return text.map { String(decoding: bytes, as: UTF8.self).contains($0) } ?? true
    }
}

/// A one-shot signal between a test and a server script: one side opens it, the other waits for it.
public final class Gate: Sendable {
    private let isOpen = Atomic<Bool>(false)
    public init() {}
    public func open() { isOpen.store(true, ordering: .releasing) }
    public var opened: Bool { isOpen.load(ordering: .acquiring) }
    /// Waits until opened; false at the hang bound.
    @discardableResult
    public func wait(within bound: Duration = HangCheck.step) -> Bool { waitUntil(within: bound) { opened } }
}

/// A step on another thread (starting a switch, making a call) whose failure must fail the test with
/// its reason, not turn into a wait that runs into a hang bound.
public final class BackgroundStep: Sendable {
    private let failure = Mutex<String?>(nil)
    public init() {}

    public func run(_ what: String, _ body: () throws -> Void) {
        do { try body() } catch { failure.withLock { $0 = $0 ?? "\(what): \(error)" } }
    }

    /// The first failure, if any (check it after the run).
    public var error: String? { failure.withLock { $0 } }
}
