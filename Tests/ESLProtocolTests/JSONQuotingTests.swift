import ESLProtocol
import TestSupport
import Testing

/// `JSONText.appendQuoted` decides eight bytes at a time whether a string needs escapes. Whatever byte
/// stands wherever in the word (or in the tail after the last whole word), it gives what escaping byte by
/// byte gives.
@Suite struct JSONQuotingTests {
    /// The rule, one byte at a time (JSONText's documentation).
    static func reference(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [0x22]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x22, 0x5C: out += [0x5C, byte]
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0..<0x20, 0x7F: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            case 0xC2 where index < bytes.count && (0x80...0x9F).contains(bytes[index]):
                out += Array("\\u00".utf8) + [hex[Int(bytes[index] >> 4)], hex[Int(bytes[index] & 15)]]
                index += 1
            default: out.append(byte)
            }
        }
        return out + [0x22]
    }

    static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { JSONText.appendQuoted($0, to: &out) }
        return out
    }

    @Test func everyByteAtEveryPlace() {
        for length in 1...19 {
            for place in 0..<length {
                for byte in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[place] = byte
                    if Self.quoted(bytes) != Self.reference(bytes) {
                        Issue.record("byte \(byte) at \(place) of \(length)")
                        return
                    }
                }
            }
        }
    }

    @Test func c1ControlsAcrossTheWordEdge() {
        // 0xC2 as the last byte of a word, its second byte the first of the next.
        for place in 0..<16 {
            var bytes = [UInt8](repeating: UInt8(ascii: "b"), count: 17)
            bytes[place] = 0xC2
            bytes[place + 1] = 0x9B
            #expect(Self.quoted(bytes) == Self.reference(bytes), "\(place)")
        }
    }

    @Test func randomText() {
        var generator = SplitMix(state: 16)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...40, using: &generator)
            // Mostly printable, now and then a byte that needs care.
            let bytes = (0..<length).map { _ -> UInt8 in
                Int.random(in: 0..<8, using: &generator) == 0 ? UInt8.random(in: 0...255, using: &generator) : UInt8.random(in: 0x20...0x7E, using: &generator)
            }
            #expect(Self.quoted(bytes) == Self.reference(bytes))
        }
    }
}

/// `--format ndjson` writes a decoded event's JSON from its bytes (one look for escapes over the whole
/// header block); it must give what encoding the decoded header list gives, for captured events and for
/// header blocks holding every byte that needs care in a name, a value, or an encoded value.
@Suite struct EventJSONFromBytesTests {
    /// From the bytes (`append`) against from the decoded list (`encoded`).
    static func expectSame(_ event: Event, _ label: String) {
        var fromBytes: [UInt8] = []
        event.append(as: .json, to: &fromBytes)
        #expect(fromBytes == event.encoded(as: .json), "\(label)")
    }

    @Test("captured events", arguments: ["call-trace-plain", "call-events-plain", "sofia-register-plain", "busy-switch-json", "bgapi"])
    func capturedEvents(name: String) throws {
        var checked = 0
        for frame in try Fixtures.frames(Fixtures.received(name)).frames {
            guard let format = EventFormat(contentType: frame.contentType ?? "") else { continue }
            Self.expectSame(try Event.decode(frame.body, format: format), "\(name) #\(checked)")
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func everyAwkwardByteInEveryPlace() throws {
        let awkward: [UInt8] = [0x00, 0x01, 0x09, 0x0D, 0x1B, 0x1F, 0x22, 0x5C, 0x7F, 0xC2, 0x9B, 0x80]
        for byte in awkward {
            for place in ["name", "value", "encoded", "line start", "none"] {
                var block = Array("Event-Name: CUSTOM\nA-Header-Name: some value here\n".utf8)
                switch place {
                case "name": block += Array("X-".utf8) + [byte] + Array("-Y: v\n".utf8)
                case "value": block += Array("X-Y: before ".utf8) + [byte] + Array(" after\n".utf8)
                case "line start": block += [byte] + Array("Z: v\n".utf8)
                case "encoded": block += Array("X-Y: %\(String(byte, radix: 16, uppercase: true).count == 1 ? "0" : "")\(String(byte, radix: 16, uppercase: true)) and %22\n".utf8)
                default: block += Array("X-Y: plain\n".utf8)
                }
                block += Array("Last: one\n\n".utf8)
                let event = try Event.decode(block, format: .plain)
                Self.expectSame(event, "byte \(byte) in \(place)")
            }
        }
        // Every shape of member (one value, two, three, parts of an ARRAY), in a block that needs no care and in one that does (the last line).
        for tail in ["", "Z: caf\u{E9}\n"] {
            let shapes = "Event-Name: CUSTOM\nEmpty:\nR: 1\nR: 2\nR: 3\nT: a\nT: b\nP: a%20b%22c%0A\nQ: ARRAY::x|:y%22|:z\nS: s\nR: 4\n" + tail + "\n"
            Self.expectSame(try Event.decode(Array(shapes.utf8), format: .plain), "shapes \(tail.isEmpty ? "as is" : "with care")")
        }
        // CR line ends: the CR is not part of the value, but the block holds it.
        Self.expectSame(try Event.decode(Array("Event-Name: A\r\nB: c\r\n\r\n".utf8), format: .plain), "CRLF")
    }

    /// The look over the block goes a word at a time and decides every 64 bytes: a byte that needs care
    /// is found wherever it stands, before or after those points, in the tail after the last word.
    @Test func cleanNamesAndValuesOfEveryShortLength() throws {
        for length in 0...40 {
            let text = String(repeating: "n", count: max(1, length)) + ": " + String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            let event = try Event.decode(Array("Event-Name: CUSTOM\n\(text)\n\n".utf8), format: .plain)
            Self.expectSame(event, "length \(length)")
        }
    }

    @Test func aByteThatNeedsCareAnywhereInALongBlock() throws {
        for length in [7, 8, 9, 40, 63, 64, 65, 127, 130] {
            for place in 0..<length {
                for byte: UInt8 in [0x01, 0x22, 0x5C, 0x7F, 0xC3] {
                    var value = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    value[place] = byte
                    let block = Array("Event-Name: CUSTOM\nV: ".utf8) + value + Array("\n\n".utf8)
                    let event = try Event.decode(block, format: .plain)
                    var fromBytes: [UInt8] = []
                    event.append(as: .json, to: &fromBytes)
                    if fromBytes != event.encoded(as: .json) {
                        Issue.record("byte \(byte) at \(place) of \(length)")
                        return
                    }
                }
            }
        }
    }
}
