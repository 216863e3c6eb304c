/// The one JSON string quoter: events in the JSON format (on the wire and in `--format json|ndjson`),
/// `show … as json` tables re-encoded, the fleet's `host` member.
///
/// `"` and `\` are escaped, control characters become `\n`, `\r`, `\t` or `\u00XX`, and so does DEL
/// (0x7F, as `\u007f`): JSON allows DEL raw, but a raw DEL reaching a terminal is a control character, and
/// a string written escaped reads back the same in every JSON reader (FreeSWITCH's, `jq`, ours). So are
/// the C1 controls U+0080–U+009F (`\u009b`, CSI, is an escape sequence's start to many terminals): JSON
/// output is then safe on a terminal in every mode, and loses nothing. Other UTF-8 is copied as it is.
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendQuoted($0, to: &out) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether a byte of `text` may need an escape: a control, `"`, `\\`, DEL, or 0xC2 (which starts a C1
    /// control when 0x80–0x9F follows). Eight bytes at a time: `--format ndjson` asks it of every name
    /// and value of every event, and a test per byte was a fifth of its time (issue 16).
    static func mayNeedEscape(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Non-zero exactly when some byte of `word` is below `bound` (at most 0x80).
        @inline(__always) func below(_ word: UInt64, _ bound: UInt64) -> UInt64 { (word &- ones &* bound) & ~word & highs }
        var position = 0
        while position + 8 <= text.count {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let hits = below(word, 0x20) | below(word ^ (ones &* 0x22), 1) | below(word ^ (ones &* 0x5C), 1)
                | below(word ^ (ones &* 0x7F), 1) | below(word ^ (ones &* 0xC2), 1)
            if hits != 0 { return true }
            position += 8
        }
        while position < text.count {
            let byte = base[position]
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            position += 1
        }
        return false
    }

    /// Whether the bytes of a plain event's header block hold, in any of its names or values, a byte
    /// that needs care: one that `appendQuoted` escapes, or any byte past ASCII (it may not be UTF-8, and
    /// the decoded header, whose JSON this must equal, has it repaired). A line break, between fields and
    /// never in one, is fine. Exact per byte, so a line break beside another control still counts that one.
    static func blockNeedsCare(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let highs: UInt64 = 0x8080_8080_8080_8080
        var found: UInt64 = 0
        var position = 0
        while position + 8 <= text.count {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            // Each test sets a byte's high bit, exactly and without a carry into the next byte, from
            // its low seven bits; a byte past ASCII is caught by its own high bit (`| word`).
            let seven = word & low
            let control = ~(seven &+ ones &* 0x60)  // below 0x20
            let lineBreak = ~((seven ^ ones &* 0x0A) &+ low)
            let quote = ~((seven ^ ones &* 0x22) &+ low)
            let backslash = ~((seven ^ ones &* 0x5C) &+ low)
            let delete = seven &+ ones
            found |= control & ~lineBreak | quote | backslash | delete | word
            position += 8
            // Looked at every 64 bytes, not every word: nearly every block is clean to its end.
            if position & 63 == 0, found & highs != 0 { return true }
        }
        if found & highs != 0 { return true }
        while position < text.count {
            let byte = base[position]
            if byte != 0x0A, byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            position += 1
        }
        return false
    }

    public static func appendQuoted(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Nearly every value needs no escape: then it is one copy.
        if !mayNeedEscape(text) {
            out.append(contentsOf: text)
            out.append(UInt8(ascii: "\""))
            return
        }
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            case 0xC2 where index < text.count && (0x80...0x9F).contains(text[index]):
                // A C1 control: its second byte is its code point.
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(text[index] >> 4)])
                out.append(hex[Int(text[index] & 0x0F)])
                index += 1
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The one XML escaper: `&`, `<` and `>` as entities (XML events, the fleet's `<host>` element).
public enum XMLText {
    public static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) else { return text }
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
