import ESLProtocol
import TestSupport
import Testing

/// Every input the fuzzer ever crashed on, replayed through the fuzz target in the normal suite.
@Suite struct FuzzRegressionTests {
    static let inputs = ["xml-invalid-utf8-element-name"]

    @Test(arguments: inputs)
    func replay(name: String) {
        let bytes = Fixtures.bytes("fuzz-regressions/\(name)")
        bytes.withUnsafeBufferPointer { FuzzTarget.run($0) }
        // And as the event body it was when found: a clear malformed-event error, no trap.
        let frame = Frame(headers: ["Content-Type": "text/event-xml"], body: bytes)
        guard case .malformed(_, let reason) = Message(frame: frame) else {
            Issue.record("decoded")
            return
        }
        #expect(reason == "malformed xml event: not valid UTF-8")
    }
}
