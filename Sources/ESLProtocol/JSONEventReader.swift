/// A strict reader for the one JSON shape FreeSWITCH sends as an event: a flat object whose values are
/// strings or arrays of strings. Members come out in text order with repeats (FreeSWITCH repeats
/// `Channel-Write-Codec-Name` in a CODEC event), which a dictionary-based decoder would lose.
///
/// Written on bytes rather than through Foundation's JSONDecoder: a second decoder to recover order
/// and repeats made JSON events 30 times slower than plain ones, and Foundation in the frame path costs
/// every one-shot run its start-up. Like plain events, values stay byte ranges (`HeaderTable`) until
/// read; escapes are checked here and undone on reading. The grammar is RFC 8259's, checked fully (a
/// malformed event is reported, never half-read); numbers, `true`, `false` and `null` from hand-made
/// events are kept as their text, `null` as empty. Nested objects are refused: no event has them. No
/// recursion, so no input can exhaust the stack.
struct JSONEventReader {
    private let base: UnsafeBufferPointer<UInt8>
    private var position = 0
    private(set) var fields: [HeaderTable.Field] = []
    /// `_body`'s text (array elements joined).
    private(set) var body: String?
    /// A key with `\` escapes cannot be a byte range; the caller then makes the headers eagerly.
    private(set) var escapedKey = false
    /// The last `Content-Length` field (the body's length when there is a body).
    private(set) var lengthField: Int?

    private init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

    /// Reads the object: its members as fields over `bytes`, and the `_body`.
    static func read(_ bytes: [UInt8]) throws(DecodeError) -> (fields: [HeaderTable.Field], body: String?, escapedKey: Bool, lengthField: Int?) {
        // UTF-8 is checked once for the whole text (nearly always ASCII, checked a word at a time), so
        // strings are then made from slices without checking each again.
        guard isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformedEvent(format: "json", reason: "not valid UTF-8")
        }
        let result: Result<JSONEventReader, DecodeError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONEventReader(buffer)
            reader.fields.reserveCapacity(96)
            do throws(DecodeError) { try reader.object() } catch { return .failure(error) }
            return .success(reader)
        }
        let reader = try result.get()
        return (reader.fields, reader.body, reader.escapedKey, reader.lengthField)
    }

    static func isASCII(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(isASCII)
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var position = 0
        var high: UInt64 = 0
        while position + 8 <= raw.count {
            high |= raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            position += 8
        }
        while position < raw.count {
            high |= UInt64(raw[position])
            position += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// A checked JSON string's text (the bytes between the quotes).
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var reader = JSONEventReader(raw)
        return (try? reader.unescaped(upTo: raw.count)) ?? String(decoding: raw, as: UTF8.self)
    }

    private func fail(_ reason: String) -> DecodeError {
        .malformedEvent(format: "json", reason: position < base.count ? "\(reason) at byte \(position)" : "unexpected end of the JSON text")
    }

    private var current: UInt8? { position < base.count ? base[position] : nil }

    private mutating func skipSpace() {
        while position < base.count {
            switch base[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(DecodeError) {
        skipSpace()
        guard current == byte else { throw fail("expected \(what)") }
        position += 1
    }

    private mutating func object() throws(DecodeError) {
        skipSpace()
        guard current == UInt8(ascii: "{") else { throw position < base.count ? fail("not a JSON object") : .malformedEvent(format: "json", reason: "empty") }
        position += 1
        skipSpace()
        if current == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let (key, keyEscaped) = try string()
                if keyEscaped { escapedKey = true }
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipSpace()
                try value(of: key)
                skipSpace()
                guard let byte = current else { throw fail("unclosed object") }
                position += 1
                if byte == UInt8(ascii: "}") { break }
                guard byte == UInt8(ascii: ",") else {
                    position -= 1
                    throw fail("expected ',' or '}'")
                }
            }
        }
        skipSpace()
        guard position == base.count else { throw fail("content after the object") }
    }

    /// A member's value: one scalar, or the scalars of an array, each a field under `key`.
    private mutating func value(of key: Range<Int>) throws(DecodeError) {
        guard current == UInt8(ascii: "[") else { return try scalar(of: key) }
        position += 1
        skipSpace()
        if current == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            skipSpace()
            try scalar(of: key)
            skipSpace()
            guard let byte = current else { throw fail("unclosed array") }
            position += 1
            if byte == UInt8(ascii: "]") { return }
            guard byte == UInt8(ascii: ",") else {
                position -= 1
                throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func scalar(of key: Range<Int>) throws(DecodeError) {
        guard let byte = current else { throw fail("expected a value") }
        let value: Range<Int>
        var coding = HeaderTable.Coding.none
        switch byte {
        case UInt8(ascii: "\""):
            let (range, escaped) = try string()
            value = range
            if escaped { coding = .json }
        case UInt8(ascii: "t"): value = try literal("true")
        case UInt8(ascii: "f"): value = try literal("false")
        case UInt8(ascii: "n"): value = try literal("null").lowerBound..<position - 4
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try number()
        case UInt8(ascii: "{"), UInt8(ascii: "["): throw fail("a value is neither a string nor a list of strings")
        default: throw fail("expected a value")
        }
        if isBodyKey(key) {
            let text = HeaderTable.text(base, value, coding)
            body = (body ?? "") + text
            return
        }
        if key.count == 14, HeaderTable.matches(base, key, "Content-Length") { lengthField = fields.count }
        fields.append(HeaderTable.Field(nameStart: Int32(key.lowerBound), nameEnd: Int32(key.upperBound),
                                        valueStart: Int32(value.lowerBound), valueEnd: Int32(value.upperBound), coding: coding))
    }

    private func isBodyKey(_ key: Range<Int>) -> Bool {
        key.count == 5 && base[key.lowerBound] == UInt8(ascii: "_") && base[key.lowerBound + 1] == UInt8(ascii: "b")
            && base[key.lowerBound + 2] == UInt8(ascii: "o") && base[key.lowerBound + 3] == UInt8(ascii: "d")
            && base[key.lowerBound + 4] == UInt8(ascii: "y")
    }

    private mutating func literal(_ word: StaticString) throws(DecodeError) -> Range<Int> {
        let length = word.utf8CodeUnitCount
        guard position + length <= base.count else { throw fail("unexpected end of the JSON text") }
        for offset in 0..<length where base[position + offset] != word.utf8Start[offset] { throw fail("invalid literal") }
        position += length
        return position - length..<position
    }

    /// RFC 8259's number grammar; the number is kept as written.
    private mutating func number() throws(DecodeError) -> Range<Int> {
        let start = position
        func digits() -> Int {
            let from = position
            while let byte = current, byte >= 0x30, byte <= 0x39 { position += 1 }
            return position - from
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") { position += 1 } else if digits() == 0 { throw fail("invalid number") }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
        }
        return start..<position
    }

    /// A string starting at the opening quote: the range between the quotes, and whether it holds
    /// escapes (checked here, undone when the value is read).
    private mutating func string() throws(DecodeError) -> (Range<Int>, escaped: Bool) {
        position += 1
        let start = position
        var escaped = false
        let raw = UnsafeRawPointer(base.baseAddress!)
        while position < base.count {
            // Eight bytes at a time to the next quote, backslash or control character.
            while position + 8 <= base.count {
                let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let special = HeaderTable.zeroBytes(word ^ 0x2222_2222_2222_2222) | HeaderTable.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                    | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
                if special != 0 {
                    position += special.trailingZeroBitCount / 8
                    break
                }
                position += 8
            }
            guard position < base.count else { break }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (start..<position - 1, escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard let escape = current else { break }
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    position += 1
                    _ = try unicodeEscape()
                default:
                    throw fail("invalid escape")
                }
                continue
            }
            if byte < 0x20 { throw fail("a control character in a string") }
            position += 1
        }
        throw fail("unterminated string")
    }

    /// The text of an escaped string from `position` (after its opening quote) to `end`.
    private mutating func unescaped(upTo end: Int) throws(DecodeError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(end - position)
        while position < end {
            let byte = base[position]
            position += 1
            guard byte == UInt8(ascii: "\\"), let escape = current else {
                out.append(byte)
                continue
            }
            position += 1
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
            default: out.append(escape)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` when the first is a high surrogate.
    private mutating func unicodeEscape() throws(DecodeError) -> String.UTF8View {
        var code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
            guard position + 1 < base.count, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") else {
                throw fail("a lone surrogate in \\u escape")
            }
            position += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone surrogate in \\u escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(code) {
            throw fail("a lone surrogate in \\u escape")
        }
        guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
        return String(Character(scalar)).utf8
    }

    private mutating func hex4() throws(DecodeError) -> UInt32 {
        guard position + 4 <= base.count else { throw fail("unexpected end of the JSON text") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = PercentCoding.hexValue(base[position]) else { throw fail("invalid \\u escape") }
            code = code << 4 | UInt32(digit)
            position += 1
        }
        return code
    }
}
