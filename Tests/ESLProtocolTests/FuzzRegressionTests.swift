import ESLFuzzing
import ESLProtocol
import TestSupport
import Testing

/// Every input the fuzzer ever crashed on, replayed through the fuzz target in the normal suite.
@Suite struct FuzzRegressionTests {
    /// Each input, and the reason given for it whole and without its first byte.
    static let inputs = [
        ("xml-invalid-utf8-element-name", "not valid UTF-8", "not valid UTF-8"),
        // Crashed FoundationXML; the byte reader stops earlier: at the control byte before the first
        // element, and without it at a root that is not <event>.
        ("xml-processing-instruction-without-data", "not XML (text outside any element) at line 1", "no <event> element"),
    ]

    @Test(arguments: inputs)
    func replay(name: String, whole: String, shortened: String) {
        let bytes = Fixtures.bytes("fuzz-regressions/\(name)")
        bytes.withUnsafeBufferPointer { FuzzTarget.run($0) }
        // And as an XML event body: a clear malformed-event error, no crash.
        for (body, expected) in [(bytes, whole), (Array(bytes.dropFirst()), shortened)] {
            let frame = Frame(headers: ["Content-Type": "text/event-xml"], body: body)
            guard case .malformed(_, let reason) = Message(frame: frame) else {
                Issue.record("decoded")
                return
            }
            #expect(reason.hasPrefix("malformed xml event: \(expected)"), "\(reason)")
        }
    }

    @Test(arguments: ["<!DOCTYPE e [<!ENTITY a \"aaaa\">]><event/>", "<?xml version=\"1.0\"?><event/>", "<event><!-- c --></event>", "<event><![CDATA[x]]></event>"])
    func whatFreeSWITCHNeverSendsIsRefused(xml: String) {
        #expect(throws: DecodeError.self) { try Event.decode(Array(xml.utf8), format: .xml) }
    }
}
