/// Base64 over a body that arrives in pieces: up to two bytes are carried to the next piece.
public struct Base64Stream: Sendable {
    private var carry: [UInt8] = []
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public init() {}

    public mutating func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        var input = carry + bytes
        let whole = input.count / 3 * 3
        var index = 0
        while index < whole {
            Self.encode(input[index], input[index + 1], input[index + 2], count: 3, to: &out)
            index += 3
        }
        input.removeFirst(whole)
        carry = input
    }

    /// Writes the carried bytes with padding.
    public mutating func finish(_ out: inout [UInt8]) {
        switch carry.count {
        case 1: Self.encode(carry[0], 0, 0, count: 1, to: &out)
        case 2: Self.encode(carry[0], carry[1], 0, count: 2, to: &out)
        default: break
        }
        carry = []
    }

    private static func encode(_ a: UInt8, _ b: UInt8, _ c: UInt8, count: Int, to out: inout [UInt8]) {
        let value = UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
        out.append(alphabet[Int(value >> 18 & 63)])
        out.append(alphabet[Int(value >> 12 & 63)])
        out.append(count > 1 ? alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "="))
        out.append(count > 2 ? alphabet[Int(value & 63)] : UInt8(ascii: "="))
    }
}

/// Base64 (RFC 4648, with padding) back to bytes: a recording's non-UTF-8 bodies.
public enum Base64 {
    /// The bytes `text` encodes; nil when it is not padded base64 of the standard alphabet.
    public static func decode<Text: Collection<UInt8>>(_ text: Text) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var quad: UInt32 = 0
        var filled = 0
        var padding = 0
        for byte in text {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): digit = 62
            case UInt8(ascii: "/"): digit = 63
            case UInt8(ascii: "="): padding += 1; digit = 0
            default: return nil
            }
            // Padding only at the very end, at most two.
            if byte != UInt8(ascii: "="), padding > 0 { return nil }
            quad = quad << 6 | digit
            filled += 1
            if filled == 4 {
                out.append(UInt8(quad >> 16 & 0xFF))
                out.append(UInt8(quad >> 8 & 0xFF))
                out.append(UInt8(quad & 0xFF))
                quad = 0
                filled = 0
            }
        }
        guard padding <= 2 else { return nil }
        out.removeLast(padding)
        return out
    }
}
