import Foundation
import TestSupport

/// The eslsh binary left running while a test watches its output, signals it, or goes away from its
/// stdout the way `head -1` does; `finish` collects the end as `EslshTests.run` does.
final class RunningEslsh: @unchecked Sendable {
    let process = Process()
    /// Bytes a reader thread appends to while the test looks.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        /// Appends; returns how many line breaks there are now.
        func append(_ chunk: ArraySlice<UInt8>) -> Int { lock.withLock { bytes += chunk; return bytes.count(where: { $0 == 10 }) } }
        var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    }
    private let output = Collected()
    private let errors = Collected()
    private let done = DispatchGroup()

    /// `closeOutputAfterLines`: the reader of stdout reads that many lines, then closes its end.
    /// `outputFile`: stdout goes to this file (`/dev/full`) instead of a pipe.
    init(_ arguments: [String], environment: [String: String] = [:], closeOutputAfterLines: Int? = nil, outputFile: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: EslshTests.binary)
        process.arguments = arguments
        process.environment = EslshTests.environment(environment)
        let out = Pipe(), err = Pipe()
        if let outputFile {
            process.standardOutput = FileHandle(forWritingAtPath: outputFile)
        } else {
            process.standardOutput = out
        }
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if outputFile == nil {
            collect(out.fileHandleForReading, into: output, closingAfterLines: closeOutputAfterLines)
        }
        // The parent's copy of the write end: without closing it, the reader never sees the end.
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
        collect(err.fileHandleForReading, into: errors, closingAfterLines: nil)
        let pid = process.processIdentifier
        // A hung eslsh must fail its test, not hang the suite.
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { kill(pid, SIGKILL) }
    }

    private func collect(_ handle: FileHandle, into buffer: Collected, closingAfterLines lines: Int?) {
        done.enter()
        let fd = handle.fileDescriptor
        Thread.detachNewThread { [done] in
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(fd, &chunk, chunk.count)
                guard count > 0 else { break }
                let breaks = buffer.append(chunk[0..<count])
                if let lines, breaks >= lines { break }
            }
            try? handle.close()
            done.leave()
        }
    }

    var stdout: String { output.text }
    var stderr: String { errors.text }

    /// Waits (up to `seconds`) until the output so far satisfies `condition`.
    @discardableResult
    func waitForOutput(seconds: Double = 10, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition(stdout) { return true }
            usleep(10_000)
        }
        return condition(stdout)
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit and for both pipes to reach their end.
    func finish() -> EslshTests.Run {
        process.waitUntilExit()
        done.wait()
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return EslshTests.Run(status: status, stdout: stdout, stderr: stderr)
    }
}
