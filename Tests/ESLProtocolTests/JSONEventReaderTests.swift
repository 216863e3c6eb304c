import ESLProtocol
import TestSupport
import Testing

/// The JSON event reader: every case a hand-made or hostile JSON event can bring, against what RFC 8259
/// and the JSON encoder say.
@Suite struct JSONEventReaderTests {
    func decode(_ text: String) throws -> Event { try Event.decode(Array(text.utf8), format: .json) }

    func reason(_ text: String) -> String? {
        do {
            _ = try Event.decode(Array(text.utf8), format: .json)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func escapesAreUndoneWhenRead() throws {
        let event = try decode(#"{"Event-Name":"CUSTOM","X":"a\"b\\c\/d\n\t\r\b\f","U":"caf\u00e9 \ud83d\ude00","P":"100%"}"#)
        #expect(event["X"] == "a\"b\\c/d\n\t\r\u{08}\u{0C}")
        #expect(event["U"] == "café 😀")
        #expect(event["P"] == "100%")  // JSON values are not URL-encoded
    }

    @Test func repeatedKeysKeepTheirOrderAndAnEscapedKeyIsRead() throws {
        let event = try decode(#"{"A":"1","B":"2","A":"3","K\u0065y":"v"}"#)
        #expect(event.headers.map(\.name) == ["A", "B", "A", "Key"])
        #expect(event.headers.values("A") == ["1", "3"])
        #expect(event["Key"] == "v")
    }

    @Test func numbersBooleansAndNullAreKeptAsText() throws {
        let event = try decode(#" { "N" : -12.50e+3 , "T":true, "F":false, "Z":null, "L":[1,"two",null] } "#)
        #expect(event["N"] == "-12.50e+3")
        #expect(event["T"] == "true")
        #expect(event["F"] == "false")
        #expect(event["Z"] == "")
        #expect(event.headers.values("L") == ["1", "two", ""])
    }

    @Test func theBodyIsNotAHeaderNorIsItsLength() throws {
        let event = try decode(#"{"Event-Name":"X","Content-Length":"5","_body":"a\nb\u0021"}"#)
        #expect(event.body == "a\nb!")
        #expect(!event.headers.contains("Content-Length"))
        let noBody = try decode(#"{"Event-Name":"X","Content-Length":"5"}"#)
        #expect(noBody["Content-Length"] == "5")
    }

    @Test("malformed JSON is refused with a reason", arguments: [(String, String)]([
        ("", "empty"),
        ("[]", "not a JSON object"),
        (#"{"A":"1""#, "unexpected end"),
        (#"{"A":"1",}"#, "expected a key"),
        (#"{"A" "1"}"#, "expected ':'"),
        (#"{"A":{"B":"1"}}"#, "neither a string nor a list"),
        (#"{"A":[["x"]]}"#, "neither a string nor a list"),
        (#"{"A":"1"} x"#, "content after the object"),
        (#"{"A":"\x"}"#, "invalid escape"),
        (#"{"A":"\u12"}"#, #"invalid \u escape"#),
        (#"{"A":"\ud800"}"#, "lone surrogate"),
        (#"{"A":"\udc00"}"#, "lone surrogate"),
        ("{\"A\":\"a\nb\"}", "control character"),
        (#"{"A":01}"#, "expected ',' or '}'"),
        (#"{"A":-}"#, "invalid number"),
        (#"{"A":1.}"#, "invalid number"),
        (#"{"A":tru}"#, "invalid literal"),
        (#"{"A":"open}"#, "unexpected end"),
    ]))
    func malformed(text: String, expected: String) {
        let reason = reason(text)
        #expect(reason?.contains(expected) == true, "\(text): \(reason ?? "accepted")")
        #expect(reason?.hasPrefix("malformed json event: ") == true)
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: DecodeError.self) { try Event.decode(Array(#"{"A":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), format: .json) }
    }

    /// The first CHANNEL_CREATE of the json capture, its values as the capture shows them, and its
    /// header names in the order of the plain capture's first CHANNEL_CREATE (the same switch's twin).
    @Test func aJSONEventHasItsPlainTwinsHeadersAndTheCapturesValues() throws {
        let json = try Fixtures.frames(Fixtures.received("call-events-json")).frames.filter { $0.contentType == "text/event-json" }
            .map { try Event.decode($0.body, format: .json) }
        let plain = try Fixtures.frames(Fixtures.received("call-events-plain")).frames.filter { $0.contentType == "text/event-plain" }
            .map { try Event.decode($0.body, format: .plain) }
        let create = try #require(json.first { $0.name == "CHANNEL_CREATE" })
        let twin = try #require(plain.first { $0.name == "CHANNEL_CREATE" })
        #expect(create.headers.map(\.name) == twin.headers.map(\.name))
        #expect(create["FreeSWITCH-IPv6"] == "fd00::2")
        #expect(create["Event-Date-Local"] == "2026-11-27 00:29:18")
        #expect(create["Event-Date-GMT"] == "Fri, 27 Nov 2026 00:29:18 GMT")
        #expect(create["Event-Date-Timestamp"] == "1795739358134922")
        #expect(create["Channel-Name"] == "loopback/9196-a")
        #expect(create.uniqueID == "2eaae6b8-f94e-4310-b468-4fe7e7e89bd1")
        #expect(create["Event-Sequence"] == "674")
        // The plain twin's values are URL-decoded to the same text the json one carries.
        #expect(twin["FreeSWITCH-IPv6"] == "fd00::2")
    }

    @Test func everyEventOfTheCaptureSurvivesAJSONRoundTrip() throws {
        // Lazy and eager reads agree: every value read from the table equals the value made eagerly.
        let frames = try Fixtures.frames(Fixtures.received("call-events-json")).frames.filter { $0.contentType == "text/event-json" }
        #expect(!frames.isEmpty)
        for frame in frames {
            let event = try Event.decode(frame.body, format: .json)
            let copy = Event(headers: Headers(event.headers.list), body: event.body)
            #expect(try Event.decode(copy.encoded(as: .json), format: .json) == event)
        }
    }
}
