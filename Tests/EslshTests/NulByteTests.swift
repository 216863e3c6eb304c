import Foundation
import TestSupport
import Testing

/// A NUL byte inside a script line (issue 14, found by the parser fuzz target): the line used to end at
/// the NUL and the rest was dropped in silence; it is now refused whole, with a line that says why.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NulByteTests {
    @Test(arguments: [false, true])
    func aLineWithANulByteIsRefusedNotCut(fromFile: Bool) throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let script = "hostname\nstatus\u{0}; shutdown\nhostname\n"
        var arguments = ["-P", "\(simulator.port)"]
        var stdin: String? = script
        if fromFile {
            let path = NSTemporaryDirectory() + "eslsh-nul-\(getpid()).txt"
            try Data(script.utf8).write(to: URL(fileURLWithPath: path))
            arguments += ["-f", path]
            stdin = nil
        }
        let run = try EslshTests.run(arguments, stdin: stdin)
        #expect(run.stdout == "vm\nvm\n")
        #expect(run.stderr == "eslsh: API command contains a NUL byte; refusing to send it\n")
        #expect(run.status == 1)
    }
}
