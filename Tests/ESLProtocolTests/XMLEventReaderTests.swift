import ESLProtocol
import TestSupport
import Testing

/// The XML event reader: FreeSWITCH's subset of XML read right, everything else refused with a reason.
@Suite struct XMLEventReaderTests {
    func decode(_ text: String) throws -> Event { try Event.decode(Array(text.utf8), format: .xml) }

    func reason(_ bytes: [UInt8]) -> String? {
        do {
            _ = try Event.decode(bytes, format: .xml)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func entitiesCharacterReferencesAndPercentEncoding() throws {
        let event = try decode("""
            <event>
              <headers>
                <Event-Name>CUSTOM</Event-Name>
                <X-Text>a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &apos;s&apos; &#233;&#x263A;</X-Text>
                <X-Encoded>100%25%20ok</X-Encoded>
                <X-Mixed>50%25 &amp; more</X-Mixed>
                <X-Empty></X-Empty>
                <X-Closed/>
              </headers>
              <Content-Length>9</Content-Length>
              <body>x &lt; y%20</body>
            </event>
            """)
        #expect(event["X-Text"] == "a < b && c > d \"q\" 's' é☺")
        #expect(event["X-Encoded"] == "100% ok")
        #expect(event["X-Mixed"] == "50% & more")
        #expect(event["X-Empty"] == "")
        #expect(event["X-Closed"] == "")
        #expect(event.body == "x < y%20")  // the body is not URL-encoded
        #expect(event.headers.map(\.name) == ["Event-Name", "X-Text", "X-Encoded", "X-Mixed", "X-Empty", "X-Closed"])
    }

    @Test func arrayValuesAndAttributes() throws {
        let event = try decode(#"<event a="1"><headers><X-List kind='x'>ARRAY%3A%3Aone%7C%3Atwo</X-List><Y>ARRAY::a|:b &amp; c</Y></headers></event>"#)
        #expect(event.headers.values("X-List") == ["one", "two"])
        #expect(event.headers.values("Y") == ["a", "b & c"])
    }

    @Test("malformed XML is refused with a reason", arguments: [(String, String)]([
        ("", "empty document"),
        ("   \n", "empty document"),
        ("hello", "text outside any element"),
        ("<other/>", "no <event> element"),
        ("<event><headers><Event-Name>X</headers>", "mismatched closing tag"),
        ("<event><headers>", "a tag is not closed"),
        ("<event></event><event></event>", "content after the document"),
        ("<event></event> tail", "content after the document"),
        ("<?xml version=\"1.0\"?><event/>", "not part of FreeSWITCH events"),
        ("<!DOCTYPE e [<!ENTITY a \"b\">]><event/>", "not part of FreeSWITCH events"),
        ("<event><!-- c --></event>", "not part of FreeSWITCH events"),
        ("<event><![CDATA[x]]></event>", "not part of FreeSWITCH events"),
        ("<event>&nope;</event>", "invalid character or entity"),
        ("<event>&#0;</event>", "invalid character or entity"),
        ("<event>&#x110000;</event>", "invalid character or entity"),
        ("<event>& </event>", "invalid character or entity"),
        ("<event a=1></event>", "attribute value without quotes"),
        ("<event><></event>", "a tag without a name"),
        ("<event", "unexpected end"),
    ]))
    func malformed(text: String, expected: String) {
        let reason = reason(Array(text.utf8))
        #expect(reason?.contains(expected) == true, "\(text): \(reason ?? "accepted")")
        #expect(reason?.hasPrefix("malformed xml event: ") == true)
    }

    @Test func nulAndInvalidUTF8AreRefused() {
        #expect(reason(Array("<event>a".utf8) + [0] + Array("</event>".utf8))?.contains("NUL") == true)
        #expect(reason(Array("<event><".utf8) + [0xFF] + Array("/></event>".utf8))?.contains("UTF-8") == true)
    }

    @Test func lazyAndEagerReadsAgreeOnTheCapture() throws {
        let frames = try Fixtures.frames(Fixtures.received("call-events-xml")).frames.filter { $0.contentType == "text/event-xml" }
        #expect(!frames.isEmpty)
        for frame in frames {
            let event = try Event.decode(frame.body, format: .xml)
            let copy = Event(headers: Headers(event.headers.list), body: event.body)
            #expect(try Event.decode(copy.encoded(as: .xml), format: .xml) == event)
            #expect(copy.frame(as: .xml) == frame)
        }
    }
}
