import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// How both consoles wait for a command's answer: a helper thread blocks in `Connection.send` while
/// the main thread keeps serving the wake pipe — showing what arrives, passing Ctrl-C on as a
/// cancellation (the connection then discards the late reply), and noting SIGTERM/SIGHUP.
package enum ReplyWait {
    /// The outcome, or nil when no thread could be started to wait with.
    package static func run(_ command: Command, on connection: Connection, wake: WakePipe, timeout: Duration?,
                    showInbound: () -> Void, terminated: () -> Void) -> Result<Response, ConnectionError>? {
        let box = ResultBox()
        // Detached (startThread's default): nobody joins it, after a Ctrl-C the main thread has moved on.
        let helper = startThread {
            let outcome: Result<Response, ConnectionError>
            do throws(ConnectionError) { outcome = .success(try connection.send(command, timeout: timeout)) } catch { outcome = .failure(error) }
            box.set(outcome)
            wake.wake()
        }
        guard helper != nil else { return nil }
        while true {
            var output = false
            for byte in wake.wait(milliseconds: 1000) {
                switch Int32(byte) {
                case Int32(WakePipe.inbound): output = true
                case SIGINT: connection.cancelWaiting()
                case SIGTERM, SIGHUP:
                    connection.cancelWaiting()
                    terminated()
                case SIGTSTP: WakePipe.suspend()
                default: break
                }
            }
            if output { showInbound() }
            if let outcome = box.get() { return outcome }
        }
    }
}

/// The helper thread's result, handed to the main thread.
package final class ResultBox: Sendable {
    private let value = Locked<Result<Response, ConnectionError>?>(nil)
    package func set(_ result: Result<Response, ConnectionError>) { value.withLock { $0 = result } }
    package func get() -> Result<Response, ConnectionError>? { value.withLock { $0 } }
}
