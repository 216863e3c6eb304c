/// The one escaper of outside text for a person (issue 14): control characters — the C0 range, DEL
/// and the C1 range U+0080–U+009F, which terminals obey as escape sequences too — are written as
/// visible escapes, never emitted: `\n`, `\r`, `\t`, `\0`, else `\xHH` (the code point, two upper-case
/// hex digits: ESC is `\x1B`, CSI U+009B is `\x9B`). Error messages quote with it (`escapedForDisplay`,
/// one line, bounded), the stream renderer, tables, views and completion show with it.
///
/// Two shapes. `oneLine`: every control character is escaped, line breaks too (a value that should
/// be one line, a quoted string). `lines`: text that is several lines keeps LF and tab, and a CR right
/// before an LF (a CRLF line end, harmless); any other CR is escaped, since a bare CR returns the
/// cursor and lets the rest of the line paint over what the line said.
///
/// Clean text — nearly all of it — costs one byte scan and is returned untouched (no copy). The scan
/// works on UTF-8: a C1 character is the two bytes C2 80–C2 9F. Bytes that are not UTF-8 are left to
/// the terminal's decoder (a UTF-8 terminal shows them as U+FFFD, not as C1 controls).
public enum VisibleText {
    public enum Shape: Sendable { case oneLine, lines }

    /// Whether `bytes` hold anything `shape` escapes.
    public static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>, _ shape: Shape) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            // One comparison for the common case: printable ASCII and UTF-8 lead bytes other than C2.
            if byte >= 0x20 && byte != 0x7F && byte != 0xC2 { continue }
            if isEscaped(byte, next: index < count ? bytes[index] : nil, shape) { return true }
        }
        return false
    }

    /// Whether the byte at a position is escaped, given the one after it.
    static func isEscaped(_ byte: UInt8, next: UInt8?, _ shape: Shape) -> Bool {
        switch byte {
        case 0x0A, 0x09: return shape == .oneLine
        case 0x0D: return shape == .oneLine || next != 0x0A
        case 0xC2: return next.map { (0x80...0x9F).contains($0) } ?? false
        default: return byte < 0x20 || byte == 0x7F
        }
    }

    /// `bytes` appended to `out`, control characters as escapes.
    public static func append(_ bytes: UnsafeBufferPointer<UInt8>, _ shape: Shape, to out: inout [UInt8]) {
        guard needsEscaping(bytes, shape) else { return out.append(contentsOf: bytes) }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : nil
            index += 1
            guard byte < 0x20 || byte == 0x7F || byte == 0xC2, isEscaped(byte, next: next, shape) else {
                out.append(byte)
                continue
            }
            if byte == 0xC2, let next {
                index += 1  // the C1 character's second byte is its code point
                appendHex(next, to: &out)
                continue
            }
            switch byte {
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00: out.append(contentsOf: [0x5C, UInt8(ascii: "0")])
            default: appendHex(byte, to: &out)
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func appendHex(_ value: UInt8, to out: inout [UInt8]) {
        out.append(contentsOf: [0x5C, UInt8(ascii: "x"), hexDigits[Int(value >> 4)], hexDigits[Int(value & 0x0F)]])
    }

    /// The text with its control characters escaped; the same string when there are none.
    public static func escaped(_ text: String, _ shape: Shape) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard needsEscaping(bytes, shape) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            append(bytes, shape, to: &out)
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    /// The bytes escaped in place; untouched (no copy) when there is nothing to escape.
    public static func escape(_ bytes: inout [UInt8], _ shape: Shape) {
        let escaped: [UInt8]? = bytes.withUnsafeBufferPointer { buffer in
            guard needsEscaping(buffer, shape) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(buffer.count + 16)
            append(buffer, shape, to: &out)
            return out
        }
        if let escaped { bytes = escaped }
    }

    /// Escapes what was appended to `out` from `start` on (a part just rendered into a shared buffer).
    public static func escape(_ out: inout [UInt8], from start: Int, _ shape: Shape) {
        let escaped: [UInt8]? = out.withUnsafeBufferPointer { buffer in
            let part = UnsafeBufferPointer(rebasing: buffer[start...])
            guard needsEscaping(part, shape) else { return nil }
            var escaped: [UInt8] = []
            escaped.reserveCapacity(part.count + 16)
            append(part, shape, to: &escaped)
            return escaped
        }
        if let escaped { out.replaceSubrange(start..., with: escaped) }
    }

    /// A stream escaped piece by piece (a streamed API output): a last byte whose meaning depends on
    /// the next one (a CR, a C1 character's first byte) is held until that byte comes.
    public struct Stream: Sendable {
        let shape: Shape
        var held: UInt8?

        public init(_ shape: Shape) { self.shape = shape }

        public mutating func escape(_ chunk: [UInt8]) -> [UInt8] {
            var bytes = held.map { [$0] + chunk } ?? chunk
            held = nil
            if let last = bytes.last, last == 0x0D || last == 0xC2 { held = bytes.removeLast() }
            VisibleText.escape(&bytes, shape)
            return bytes
        }

        /// What is still held, escaped, at the end of the stream.
        public mutating func finish() -> [UInt8]? {
            guard let byte = held else { return nil }
            held = nil
            var bytes = [byte]
            VisibleText.escape(&bytes, shape)
            return bytes
        }
    }

    /// Whether a character is one the escaper would show as an escape in one line (for filters of typed keys).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

extension String {
    /// The longest a quoted outside string is in a message, in characters (Unicode scalars).
    public static let displayLimit = 80

    /// The string with control characters shown as escapes, short enough for a one-line message: what
    /// a peer or a file says is quoted this way, never raw and never whole (a 5 MB config key makes an
    /// 80-character quote and `…`).
    public var escapedForDisplay: String {
        // Counted no further than the limit: the quote of a 5 MB string costs what an 80-character one does.
        let scalars = unicodeScalars
        guard utf8.count > Self.displayLimit,
              let end = scalars.index(scalars.startIndex, offsetBy: Self.displayLimit, limitedBy: scalars.endIndex),
              end != scalars.endIndex else { return VisibleText.escaped(self, .oneLine) }
        return VisibleText.escaped(String(scalars[..<end]), .oneLine) + "…"
    }
}
