import ESLFuzzing
import ESLProtocol
import TestSupport
import Testing

/// Every input the fuzzer ever crashed on, replayed through the fuzz target in the normal suite.
@Suite struct FuzzRegressionTests {
    static let inputs = [
        ("xml-invalid-utf8-element-name", "not valid UTF-8"),
        // Crashed FoundationXML; the byte reader stops earlier, at text outside the root or its name.
        ("xml-processing-instruction-without-data", ""),
    ]

    @Test(arguments: inputs)
    func replay(name: String, reason expected: String) {
        let bytes = Fixtures.bytes("fuzz-regressions/\(name)")
        bytes.withUnsafeBufferPointer { FuzzTarget.run($0) }
        // And as an XML event body: a clear malformed-event error, no crash.
        for body in [bytes, Array(bytes.dropFirst())] {
            let frame = Frame(headers: ["Content-Type": "text/event-xml"], body: body)
            guard case .malformed(_, let reason) = Message(frame: frame) else {
                Issue.record("decoded")
                return
            }
            // An empty expectation means any reason: `contains("")` is false for some of String's overloads.
            #expect(reason.hasPrefix("malformed xml event: ") && (expected.isEmpty || reason.contains(expected)), "\(reason)")
        }
    }

    @Test(arguments: ["<!DOCTYPE e [<!ENTITY a \"aaaa\">]><event/>", "<?xml version=\"1.0\"?><event/>", "<event><!-- c --></event>", "<event><![CDATA[x]]></event>"])
    func whatFreeSWITCHNeverSendsIsRefused(xml: String) {
        #expect(throws: DecodeError.self) { try Event.decode(Array(xml.utf8), format: .xml) }
    }
}
