/// FreeSWITCH's URL encoding of event header values.
///
/// Decoding turns `%XX` (two hex digits, either case) into the byte; anything else, including a lone
/// `%`, `%zz` and `+`, stays as it is — FreeSWITCH encodes `+` as `%2B`, so a literal `+` is a plus.
/// Decoding happens after framing, so it can never move a frame or header boundary.
public enum PercentCoding {
    public static func decode(_ text: String) -> String {
        var text = text
        return text.withUTF8 { decode(UnsafeBufferPointer(rebasing: $0[...])) }
    }

    static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        guard raw.contains(0x25) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        decode(raw, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes into `out` (replacing its contents): bytes, which need not be UTF-8.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == 0x25, index + 2 < raw.count,
               let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
    }

    static func appendSplittingArray(name: String, value: String, to list: inout [Header]) {
        if value.utf8.starts(with: "ARRAY::".utf8) {
            for part in value.dropFirst(7).splitOnArraySeparator() { list.append(Header(name, part)) }
        } else {
            list.append(Header(name, value))
        }
    }

    /// Encodes a value the way FreeSWITCH serialises plain events (uppercase hex; an existing `%XX`
    /// with uppercase hex digits is left alone, as the server does).
    public static func encode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x25, index + 2 < bytes.count, isUpperHex(bytes[index + 1]), isUpperHex(bytes[index + 2]) {
                out.append(contentsOf: bytes[index...(index + 2)])
                index += 3
                continue
            }
            if byte < 0x20 || byte > 0x7E || reserved.contains(byte) {
                out.append(0x25)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let reserved: Set<UInt8> = Set(" #%&+:;<=>?@[\\]^`{|}\"".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func isUpperHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46)
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

extension StringProtocol {
    /// Splits on FreeSWITCH's array separator `|:`.
    func splitOnArraySeparator() -> [String] {
        let bytes = Array(utf8)
        var parts: [String] = []
        var partStart = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x7C, bytes[index + 1] == 0x3A {
                parts.append(String(decoding: bytes[partStart..<index], as: UTF8.self))
                index += 2
                partStart = index
            } else {
                index += 1
            }
        }
        parts.append(String(decoding: bytes[partStart...], as: UTF8.self))
        return parts
    }
}
