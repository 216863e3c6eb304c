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
        /// The value has a `%` and needs URL-decoding.
        var encoded: Bool
    }

    let bytes: [UInt8]
    let fields: [Field]
    /// Values that are not plain byte ranges: the parts of `ARRAY::a|:b` values.
    let extras: [String]

    var count: Int { fields.count }

    /// Parses the header lines of `bytes[range]` (spaces after the colon skipped, a trailing CR dropped,
    /// lines without a colon skipped). Values are decoded only to split `ARRAY::` values.
    init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        var fields: [Field] = []
        var extras: [String] = []
        fields.reserveCapacity(80)
        bytes.withUnsafeBufferPointer { base in
            guard let pointer = base.baseAddress else { return }
            /// memchr over [from, to): the line, colon and `%` searches are most of the work.
            func find(_ byte: UInt8, _ from: Int, _ to: Int) -> Int? {
                guard from < to, let hit = memchr(pointer + from, Int32(byte), to - from) else { return nil }
                return pointer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            var lineStart = range.lowerBound
            let end = range.upperBound
            while lineStart < end {
                let lineEnd = find(0x0A, lineStart, end) ?? end
                var contentEnd = lineEnd
                if contentEnd > lineStart, base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                if let colon = find(0x3A, lineStart, contentEnd) {
                    var valueStart = colon + 1
                    while valueStart < contentEnd, base[valueStart] == 0x20 || base[valueStart] == 0x09 { valueStart += 1 }
                    let encoded = find(0x25, valueStart, contentEnd) != nil
                    let field = Field(nameStart: Int32(lineStart), nameEnd: Int32(colon), valueStart: Int32(valueStart), valueEnd: Int32(contentEnd), encoded: encoded)
                    if Self.mayBeArray(base, valueStart, contentEnd) {
                        let value = PercentCoding.decode(UnsafeBufferPointer(rebasing: base[valueStart..<contentEnd]))
                        if value.utf8.starts(with: "ARRAY::".utf8) {
                            for part in value.dropFirst(7).splitOnArraySeparator() {
                                extras.append(part)
                                fields.append(Field(nameStart: field.nameStart, nameEnd: field.nameEnd, valueStart: -Int32(extras.count), valueEnd: 0, encoded: false))
                            }
                        } else {
                            fields.append(field)
                        }
                    } else {
                        fields.append(field)
                    }
                }
                lineStart = lineEnd + 1
            }
        }
        self.fields = fields
        self.extras = extras
    }

    private init(bytes: [UInt8], fields: [Field], extras: [String]) {
        self.bytes = bytes
        self.fields = fields
        self.extras = extras
    }

    /// The same table without the field at `index`.
    func removing(_ index: Int) -> HeaderTable {
        var fields = self.fields
        fields.remove(at: index)
        return HeaderTable(bytes: bytes, fields: fields, extras: extras)
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

    func value(_ index: Int) -> String {
        let field = fields[index]
        if field.valueStart < 0 { return extras[Int(-field.valueStart) - 1] }
        return bytes.withUnsafeBufferPointer { base in
            let raw = UnsafeBufferPointer(rebasing: base[Int(field.valueStart)..<Int(field.valueEnd)])
            return field.encoded ? PercentCoding.decode(raw) : String(decoding: raw, as: UTF8.self)
        }
    }

    func header(_ index: Int) -> Header { Header(name(index), value(index)) }

    /// True when the name at `index` is `query`, ignoring ASCII case, compared without making a string.
    func nameMatches(_ index: Int, _ query: String) -> Bool {
        let field = fields[index]
        let length = Int(field.nameEnd - field.nameStart)
        guard length == query.utf8.count else { return false }
        return bytes.withUnsafeBufferPointer { base in
            var position = Int(field.nameStart)
            for byte in query.utf8 {
                let have = base[position]
                if have != byte && asciiLower(have) != asciiLower(byte) { return false }
                position += 1
            }
            return true
        }
    }

    func firstIndex(named query: String) -> Int? {
        for index in fields.indices where nameMatches(index, query) { return index }
        return nil
    }

    func indices(named query: String) -> [Int] {
        fields.indices.filter { nameMatches($0, query) }
    }
}
