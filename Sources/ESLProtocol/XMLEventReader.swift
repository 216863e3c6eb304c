/// A reader for the XML FreeSWITCH writes for an event:
/// `<event><headers><Name>value</Name>…</headers><Content-Length>n</Content-Length><body>…</body></event>`.
///
/// FreeSWITCH's event XML is elements and text only: no declaration, processing instructions, DOCTYPE,
/// comments or CDATA, and those are refused. That subset is small enough to read on bytes, which is
/// what this does instead of going through Foundation's XMLParser: fuzzing found FoundationXML crashing
/// on hostile input (a trap on a non-UTF-8 element name, a NULL dereference on an empty processing
/// instruction), it was 20 times slower than the plain reader, and Foundation in the frame path costs
/// every one-shot run its start-up. Without a DOCTYPE no entity can expand without bound; the five
/// predefined entities and character references are understood. Attributes are skipped. Nesting is
/// tracked with a stack of names, not recursion.
struct XMLEventReader {
    private let base: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Open elements, as byte ranges of their names.
    private var open: [Range<Int>] = []
    /// Text of the innermost element since its last start or end tag (what a header's value is): while
    /// it is one run of the input without entities (nearly always), only its range is kept.
    private var text: [UInt8] = []
    private var textRange: Range<Int>?
    private var textIsRange = true
    private var textHasPercent = false
    /// Header values stay byte ranges until read, as in plain events (`HeaderTable`).
    private var fields: [HeaderTable.Field] = []
    private var extras: [String] = []
    private var body: String?

    private init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

    static func read(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        guard JSONEventReader.isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformedEvent(format: "xml", reason: "not valid UTF-8")
        }
        let result: Result<XMLEventReader, DecodeError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = XMLEventReader(buffer)
            reader.fields.reserveCapacity(96)
            do throws(DecodeError) { try reader.document() } catch { return .failure(error) }
            return .success(reader)
        }
        let reader = try result.get()
        let table = HeaderTable(bytes: bytes, fields: reader.fields, extras: reader.extras)
        return Event(headers: Headers(table: table), body: reader.body)
    }

    private func fail(_ reason: String) -> DecodeError {
        var line = 1
        for index in 0..<min(position, base.count) where base[index] == 0x0A { line += 1 }
        return .malformedEvent(format: "xml", reason: "\(reason) at line \(line)")
    }

    private var current: UInt8? { position < base.count ? base[position] : nil }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    private mutating func document() throws(DecodeError) {
        var sawRoot = false
        while position < base.count {
            let byte = base[position]
            if byte == UInt8(ascii: "<") {
                try tag(sawRoot: &sawRoot)
            } else if byte == 0 {
                throw fail("a NUL byte")
            } else if open.isEmpty {
                guard Self.isSpace(byte) else { throw fail(sawRoot ? "content after the document" : "not XML (text outside any element)") }
                position += 1
            } else {
                try characters()
            }
        }
        guard sawRoot else { throw .malformedEvent(format: "xml", reason: "not XML (empty document)") }
        guard open.isEmpty else { throw fail("unexpected end of the document (a tag is not closed)") }
    }

    private mutating func tag(sawRoot: inout Bool) throws(DecodeError) {
        position += 1
        guard let next = current else { throw fail("unexpected end of the document") }
        if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
            throw fail("declarations, processing instructions, DOCTYPE, comments and CDATA are not part of FreeSWITCH events")
        }
        if next == UInt8(ascii: "/") {
            position += 1
            let name = try self.name()
            skipSpace()
            guard current == UInt8(ascii: ">") else { throw fail("a tag is not closed") }
            position += 1
            guard let top = open.last, equal(top, name) else { throw fail("mismatched closing tag") }
            close()
            return
        }
        if open.isEmpty, sawRoot { throw fail("content after the document") }
        let name = try self.name()
        if open.isEmpty {
            guard equal(name, "event") else { throw .malformedEvent(format: "xml", reason: "no <event> element") }
            sawRoot = true
        }
        try attributes()
        open.append(name)
        resetText()
        if current == UInt8(ascii: "/") {
            position += 1
            guard current == UInt8(ascii: ">") else { throw fail("a tag is not closed") }
            position += 1
            close()
            return
        }
        position += 1  // ">"
    }

    /// An element ends: a header's value or the body is taken from its text.
    private mutating func close() {
        let name = open[open.count - 1]
        if open.count == 3, equal(open[1], "headers") {
            let range = textIsRange ? (textRange ?? position..<position) : nil
            if let range, !startsWithArray(range) {
                fields.append(HeaderTable.Field(nameStart: Int32(name.lowerBound), nameEnd: Int32(name.upperBound),
                                                valueStart: Int32(range.lowerBound), valueEnd: Int32(range.upperBound),
                                                coding: textHasPercent ? .percent : .none))
            } else {
                // Entities, or an `ARRAY::` to split: the value is made now.
                let value = range.map { PercentCoding.decode(UnsafeBufferPointer(rebasing: base[$0])) }
                    ?? text.withUnsafeBufferPointer { PercentCoding.decode($0) }
                var parts: [Header] = []
                PercentCoding.appendSplittingArray(name: "", value: value, to: &parts)
                for part in parts {
                    extras.append(part.value)
                    fields.append(HeaderTable.Field(nameStart: Int32(name.lowerBound), nameEnd: Int32(name.upperBound),
                                                    valueStart: -Int32(extras.count), valueEnd: 0, coding: .none))
                }
            }
        } else if open.count == 2, equal(name, "body") {
            body = textIsRange ? String(decoding: UnsafeBufferPointer(rebasing: base[textRange ?? position..<position]), as: UTF8.self)
                : String(decoding: text, as: UTF8.self)
        }
        open.removeLast()
        resetText()
    }

    /// `ARRAY` (of `ARRAY::` or its encoded form `ARRAY%3A%3A`).
    private func startsWithArray(_ range: Range<Int>) -> Bool {
        range.count >= 7 && equal(range.lowerBound..<range.lowerBound + 5, "ARRAY")
    }

    private mutating func resetText() {
        if !textIsRange { text.removeAll(keepingCapacity: true) }
        textRange = nil
        textIsRange = true
        textHasPercent = false
    }

    /// Adds a run of the input to the current text.
    private mutating func appendText(_ run: Range<Int>) {
        if textIsRange, textRange == nil {
            textRange = run
            return
        }
        if textIsRange, let range = textRange {
            text.append(contentsOf: UnsafeBufferPointer(rebasing: base[range]))
            textIsRange = false
        }
        text.append(contentsOf: UnsafeBufferPointer(rebasing: base[run]))
    }

    /// Adds replaced text (an entity) to the current text, which is then no longer a range.
    private mutating func appendReplacement<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        if textIsRange {
            if let range = textRange { text.append(contentsOf: UnsafeBufferPointer(rebasing: base[range])) }
            textIsRange = false
        }
        text.append(contentsOf: bytes)
    }

    private mutating func name() throws(DecodeError) -> Range<Int> {
        let start = position
        while let byte = current, !Self.isSpace(byte), byte != UInt8(ascii: ">"), byte != UInt8(ascii: "/"),
              byte != UInt8(ascii: "<"), byte != UInt8(ascii: "="), byte != 0 {
            position += 1
        }
        guard position > start else { throw fail(position < base.count ? "a tag without a name" : "unexpected end of the document") }
        return start..<position
    }

    private mutating func skipSpace() {
        while let byte = current, Self.isSpace(byte) { position += 1 }
    }

    /// Skips `name="value"` pairs up to `>` or `/>` (FreeSWITCH writes none; other writers may).
    private mutating func attributes() throws(DecodeError) {
        while true {
            skipSpace()
            guard let byte = current else { throw fail("unexpected end of the document") }
            if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { return }
            _ = try name()
            skipSpace()
            guard current == UInt8(ascii: "=") else { throw fail("an attribute without a value") }
            position += 1
            skipSpace()
            guard let quote = current, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw fail("an attribute value without quotes") }
            position += 1
            while let byte = current, byte != quote {
                guard byte != UInt8(ascii: "<") else { throw fail("'<' in an attribute value") }
                position += 1
            }
            guard current == quote else { throw fail("unexpected end of the document") }
            position += 1
        }
    }

    /// Text up to the next tag, entities and character references replaced.
    private mutating func characters() throws(DecodeError) {
        let start = position
        while let byte = current, byte != UInt8(ascii: "<"), byte != UInt8(ascii: "&"), byte != 0 {
            if byte == UInt8(ascii: "%") { textHasPercent = true }
            position += 1
        }
        appendText(start..<position)
        guard current == UInt8(ascii: "&") else { return }
        position += 1
        let nameStart = position
        while let byte = current, byte != UInt8(ascii: ";"), position - nameStart < 12 { position += 1 }
        guard current == UInt8(ascii: ";") else { throw fail("invalid character or entity") }
        let entity = nameStart..<position
        position += 1
        switch true {
        case equal(entity, "amp"): appendReplacement(CollectionOfOne(UInt8(ascii: "&")))
        case equal(entity, "lt"): appendReplacement(CollectionOfOne(UInt8(ascii: "<")))
        case equal(entity, "gt"): appendReplacement(CollectionOfOne(UInt8(ascii: ">")))
        case equal(entity, "quot"): appendReplacement(CollectionOfOne(UInt8(ascii: "\"")))
        case equal(entity, "apos"): appendReplacement(CollectionOfOne(UInt8(ascii: "'")))
        default:
            guard entity.count >= 2, base[entity.lowerBound] == UInt8(ascii: "#") else { throw fail("invalid character or entity") }
            let hex = base[entity.lowerBound + 1] == UInt8(ascii: "x")
            let digits = (entity.lowerBound + (hex ? 2 : 1))..<entity.upperBound
            guard !digits.isEmpty else { throw fail("invalid character or entity") }
            var code: UInt32 = 0
            for index in digits {
                let digit: UInt8?
                if hex { digit = PercentCoding.hexValue(base[index]) } else { digit = base[index] >= 0x30 && base[index] <= 0x39 ? base[index] - 0x30 : nil }
                guard let digit else { throw fail("invalid character or entity") }
                code = code * (hex ? 16 : 10) + UInt32(digit)
                guard code <= 0x10FFFF else { throw fail("invalid character or entity") }
            }
            guard code != 0, let scalar = Unicode.Scalar(code) else { throw fail("invalid character or entity") }
            appendReplacement(String(Character(scalar)).utf8)
        }
    }

    private func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        for offset in 0..<a.count where base[a.lowerBound + offset] != base[b.lowerBound + offset] { return false }
        return true
    }

    private func equal(_ a: Range<Int>, _ word: StaticString) -> Bool {
        guard a.count == word.utf8CodeUnitCount else { return false }
        for offset in 0..<a.count where base[a.lowerBound + offset] != word.utf8Start[offset] { return false }
        return true
    }
}
