/// The headers of a plain event as positions in its bytes: parsed once (line ends, colons), turned into
/// strings and URL-decoded only when read. Immutable, so events can cross threads freely.
#if canImport(Glibc)
import Glibc
#endif

final class HeaderTable: Sendable {
    struct Field: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        /// A value's byte range, or, when `valueStart` is negative, `extras[-valueStart - 1]`.
        var valueStart: Int32
        var valueEnd: Int32
        /// How the value's bytes become its text.
        var coding: Coding
    }

    enum Coding: UInt8, Sendable {
        /// The bytes are the text.
        case none
        /// A plain event value with a `%`: URL-decoded when read.
        case percent
        /// A JSON string with `\` escapes (checked when the event was read): unescaped when read.
        case json
    }

    let bytes: [UInt8]
    let fields: [Field]
    /// Values that are not plain byte ranges: the parts of `ARRAY::a|:b` values.
    let extras: [String]

    var count: Int { fields.count }

    /// A plain event's header block, up to its blank line (spaces after the colon skipped, a trailing CR
    /// dropped, lines without a colon skipped; values decoded only to split `ARRAY::` values): the table without the body's
    /// `Content-Length` (framing, not a header of the event), that length's text when there was one,
    /// and where the body starts (the end of the bytes when there is no blank line).
    static func plainEvent(bytes: [UInt8]) -> (HeaderTable, bodyLength: String?, bodyStart: Int) {
        var (fields, extras, bodyStart, lengthField) = scan(bytes)
        var length: String?
        if let last = lengthField {
            let field = fields.remove(at: last)  // usually the last field: O(1)
            length = value(bytes, extras, field)
        }
        return (HeaderTable(bytes: bytes, fields: fields, extras: extras), length, bodyStart)
    }

    /// One pass over the block. The colon, the line end and `%` are found a word (8 bytes) at a time:
    /// a call to `memchr` per short line costs more than it saves, and a byte loop is slower still.
    private static func scan(_ bytes: [UInt8]) -> ([Field], [String], Int, Int?) {
        var fields: [Field] = []
        var lengthField: Int?  // the last `Content-Length`, noted here rather than searched for later
        var extras: [String] = []
        var stop = bytes.count
        fields.reserveCapacity(96)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            let end = bytes.count
            /// The first of `a` or `b` at or after `from`, else `end`.
            @inline(__always) func find(_ from: Int, _ a: UInt64, _ b: UInt64) -> Int {
                var position = from
                while position + 8 <= end {
                    let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                    let mask = zeroBytes(word ^ a) | zeroBytes(word ^ b)
                    if mask != 0 { return position + mask.trailingZeroBitCount / 8 }
                    position += 8
                }
                let (x, y) = (UInt8(truncatingIfNeeded: a), UInt8(truncatingIfNeeded: b))
                while position < end, base[position] != x, base[position] != y { position += 1 }
                return position
            }
            var lineStart = 0
            while lineStart < end {
                if base[lineStart] == 0x0A {
                    stop = lineStart + 1
                    return
                }
                let colon = find(lineStart, colons, newlines)
                guard colon < end, base[colon] == 0x3A else {
                    lineStart = colon + 1  // no colon: not a header
                    continue
                }
                var valueStart = colon + 1
                while valueStart < end, base[valueStart] == 0x20 || base[valueStart] == 0x09 { valueStart += 1 }
                // The value: up to the newline, noting whether it holds a `%`.
                var lineEnd = find(valueStart, newlines, percents)
                let encoded = lineEnd < end && base[lineEnd] == 0x25
                if encoded { lineEnd = find(lineEnd + 1, newlines, newlines) }
                var contentEnd = lineEnd
                if contentEnd > valueStart, base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                let field = Field(nameStart: Int32(lineStart), nameEnd: Int32(colon), valueStart: Int32(valueStart), valueEnd: Int32(contentEnd), coding: encoded ? .percent : .none)
                if mayBeArray(buffer, valueStart, contentEnd) {
                    let value = PercentCoding.decode(UnsafeBufferPointer(rebasing: buffer[valueStart..<contentEnd]))
                    if value.utf8.starts(with: "ARRAY::".utf8) {
                        for part in value.dropFirst(7).splitOnArraySeparator() {
                            extras.append(part)
                            fields.append(Field(nameStart: field.nameStart, nameEnd: field.nameEnd, valueStart: -Int32(extras.count), valueEnd: 0, coding: .none))
                        }
                    } else {
                        fields.append(field)
                    }
                } else {
                    if colon - lineStart == 14, matches(bytes, field, "Content-Length") { lengthField = fields.count }
                    fields.append(field)
                }
                lineStart = lineEnd + 1
            }
        }
        return (fields, extras, stop, lengthField)
    }

    private static let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    private static let percents: UInt64 = 0x2525_2525_2525_2525
    private static let colons: UInt64 = 0x3A3A_3A3A_3A3A_3A3A

    /// The high bit of each byte of `word` that is zero. Only the lowest is exact (a borrow can mark a
    /// byte above a true zero), which is the only one used.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    init(bytes: [UInt8], fields: [Field], extras: [String]) {
        self.bytes = bytes
        self.fields = fields
        self.extras = extras
    }

    /// `ARRAY::` or its encoded form `ARRAY%3A%3A`.
    private static func mayBeArray(_ base: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= 7 && base[start] == 0x41 && base[start + 1] == 0x52 && base[start + 2] == 0x52
            && base[start + 3] == 0x41 && base[start + 4] == 0x59
    }

    func name(_ index: Int) -> String {
        let field = fields[index]
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(field.nameStart)..<Int(field.nameEnd)]), as: UTF8.self)
        }
    }

    func value(_ index: Int) -> String { Self.value(bytes, extras, fields[index]) }

    private static func value(_ bytes: [UInt8], _ extras: [String], _ field: Field) -> String {
        if field.valueStart < 0 { return extras[Int(-field.valueStart) - 1] }
        return bytes.withUnsafeBufferPointer { text($0, Int(field.valueStart)..<Int(field.valueEnd), field.coding) }
    }

    static func text(_ base: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ coding: Coding) -> String {
        let raw = UnsafeBufferPointer(rebasing: base[range])
        switch coding {
        case .none: return String(decoding: raw, as: UTF8.self)
        case .percent: return PercentCoding.decode(raw)
        case .json: return JSONEventReader.unescape(raw)
        }
    }

    func header(_ index: Int) -> Header { Header(name(index), value(index)) }

    /// True when the name at `index` is `query`, ignoring ASCII case, compared without making a string.
    func nameMatches(_ index: Int, _ query: String) -> Bool { Self.matches(bytes, fields[index], query) }

    private static func matches(_ bytes: [UInt8], _ field: Field, _ query: String) -> Bool {
        bytes.withUnsafeBufferPointer { matches($0, Int(field.nameStart)..<Int(field.nameEnd), query) }
    }

    /// True when `base[name]` is `query`, ignoring ASCII case.
    static func matches(_ base: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, _ query: String) -> Bool {
        guard name.count == query.utf8.count else { return false }
        var position = name.lowerBound
        for byte in query.utf8 {
            let have = base[position]
            if have != byte && asciiLower(have) != asciiLower(byte) { return false }
            position += 1
        }
        return true
    }

    func firstIndex(named query: String) -> Int? {
        for index in fields.indices where nameMatches(index, query) { return index }
        return nil
    }

    func indices(named query: String) -> [Int] {
        fields.indices.filter { nameMatches($0, query) }
    }

    // MARK: JSON straight from the bytes

    /// The members of FreeSWITCH's JSON form (`"Name":"value"`, consecutive repeats as an array) written
    /// from the bytes, without making a `String` per header: `--format ndjson` does this per event.
    /// Gives the same bytes as encoding the decoded header list.
    func appendJSONMembers(to out: inout [UInt8]) -> Bool {
        var scratch: [UInt8] = []
        var wrote = false
        bytes.withUnsafeBufferPointer { base in
            var index = 0
            while index < fields.count {
                let name = Int(fields[index].nameStart)..<Int(fields[index].nameEnd)
                var end = index + 1
                while end < fields.count, Self.sameName(base, name, fields[end]) { end += 1 }
                if wrote { out.append(UInt8(ascii: ",")) }
                wrote = true
                JSONEventCodec.appendQuoted(UnsafeBufferPointer(rebasing: base[name]), to: &out)
                out.append(UInt8(ascii: ":"))
                if end - index > 1 { out.append(UInt8(ascii: "[")) }
                for position in index..<end {
                    if position > index { out.append(UInt8(ascii: ",")) }
                    appendJSONValue(fields[position], base, &scratch, to: &out)
                }
                if end - index > 1 { out.append(UInt8(ascii: "]")) }
                index = end
            }
        }
        return wrote
    }

    private func appendJSONValue(_ field: Field, _ base: UnsafeBufferPointer<UInt8>, _ scratch: inout [UInt8], to out: inout [UInt8]) {
        if field.valueStart < 0 {
            JSONEventCodec.appendQuoted(extras[Int(-field.valueStart) - 1], to: &out)
            return
        }
        let raw = UnsafeBufferPointer(rebasing: base[Int(field.valueStart)..<Int(field.valueEnd)])
        switch field.coding {
        case .none:
            JSONEventCodec.appendQuoted(raw, to: &out)
        case .json:
            // Unescaped and quoted again, so the bytes are the encoder's (`\/` and `\u00e9` are not).
            JSONEventCodec.appendQuoted(JSONEventReader.unescape(raw), to: &out)
        case .percent:
            PercentCoding.decode(raw, into: &scratch)
            if JSONEventReader.isASCII(scratch) {
                scratch.withUnsafeBufferPointer { JSONEventCodec.appendQuoted($0, to: &out) }
            } else {
                // Decoded bytes need not be UTF-8; the String repairs them as the slow path would.
                JSONEventCodec.appendQuoted(String(decoding: scratch, as: UTF8.self), to: &out)
            }
        }
    }

    private static func sameName(_ base: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, _ field: Field) -> Bool {
        let other = Int(field.nameStart)..<Int(field.nameEnd)
        guard other.count == name.count else { return false }
        return memcmp(base.baseAddress! + name.lowerBound, base.baseAddress! + other.lowerBound, name.count) == 0
    }
}
