import ESLProtocol

/// `show … as json`: `{"row_count":N,"rows":[{"uuid":"…",…},…]}` (`{"row_count": 0}` when empty).
/// Values are strings in FreeSWITCH's output; others are kept as their JSON text. Columns in the
/// switch's order: each new member name, in the order first seen.
///
/// Read in one pass straight into the table, not through a `JSONValue` tree: the answer can hold
/// millions of cells, and the tree (then arrays of strings, then a search of each row for each
/// column) cost rows × columns² time and a dozen times the answer in memory. What this reader accepts
/// and gives is what `JSONValue` and the plain conversion give (a test and the fuzz target compare
/// them): the whole answer must be JSON, strings without escapes are copied as bytes, and the rare
/// values that are not plain strings are handed to `JSONValue`.
enum ShowJSON {
    static func shape(_ text: String) -> ShowTable.Shape? {
        var reader = Reader(bytes: Array(text.utf8))
        return reader.document()
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
        }

        mutating func at(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// The top object: its first `row_count` and first `rows`; every other member only checked.
        mutating func document() -> ShowTable.Shape? {
            skipSpace()
            guard at(UInt8(ascii: "{")) else { return nil }
            var members = 0
            var count: Int??
            var table: ShowTable?
            skipSpace()
            if !at(UInt8(ascii: "}")) {
                while true {
                    skipSpace()
                    guard let key = key() else { return nil }
                    skipSpace()
                    guard at(UInt8(ascii: ":")) else { return nil }
                    members += 1
                    if key == "rows", table == nil {
                        skipSpace()
                        // Not an array of objects: not a table (as JSON it may still be fine, but no matter).
                        guard let rows = rows() else { return nil }
                        table = rows
                    } else {
                        guard let value = JSONValue.parse(bytes, at: &index, depth: 1) else { return nil }
                        if key == "row_count", count == nil {
                            if case .literal(let text) = value { count = .some(Int(text)) } else { count = .some(nil) }
                        }
                    }
                    skipSpace()
                    if at(UInt8(ascii: ",")) { continue }
                    guard at(UInt8(ascii: "}")) else { return nil }
                    break
                }
            }
            skipSpace()
            guard index == bytes.count, case .some(.some(let total)) = count else { return nil }
            guard var table else { return members == 1 ? .count(total) : nil }
            table.padRows()
            return .table(table)
        }

        /// A member name (kept as a String: only the top object's few are read this way).
        mutating func key() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            if let range = plainString() { return String(decoding: bytes[range], as: UTF8.self) }
            guard case .string(let text)? = JSONValue.parse(bytes, at: &index, depth: 0) else { return nil }
            return text
        }

        /// At a string without escapes: its contents' range, `index` after it; else nil, `index` kept.
        mutating func plainString() -> Range<Int>? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            var end = index + 1
            while end < bytes.count {
                switch bytes[end] {
                case UInt8(ascii: "\""):
                    defer { index = end + 1 }
                    return (index + 1)..<end
                case UInt8(ascii: "\\"): return nil
                default: end += 1
                }
            }
            return nil
        }

        /// `[{…},…]`, every row's cells in column order.
        mutating func rows() -> ShowTable? {
            guard at(UInt8(ascii: "[")) else { return nil }
            var table = ShowTable(columns: [])
            var names: [[UInt8]] = []
            var columnOf: [[UInt8]: Int] = [:]
            // This row's cells by column, and the row in which each column was last set (a repeated
            // member keeps its first value, as a look-up of the first member by name would).
            var cells: [Cell] = []
            var setIn: [Int] = []
            var scratch: [UInt8] = []
            var row = 0
            skipSpace()
            if at(UInt8(ascii: "]")) { return table }
            while true {
                skipSpace()
                guard at(UInt8(ascii: "{")) else { return nil }
                row += 1
                scratch.removeAll(keepingCapacity: true)
                var position = 0
                skipSpace()
                if !at(UInt8(ascii: "}")) {
                    while true {
                        skipSpace()
                        // The column: usually the one at this position in the row before, so compare first.
                        let column: Int
                        if let range = plainString() {
                            if position < names.count, names[position].elementsEqual(bytes[range]) {
                                column = position
                            } else {
                                column = Self.column(Array(bytes[range]), &names, &columnOf, &cells, &setIn)
                            }
                        } else {
                            guard case .string(let name)? = JSONValue.parse(bytes, at: &index, depth: 3) else { return nil }
                            column = Self.column(Array(name.utf8), &names, &columnOf, &cells, &setIn)
                        }
                        skipSpace()
                        guard at(UInt8(ascii: ":")) else { return nil }
                        skipSpace()
                        let cell: Cell
                        if let range = plainString() {
                            cell = .input(range)
                        } else {
                            guard let value = JSONValue.parse(bytes, at: &index, depth: 3) else { return nil }
                            let start = scratch.count
                            scratch.append(contentsOf: value.cell.utf8)
                            cell = .scratch(start..<scratch.count)
                        }
                        if setIn[column] != row {
                            setIn[column] = row
                            cells[column] = cell
                        }
                        position += 1
                        skipSpace()
                        if at(UInt8(ascii: ",")) { continue }
                        guard at(UInt8(ascii: "}")) else { return nil }
                        break
                    }
                }
                table.beginRow()
                for column in cells.indices {
                    switch setIn[column] == row ? cells[column] : .input(0..<0) {
                    case .input(let range): table.appendCell(bytes[range])
                    case .scratch(let range): table.appendCell(scratch[range])
                    }
                }
                skipSpace()
                if at(UInt8(ascii: ",")) { continue }
                guard at(UInt8(ascii: "]")) else { return nil }
                table.columns = names.map { String(decoding: $0, as: UTF8.self) }
                return table
            }
        }

        enum Cell {
            case input(Range<Int>)
            case scratch(Range<Int>)
        }

        /// The column named `name`, added when new.
        static func column(_ name: [UInt8], _ names: inout [[UInt8]], _ columnOf: inout [[UInt8]: Int],
                           _ cells: inout [Cell], _ setIn: inout [Int]) -> Int {
            if let known = columnOf[name] { return known }
            columnOf[name] = names.count
            names.append(name)
            cells.append(.input(0..<0))
            setIn.append(0)
            return names.count - 1
        }
    }
}

extension JSONValue {
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
