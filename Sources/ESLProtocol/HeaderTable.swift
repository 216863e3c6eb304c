/// The headers of an event as positions in its bytes: parsed once (line ends, colons), turned into
/// strings and URL-decoded only when read. A plain event's lines can also wait until someone first looks
/// (`--format plain` never does). Immutable once found, so events can cross threads freely.
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// When a plain event's header lines are found.
public enum HeaderIndexing: Sendable {
    /// While decoding (on the reader's thread, so a consumer that reads headers finds them ready).
    case atOnce
    /// On the first look at a header: for a consumer that passes events on as received bytes (an event
    /// stream in the plain format) and never looks. The blank line and the body are still found at once.
    case onFirstLook
}

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

    private final class LayoutBox: Sendable {
        let layout: Layout
        init(_ layout: Layout) { self.layout = layout }
    }

    let bytes: [UInt8]
    /// Known from the start: the JSON and XML readers, and plain events indexed while decoding.
    private let known: Layout?
    /// Otherwise, a plain event's lines are found on first look, up to `blockEnd` and leaving out the
    /// body's `Content-Length` line. Threads that look first at the same moment may both scan; one
    /// result is kept, and they are equal.
    private let blockEnd: Int
    private let lengthLine: Int?
    private let found = AtomicLazyReference<LayoutBox>()

    /// The layout (for a plain event decoded `.onFirstLook`, scanned the first time). Take it once per
    /// operation.
    var layout: Layout {
        if let known { return known }
        if let box = found.load() { return box.layout }
        _ = found.storeIfNil(LayoutBox(Self.scan(bytes, end: blockEnd, skipping: lengthLine).layout))
        // Read back with `load()` (acquiring), not from storeIfNil's answer: when another thread won, the
        // box it hands back was read on the compare-exchange's failure path, which the thread sanitizer
        // did not take as an acquire (it reported the winner's init and this read as a race).
        return found.load()!.layout
    }

    var count: Int { layout.fields.count }

    /// A table whose layout is known.
    init(bytes: [UInt8], fields: [Field], extras: [String]) {
        self.bytes = bytes
        self.known = Layout(fields: fields, extras: extras)
        self.blockEnd = bytes.count
        self.lengthLine = nil
    }

    private init(onFirstLook bytes: [UInt8], blockEnd: Int, lengthLine: Int?) {
        self.bytes = bytes
        self.known = nil
        self.blockEnd = blockEnd
        self.lengthLine = lengthLine
    }

    /// A plain event's header block, up to its blank line (spaces after the colon skipped, a trailing CR
    /// dropped, lines without a colon skipped; `ARRAY::` values split into their parts): the table
    /// without the body's `Content-Length` (framing, not a header of the event), that length's text when
    /// there was one, and where the body starts (the end of the bytes when there is no blank line).
    ///
    /// `.atOnce` finds everything in one pass. `.onFirstLook` finds only the blank line and the last
    /// `Content-Length` line now, and the other lines when a header is first read.
    static func plainEvent(bytes: [UInt8], indexing: HeaderIndexing = .atOnce) -> (HeaderTable, bodyLength: String?, bodyStart: Int) {
        switch indexing {
        case .atOnce:
            var (layout, stop, lengthField) = scan(bytes, end: bytes.count, skipping: nil)
            var length: String?
            if let lengthField {
                let field = layout.fields.remove(at: lengthField)  // usually the last field: O(1)
                length = value(bytes, layout.extras, field)
            }
            return (HeaderTable(bytes: bytes, fields: layout.fields, extras: layout.extras), length, stop)
        case .onFirstLook:
            let (stop, lengthLine) = outline(bytes)
            let length = lengthLine.map { line in
                bytes.withUnsafeBufferPointer { text($0, line.value, $0[line.value].contains(0x25) ? .percent : .none) }
            }
            return (HeaderTable(onFirstLook: bytes, blockEnd: stop, lengthLine: lengthLine?.start), length, stop)
        }
    }

    /// Where the header block ends (after its blank line, else the end of the bytes), and where its last
    /// `Content-Length` line starts and its value lies, as the scan reads values (that name exactly,
    /// ignoring case, with a value that is not an `ARRAY::`). Eight bytes at a time without a branch per line: a word's newlines form a mask, two
    /// in a row are the blank line, and a line is looked at only when the byte 15 after its newline is
    /// a colon (a second mask, from a load 15 bytes on).
    private static func outline(_ bytes: [UInt8]) -> (stop: Int, lengthLine: (start: Int, value: Range<Int>)?) {
        bytes.withUnsafeBufferPointer { buffer -> (Int, (start: Int, value: Range<Int>)?) in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return (0, nil) }
            let raw = UnsafeRawPointer(base)
            let end = buffer.count
            var lengthLine: (start: Int, value: Range<Int>)?
            /// Notes the line at `start` when it is a body length (its 15th byte may be anything).
            func consider(_ start: Int) {
                guard start + 15 <= end, base[start + 14] == 0x3A, matches(buffer, start..<(start + 14), "Content-Length") else { return }
                var valueStart = start + 15
                while valueStart < end, base[valueStart] == 0x20 || base[valueStart] == 0x09 { valueStart += 1 }
                var valueEnd = valueStart
                while valueEnd < end, base[valueEnd] != 0x0A { valueEnd += 1 }
                if valueEnd > valueStart, base[valueEnd - 1] == 0x0D { valueEnd -= 1 }
                if !mayBeArray(buffer, valueStart, valueEnd) { lengthLine = (start, valueStart..<valueEnd) }
            }
            if base[0] == 0x0A { return (1, nil) }
            consider(0)
            var position = 0
            var previousIsNewline = false
            while position + 23 <= end {
                let newlineMask = exactZeroBytes(raw.loadUnaligned(fromByteOffset: position, as: UInt64.self) ^ newlines)
                guard newlineMask != 0 else {
                    previousIsNewline = false
                    position += 8
                    continue
                }
                // A newline whose previous byte is one too starts the blank line.
                let blank = (newlineMask << 8) & newlineMask | (previousIsNewline ? newlineMask & 0x80 : 0)
                let colonMask = exactZeroBytes(raw.loadUnaligned(fromByteOffset: position + 15, as: UInt64.self) ^ colons)
                var candidates = newlineMask & colonMask
                if blank != 0 { candidates &= (blank & (0 &- blank)) &- 1 }  // only lines before the blank one
                while candidates != 0 {
                    consider(position + candidates.trailingZeroBitCount / 8 + 1)
                    candidates &= candidates - 1
                }
                if blank != 0 { return (position + blank.trailingZeroBitCount / 8 + 1, lengthLine) }
                previousIsNewline = newlineMask >> 63 != 0
                position += 8
            }
            while position < end {
                if base[position] == 0x0A {
                    if position > 0, base[position - 1] == 0x0A { return (position + 1, lengthLine) }
                    consider(position + 1)
                }
                position += 1
            }
            return (end, lengthLine)
        }
    }

    /// One pass over the lines up to `end` (or the blank line), leaving out the line that starts at
    /// `skipping`; also where the block stops and which field is the last `Content-Length`. The colon,
    /// the line end and `%` are found a word (8 bytes) at a time: a call to `memchr` per short line costs
    /// more than it saves, and a byte loop is slower still.
    private static func scan(_ bytes: [UInt8], end: Int, skipping: Int?) -> (layout: Layout, stop: Int, lengthField: Int?) {
        var fields: [Field] = []
        var lengthField: Int?  // the last `Content-Length`, noted here rather than searched for later
        var extras: [String] = []
        var stop = end
        fields.reserveCapacity(96)
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
                } else if colon - lineStart == 14, matches(buffer, lineStart..<colon, "Content-Length") {
                    lengthField = fields.count
                }
                fields.append(field)
            }
        }
        return (Layout(fields: fields, extras: extras), stop, lengthField)
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
    @inline(__always)
    private static func mayBeArray(_ base: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= 7 && base[start] == 0x41 && base[start + 1] == 0x52 && base[start + 2] == 0x52
            && base[start + 3] == 0x41 && base[start + 4] == 0x59
    }

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

    func header(_ index: Int) -> Header { header(index, layout) }

    /// For loops over every header: the layout taken once.
    func header(_ index: Int, _ layout: Layout) -> Header {
        let field = layout.fields[index]
        return Header(Self.name(bytes, field), Self.value(bytes, layout.extras, field))
    }

    /// True when `base[name]` is `query`, ignoring ASCII case.
    static func matches(_ base: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, _ query: String) -> Bool {
        var query = query
        return query.withUTF8 { matches(base, name, $0) }
    }

    static func matches(_ base: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, _ query: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == query.count else { return false }
        var position = name.lowerBound
        for byte in query {
            let have = base[position]
            if have != byte && asciiLower(have) != asciiLower(byte) { return false }
            position += 1
        }
        return true
    }

    /// The first field named `query` (ignoring ASCII case), compared without making strings.
    func firstIndex(named query: String) -> Int? { firstIndex(named: query, in: layout.fields) }

    /// The first value of `query`: the layout taken once for the search and the value.
    func firstValue(named query: String) -> String? {
        let layout = layout
        return firstIndex(named: query, in: layout.fields).map { Self.value(bytes, layout.extras, layout.fields[$0]) }
    }

    private func firstIndex(named query: String, in fields: [Field]) -> Int? {
        var found: Int?
        search(query, fields) { found = $0; return false }
        return found
    }

    func indices(named query: String) -> [Int] {
        var found: [Int] = []
        search(query, layout.fields) { found.append($0); return true }
        return found
    }

    /// Calls `take` with each field named `query`, in order, while it answers true. A formatter asks
    /// for a dozen names an event mostly lacks, each a pass over a hundred fields: a field whose length
    /// or first letter differs is passed over before its bytes are compared (issue 16, `drain.summary`).
    private func search(_ query: String, _ fields: [Field], _ take: (Int) -> Bool) {
        var query = query
        query.withUTF8 { wanted in
            let first = wanted.first.map(asciiLower) ?? 0
            let length = wanted.count
            bytes.withUnsafeBufferPointer { base in
                fields.withUnsafeBufferPointer { fields in
                    for index in fields.indices {
                        let start = Int(fields[index].nameStart)
                        let end = Int(fields[index].nameEnd)
                        guard end - start == length, length == 0 || asciiLower(base[start]) == first,
                              Self.matches(base, start..<end, wanted) else { continue }
                        if !take(index) { return }
                    }
                }
            }
        }
    }
}
