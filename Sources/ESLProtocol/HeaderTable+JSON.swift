#if canImport(Glibc)
import Glibc
#endif

/// An event's JSON written straight from its bytes: `--format ndjson` does this for every event.
extension HeaderTable {
    /// The members of FreeSWITCH's JSON form (`"Name":"value"`, consecutive repeats as an array) written
    /// from the bytes, without making a `String` per header. Gives the same bytes as encoding the decoded
    /// header list.
    func appendJSONMembers(to out: inout [UInt8]) -> Bool {
        let (fields, extras) = (layout.fields, layout.extras)
        guard !fields.isEmpty else { return false }
        return bytes.withUnsafeBufferPointer { base in
            // One look over the bytes the names and values come from, instead of one per name and per
            // value (two hundred short looks an event): FreeSWITCH's events are nearly always ASCII with
            // nothing JSON escapes. Their decoded values (`%22` is a quote) are still looked at one by one.
            let extent = fields.reduce(0) { max($0, Int($1.nameEnd), Int($1.valueEnd)) }
            if JSONText.blockNeedsCare(UnsafeBufferPointer(rebasing: base[0..<extent])) {
                Self.appendMembersWithCare(fields, extras, base, to: &out)
            } else {
                Self.appendMembersAsIs(fields, extras, base, to: &out)
            }
            return true
        }
    }

    /// Each name and value looked at for escapes and for bytes that are not ASCII.
    private static func appendMembersWithCare(_ fields: [Field], _ extras: [String], _ base: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var scratch: [UInt8] = []
        forEachMember(fields, base) { index, end in
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONText(UnsafeBufferPointer(rebasing: base[Int(fields[index].nameStart)..<Int(fields[index].nameEnd)]), to: &out)
            out.append(UInt8(ascii: ":"))
            if end - index > 1 { out.append(UInt8(ascii: "[")) }
            for position in index..<end {
                if position > index { out.append(UInt8(ascii: ",")) }
                appendJSONValue(fields[position], extras, base, &scratch, to: &out)
            }
            if end - index > 1 { out.append(UInt8(ascii: "]")) }
        }
    }

    /// The block needs no care: names and unencoded values are copied between their quotes into room
    /// made once, where eight appends a field (each checking that the array is unique and has room) were
    /// most of `--format ndjson`'s time. Decoded values and `ARRAY::` parts are quoted first, the usual
    /// way, and copied in.
    private static func appendMembersAsIs(_ fields: [Field], _ extras: [String], _ base: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var quoted: [UInt8] = []
        var quotedEnds = [Int](repeating: 0, count: fields.count)
        var scratch: [UInt8] = []
        // Per field: its name's quotes, `:`, `,` and an array's brackets at most; its value's quotes.
        var room = 0
        for (index, field) in fields.enumerated() {
            room += 8 + Int(field.nameEnd - field.nameStart)
            if field.valueStart >= 0, field.coding == .none {
                room += Int(field.valueEnd - field.valueStart)
            } else {
                appendJSONValue(field, extras, base, &scratch, to: &quoted)
                quotedEnds[index] = quoted.count
            }
        }
        room += quoted.count
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: room))
        let end = out.withUnsafeMutableBufferPointer { buffer -> Int in
            let target = buffer.baseAddress!
            let source = base.baseAddress!
            var at = start
            @inline(__always) func put(_ byte: UInt8) {
                target[at] = byte
                at += 1
            }
            @inline(__always) func putQuoted(_ from: Int32, _ to: Int32) {
                put(UInt8(ascii: "\""))
                copy(target + at, source + Int(from), Int(to - from))
                at += Int(to - from)
                put(UInt8(ascii: "\""))
            }
            quoted.withUnsafeBufferPointer { quoted in
                var quotedStart = 0
                forEachMember(fields, base) { index, end in
                    if index > 0 { put(UInt8(ascii: ",")) }
                    putQuoted(fields[index].nameStart, fields[index].nameEnd)
                    put(UInt8(ascii: ":"))
                    if end - index > 1 { put(UInt8(ascii: "[")) }
                    for position in index..<end {
                        if position > index { put(UInt8(ascii: ",")) }
                        let field = fields[position]
                        if field.valueStart >= 0, field.coding == .none {
                            putQuoted(field.valueStart, field.valueEnd)
                        } else {
                            let count = quotedEnds[position] - quotedStart
                            memcpy(target + at, quoted.baseAddress! + quotedStart, count)
                            at += count
                            quotedStart = quotedEnds[position]
                        }
                    }
                    if end - index > 1 { put(UInt8(ascii: "]")) }
                }
            }
            return at
        }
        out.removeLast(start + room - end)
    }

    /// `count` bytes: names and values are mostly under 16 bytes, where two overlapping word moves
    /// cost less than a call of `memcpy` (two hundred an event).
    @inline(__always)
    private static func copy(_ target: UnsafeMutablePointer<UInt8>, _ source: UnsafePointer<UInt8>, _ count: Int) {
        let to = UnsafeMutableRawPointer(target)
        let from = UnsafeRawPointer(source)
        switch count {
        case 16...:
            memcpy(to, from, count)
        case 8...:
            to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
            (to + count - 8).storeBytes(of: (from + count - 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
        case 4...:
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            (to + count - 4).storeBytes(of: (from + count - 4).loadUnaligned(as: UInt32.self), as: UInt32.self)
        default:
            for offset in 0..<count { target[offset] = source[offset] }
        }
    }

    /// Each member: the index of its first field and the end of the run of fields with its name.
    private static func forEachMember(_ fields: [Field], _ base: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        var index = 0
        while index < fields.count {
            let name = Int(fields[index].nameStart)..<Int(fields[index].nameEnd)
            var end = index + 1
            while end < fields.count, sameName(base, name, fields[end]) { end += 1 }
            body(index, end)
            index = end
        }
    }

    private static func appendJSONValue(_ field: Field, _ extras: [String], _ base: UnsafeBufferPointer<UInt8>, _ scratch: inout [UInt8], to out: inout [UInt8]) {
        if field.valueStart < 0 {
            JSONText.appendQuoted(extras[Int(-field.valueStart) - 1], to: &out)
            return
        }
        let raw = UnsafeBufferPointer(rebasing: base[Int(field.valueStart)..<Int(field.valueEnd)])
        switch field.coding {
        case .none:
            appendJSONText(raw, to: &out)
        case .json:
            // Unescaped and quoted again, so the bytes are the encoder's (`\/` and `\u00e9` are not).
            JSONText.appendQuoted(JSONEventReader.unescape(raw), to: &out)
        case .percent:
            PercentCoding.decode(raw, into: &scratch)
            if JSONEventReader.isASCII(scratch) {
                scratch.withUnsafeBufferPointer { JSONText.appendQuoted($0, to: &out) }
            } else {
                // Decoded bytes need not be UTF-8; the String repairs them as the slow path would.
                JSONText.appendQuoted(String(decoding: scratch, as: UTF8.self), to: &out)
            }
        }
    }

    /// A name or an unencoded value: escaped when it is ASCII, else through `String`, which repairs
    /// bytes that are not UTF-8 as the decoded header has them.
    private static func appendJSONText(_ raw: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if JSONEventReader.isASCII(raw) {
            JSONText.appendQuoted(raw, to: &out)
        } else {
            JSONText.appendQuoted(String(decoding: raw, as: UTF8.self), to: &out)
        }
    }

    private static func sameName(_ base: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, _ field: Field) -> Bool {
        let other = Int(field.nameStart)..<Int(field.nameEnd)
        guard other.count == name.count else { return false }
        return memcmp(base.baseAddress! + name.lowerBound, base.baseAddress! + other.lowerBound, name.count) == 0
    }
}
