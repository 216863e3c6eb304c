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
