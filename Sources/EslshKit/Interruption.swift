#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ctrl-C (SIGINT) or SIGTERM during a run that then ends cleanly, with what it printed so far:
/// `--events`, `--stats`, `replay`; or output that can no longer be written (`Printer.outputEnded`:
/// the reader of stdout left, a write failed), which ends them the same way, `ExitStatus.final`
/// giving the status. The handler only sets a flag; the runner looks at it between items
/// and during its pauses. (The console and outbound console route signals through their wake pipe.)
///
/// Signal dispositions belong to the process, so the flag a handler sets is the process's too: there
/// is one, private to this type, and a runner is handed an `Interruption` rather than reading it, so
/// that a test can hand it a condition of its own instead.
package struct Interruption: Sendable {
    private let arm: @Sendable () -> Void
    /// True once the run should end.
    package let isRequested: @Sendable () -> Bool

    /// Sets the handlers (call when the run starts).
    package func install() { arm() }

    /// SIGINT and SIGTERM.
    package static let signals = Interruption(arm: installHandlers, isRequested: { raised.load(ordering: .relaxed) || Printer.outputEnded })

    /// A condition of the caller's, no handlers (tests).
    package static func when(_ condition: @escaping @Sendable () -> Bool) -> Interruption {
        Interruption(arm: {}, isRequested: condition)
    }

    private init(arm: @escaping @Sendable () -> Void, isRequested: @escaping @Sendable () -> Bool) {
        self.arm = arm
        self.isRequested = isRequested
    }

    private static let raised = Atomic<Bool>(false)

    private static func installHandlers() {
        let handler: @convention(c) (Int32) -> Void = { _ in Interruption.raised.store(true, ordering: .relaxed) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
    }
}
