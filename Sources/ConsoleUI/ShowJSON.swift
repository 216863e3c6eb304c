/// `show … as json`: `{"row_count":N,"rows":[{"uuid":"…",…},…]}` (`{"row_count": 0}` when empty).
/// A small parser of its own because the columns must keep the switch's order, which a decoder into a
/// dictionary loses. Values are strings in FreeSWITCH's output; others are kept as their JSON text.
enum ShowJSON {
    indirect enum Value: Equatable {
        case string(String)
        case object([(key: String, value: Value)])
        case array([Value])
        /// A number, true, false or null: its text.
        case literal(String)

        static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.string(let a), .string(let b)), (.literal(let a), .literal(let b)): return a == b
            case (.array(let a), .array(let b)): return a == b
            case (.object(let a), .object(let b)): return a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
            default: return false
            }
        }

        /// The text of a cell: a string as it is, anything else as compact JSON.
        var cell: String {
            switch self {
            case .string(let text): return text
            case .literal(let text): return text
            case .array(let values): return "[" + values.map(\.json).joined(separator: ",") + "]"
            case .object(let members): return "{" + members.map { JSONText.quoted($0.key) + ":" + $0.value.json }.joined(separator: ",") + "}"
            }
        }

        var json: String {
            if case .string(let text) = self { return JSONText.quoted(text) }
            return cell
        }
    }

    /// The table, when `text` is a `show … as json` answer; a count when it has no rows.
    static func shape(_ text: String) -> ShowTable.Shape? {
        guard case .object(let members)? = parse(text) else { return nil }
        guard let countMember = members.first(where: { $0.key == "row_count" }),
              case .literal(let countText) = countMember.value, let count = Int(countText) else { return nil }
        guard let rowsMember = members.first(where: { $0.key == "rows" }) else {
            return members.count == 1 ? .count(count) : nil
        }
        guard case .array(let items) = rowsMember.value else { return nil }
        var columns: [String] = []
        var known = Set<String>()
        var objects: [[(key: String, value: Value)]] = []
        for item in items {
            guard case .object(let row) = item else { return nil }
            for member in row where known.insert(member.key).inserted { columns.append(member.key) }
            objects.append(row)
        }
        let rows = objects.map { row in
            columns.map { column in row.first { $0.key == column }?.value.cell ?? "" }
        }
        return .table(ShowTable(columns: columns, rows: rows))
    }

    /// The whole of `text` as one value (surrounding white space allowed), or nil.
    static func parse(_ text: String) -> Value? {
        var parser = Parser(bytes: Array(text.utf8))
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.index == parser.bytes.count ? value : nil
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) -> Value? {
            guard depth < 64 else { return nil }
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: Value)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    guard let member = value(depth: depth + 1) else { return nil }
                    members.append((key, member))
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    return nil
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [Value] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "\""):
                return string().map { .string($0) }
            default:
                let start = index
                while index < bytes.count, Self.isLiteralByte(bytes[index]) { index += 1 }
                guard index > start else { return nil }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                guard ["true", "false", "null"].contains(text) || Double(text) != nil else { return nil }
                return .literal(text)
            }
        }

        static func isLiteralByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"): return true
            default: return false
            }
        }

        /// A JSON string at `index`, unescaped.
        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        // A surrogate pair is two escapes.
                        if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
                           bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                    default: out.append(escape)  // \" \\ \/
                    }
                default:
                    out.append(byte)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
            index += 4
            return value
        }
    }
}

/// JSON string quoting for the formatter's output (and the fleet's `host` members).
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20 || control.value == 0x7F:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
