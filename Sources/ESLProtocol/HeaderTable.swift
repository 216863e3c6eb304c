/// The headers of an event as positions in its bytes: parsed once (line ends, colons), turned into
/// strings and URL-decoded only when read. A plain event's lines are found only when someone first looks
/// (`--format plain` never does); the table is otherwise immutable, so events can cross threads freely.
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

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

    /// The fields, and the values that are not plain byte ranges (the parts of `ARRAY::a|:b` values).
    struct Layout: Sendable {
        var fields: [Field]
        var extras: [String]
    }

    let bytes: [UInt8]
    /// Where a plain event's header lines end, and the body's `Content-Length` line the scan leaves out.
    private let blockEnd: Int
    private let lengthLine: Int?
    private let computed: Mutex<Layout?>

    /// The layout, scanning a plain event's lines the first time. Take it once per operation: each
    /// look is a (cheap, uncontended) lock.
    var layout: Layout {
        computed.withLock { layout in
            if let layout { return layout }
            let scanned = Self.scan(bytes, end: blockEnd, skipping: lengthLine)
            layout = scanned
            return scanned
        }
    }

    var count: Int { layout.fields.count }

    /// A table whose layout is known (the JSON and XML readers find it as they read).
    init(bytes: [UInt8], fields: [Field], extras: [String]) {
        self.bytes = bytes
        self.blockEnd = bytes.count
        self.lengthLine = nil
        self.computed = Mutex(Layout(fields: fields, extras: extras))
    }

    private init(plain bytes: [UInt8], blockEnd: Int, lengthLine: Int?) {
        self.bytes = bytes
        self.blockEnd = blockEnd
        self.lengthLine = lengthLine
        self.computed = Mutex(nil)
    }

    /// A plain event's header block, up to its blank line (spaces after the colon skipped, a trailing CR
    /// dropped, lines without a colon skipped; `ARRAY::` values split into their parts): the table
    /// without the body's `Content-Length` (framing, not a header of the event), that length's text when
    /// there was one, and where the body starts (the end of the bytes when there is no blank line).
    ///
    /// Only the blank line and the last `Content-Length` line are found here, on the reader's thread;
    /// the other lines wait until a header is read.
    static func plainEvent(bytes: [UInt8]) -> (HeaderTable, bodyLength: String?, bodyStart: Int) {
        let (stop, lengthLine) = outline(bytes)
        var length: String?
        if let lengthLine {
            let line = scan(bytes, from: lengthLine, end: stop, skipping: nil, lines: 1)
            length = line.fields.first.map { value(bytes, line.extras, $0) }
        }
        return (HeaderTable(plain: bytes, blockEnd: stop, lengthLine: lengthLine), length, stop)
    }

    /// Where the header block ends (after its blank line, else the end of the bytes) and where its last
    /// `Content-Length` line starts (that name exactly, ignoring case, with a value that is not an
    /// `ARRAY::`). One pass over the newlines, eight bytes at a time; a line is looked at only when its
    /// 15th byte is a colon.
    private static func outline(_ bytes: [UInt8]) -> (stop: Int, lengthLine: Int?) {
        bytes.withUnsafeBufferPointer { buffer -> (Int, Int?) in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return (0, nil) }
            let raw = UnsafeRawPointer(base)
            let end = buffer.count
            var lengthLine: Int?
            /// Looks at the line starting at `start`; true when it is the blank line.
            @inline(__always) func line(_ start: Int) -> Bool {
                guard start < end else { return false }
                if base[start] == 0x0A { return true }
                if start + 15 <= end, base[start + 14] == 0x3A, matches(buffer, start..<(start + 14), "Content-Length") {
                    var valueStart = start + 15
                    while valueStart < end, base[valueStart] == 0x20 || base[valueStart] == 0x09 { valueStart += 1 }
                    var valueEnd = valueStart
                    while valueEnd < end, base[valueEnd] != 0x0A { valueEnd += 1 }
                    if valueEnd > valueStart, base[valueEnd - 1] == 0x0D { valueEnd -= 1 }
                    if !mayBeArray(buffer, valueStart, valueEnd) { lengthLine = start }
                }
                return false
            }
            if line(0) { return (1, lengthLine) }
            var position = 0
            while position + 8 <= end {
                var mask = exactZeroBytes(raw.loadUnaligned(fromByteOffset: position, as: UInt64.self) ^ newlines)
                while mask != 0 {
                    let newline = position + mask.trailingZeroBitCount / 8
                    if line(newline + 1) { return (newline + 2, lengthLine) }
                    mask &= mask - 1
                }
                position += 8
            }
            while position < end {
                if base[position] == 0x0A, line(position + 1) { return (position + 2, lengthLine) }
                position += 1
            }
            return (end, lengthLine)
        }
    }

    /// One pass over the lines from `from` to `end` (or the blank line), `lines` of them at most,
    /// leaving out the line that starts at `skipping`. The colon, the line end and `%` are found a word
    /// (8 bytes) at a time: a call to `memchr` per short line costs more than it saves, and a byte loop
    /// is slower still.
    private static func scan(_ bytes: [UInt8], from: Int = 0, end: Int, skipping: Int?, lines: Int = .max) -> Layout {
        var fields: [Field] = []
        var extras: [String] = []
        fields.reserveCapacity(min(lines, 96))
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
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
            var lineStart = from
            var remaining = lines
            while lineStart < end, remaining > 0 {
                if base[lineStart] == 0x0A { return }
                remaining -= 1
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
                defer { lineStart = lineEnd + 1 }
                if lineStart == skipping { continue }
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
                        continue
                    }
                }
                fields.append(field)
            }
        }
        return Layout(fields: fields, extras: extras)
    }

    private static let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    private static let percents: UInt64 = 0x2525_2525_2525_2525
    private static let colons: UInt64 = 0x3A3A_3A3A_3A3A_3A3A

    /// The high bit of every byte of `word` that is zero, each exact (no borrow between bytes).
    @inline(__always)
    static func exactZeroBytes(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low) &+ low) | word | low)
    }

    /// The high bit of each byte of `word` that is zero. Only the lowest is exact (a borrow can mark a
    /// byte above a true zero), which is the only one used.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// `ARRAY::` or its encoded form `ARRAY%3A%3A`.
    private static func mayBeArray(_ base: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= 7 && base[start] == 0x41 && base[start + 1] == 0x52 && base[start + 2] == 0x52
            && base[start + 3] == 0x41 && base[start + 4] == 0x59
    }

    func name(_ index: Int) -> String { Self.name(bytes, layout.fields[index]) }

    private static func name(_ bytes: [UInt8], _ field: Field) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(field.nameStart)..<Int(field.nameEnd)]), as: UTF8.self)
        }
    }

    func value(_ index: Int) -> String {
        let layout = layout
        return Self.value(bytes, layout.extras, layout.fields[index])
    }

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

    func header(_ index: Int) -> Header {
        let layout = layout
        let field = layout.fields[index]
        return Header(Self.name(bytes, field), Self.value(bytes, layout.extras, field))
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

    /// The first field named `query` (ignoring ASCII case), compared without making strings.
    func firstIndex(named query: String) -> Int? {
        let fields = layout.fields
        return bytes.withUnsafeBufferPointer { base in
            fields.indices.first { Self.matches(base, Int(fields[$0].nameStart)..<Int(fields[$0].nameEnd), query) }
        }
    }

    func indices(named query: String) -> [Int] {
        let fields = layout.fields
        return bytes.withUnsafeBufferPointer { base in
            fields.indices.filter { Self.matches(base, Int(fields[$0].nameStart)..<Int(fields[$0].nameEnd), query) }
        }
    }

    // MARK: JSON straight from the bytes

    /// The members of FreeSWITCH's JSON form (`"Name":"value"`, consecutive repeats as an array) written
    /// from the bytes, without making a `String` per header: `--format ndjson` does this per event.
    /// Gives the same bytes as encoding the decoded header list.
    func appendJSONMembers(to out: inout [UInt8]) -> Bool {
        var scratch: [UInt8] = []
        var wrote = false
        let (fields, extras) = (layout.fields, layout.extras)
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
                    Self.appendJSONValue(fields[position], extras, base, &scratch, to: &out)
                }
                if end - index > 1 { out.append(UInt8(ascii: "]")) }
                index = end
            }
        }
        return wrote
    }

    private static func appendJSONValue(_ field: Field, _ extras: [String], _ base: UnsafeBufferPointer<UInt8>, _ scratch: inout [UInt8], to out: inout [UInt8]) {
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
