import Foundation
import Synchronization
import TestSupport

/// eslsh running while the test acts on it: its output is collected as it comes, so the test can wait
/// for a line (a condition) before the next step, and its end is awaited with a hang check.
final class LiveProcess: @unchecked Sendable {
    let process = Process()
    private final class Output: Sendable {
        let text = Mutex<(out: String, err: String)>(("", ""))
    }
    private let output = Output()
    private let input = Pipe()
    private var ends: [Gate] = []

    init(_ arguments: [String], environment: [String: String] = [:], executable: String = EslshTests.binary) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = EslshTests.environment(environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        // One reader thread per pipe, to its end: nothing is lost or reordered.
        for (pipe, isErr) in [(out, false), (err, true)] {
            let ended = Gate()
            ends.append(ended)
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [output] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    let text = String(decoding: data, as: UTF8.self)
                    output.text.withLock { if isErr { $0.err += text } else { $0.out += text } }
                }
                ended.open()
            }
        }
        try process.run()
    }

    var stdout: String { output.text.withLock { $0.out } }
    var stderr: String { output.text.withLock { $0.err } }

    func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
    func closeInput() { try? input.fileHandleForWriting.close() }
    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits until stdout (or stderr) contains `text`; false at the hang bound.
    @discardableResult
    func waitForOutput(_ text: String, onStderr: Bool = false) -> Bool {
        waitUntil { (onStderr ? self.stderr : self.stdout).contains(text) }
    }

    /// Waits for the exit (a hang check: killed at the bound) and returns the status and all output.
    func finish(within bound: Duration = HangCheck.step) -> (status: Int32, exited: Bool, stdout: String, stderr: String) {
        closeInput()
        if !waitUntil(within: bound, { !self.process.isRunning }) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        for ended in ends { ended.wait() }
        let reason = process.terminationReason
        return (process.terminationStatus, reason == .exit, stdout, stderr)
    }
}
