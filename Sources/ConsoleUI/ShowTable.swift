/// A table out of a `show …` answer: FreeSWITCH's delimited text (a header line, one line per row, a
/// blank line and `N total.`) or its `as json` form (`{"row_count":N,"rows":[{…},…]}`).
///
/// FreeSWITCH writes the delimited form without quoting, so a value holding the delimiter (an
/// `application_data` of `{a=1,b=2}user/1000`, `show api`'s syntax column) makes its row longer than
/// the header, and which column the extra pieces belong to cannot be known. Such an answer is not a
/// table: it is shown as it came (`show … as json` is exact). The same goes for a row count that
/// disagrees with `N total.` (a value with a line break).
///
/// The cells are kept as one buffer of their UTF-8, not as a String each: a `show … as json` answer of
/// millions of cells then costs about its own size (as arrays of strings, 60 MB took 755 MB).
public struct ShowTable: Sendable, Equatable {
    public var columns: [String]
    /// The aligned table's `N total.`: the rows, unless the table counts something else (a fleet's
    /// per-host counts total the calls, not the hosts).
    public var total: Int?
    /// The cells' bytes one after another, row after row.
    private var text: [UInt8] = []
    /// Where each cell ends in `text` (it starts where the one before it ends).
    private var cellEnds: [Int] = []
    /// The index in `cellEnds` of each row's first cell.
    private var rowStarts: [Int] = []

    public init(columns: [String], rows: [[String]], total: Int? = nil) {
        self.columns = columns
        self.total = total
        for row in rows {
            beginRow()
            for cell in row { appendCell(cell.utf8) }
        }
    }

    /// A table without rows yet (`beginRow`, `appendCell`).
    init(columns: [String]) { self.columns = columns }

    public var rowCount: Int { rowStarts.count }

    /// How many cells row `row` has (every row of a parsed answer has one per column).
    public func cellCount(_ row: Int) -> Int {
        (row + 1 < rowStarts.count ? rowStarts[row + 1] : cellEnds.count) - rowStarts[row]
    }

    /// The bytes of a cell; empty past the end of its row.
    public func cellBytes(_ row: Int, _ column: Int) -> ArraySlice<UInt8> {
        guard column < cellCount(row) else { return [] }
        let index = rowStarts[row] + column
        return text[(index == 0 ? 0 : cellEnds[index - 1])..<cellEnds[index]]
    }

    public func cell(_ row: Int, _ column: Int) -> String { String(decoding: cellBytes(row, column), as: UTF8.self) }

    /// Every row as strings (small tables: tests, the fleet's merge).
    public var rows: [[String]] {
        (0..<rowCount).map { row in (0..<cellCount(row)).map { cell(row, $0) } }
    }

    mutating func beginRow() { rowStarts.append(cellEnds.count) }

    mutating func appendCell<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        text.append(contentsOf: bytes)
        cellEnds.append(text.count)
    }

    /// Rows shorter than the columns filled with empty cells (a JSON row without some member).
    mutating func padRows() {
        guard (0..<rowCount).contains(where: { cellCount($0) < columns.count }) else { return }
        var padded = ShowTable(columns: columns)
        padded.total = total
        for row in 0..<rowCount {
            padded.beginRow()
            for column in 0..<columns.count { padded.appendCell(cellBytes(row, column)) }
        }
        self = padded
    }

    /// What a `show` answer is.
    public enum Shape: Sendable, Equatable {
        case table(ShowTable)
        /// `\nN total.\n` alone: a count (`show calls count`), or a `show` with no rows (FreeSWITCH
        /// prints no header then), which cannot be told apart.
        case count(Int)
    }

    /// The shape of `text`, or nil when it is not a `show` answer (or an ambiguous one).
    public static func parse(_ text: String) -> Shape? {
        if let count = bareCount(text) { return .count(count) }
        if text.first == "{" { return ShowJSON.shape(text) }
        return delimited(text).map { .table($0) }
    }

    /// `\nN total.\n` (also without the first line break).
    static func bareCount(_ text: String) -> Int? {
        var body = Substring(text)
        if body.first == "\n" { body.removeFirst() }
        guard body.hasSuffix(" total.\n") else { return nil }
        let number = body.dropLast(8)
        guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(number)
    }

    /// The delimited form. The delimiter is the first character of the header line that cannot be in a
    /// column name, so `show … as delim |` works too.
    static func delimited(_ text: String) -> ShowTable? {
        // By scalars: Swift counts "\r\n" as one character.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // header, rows…, "", "N total.", "" (after the final line break)
        guard lines.count >= 4, lines[lines.count - 1].isEmpty, lines[lines.count - 3].isEmpty else { return nil }
        let footer = lines[lines.count - 2]
        guard footer.hasSuffix(" total."), let total = Int(footer.dropLast(7)), total >= 0 else { return nil }
        let header = lines[0]
        let body = lines[1..<(lines.count - 3)]
        guard body.count == total, total > 0 else { return nil }
        let delimiter = header.unicodeScalars.first { !isNameScalar($0) }
        let columns = delimiter.map { split(header, by: $0) } ?? [String(header)]
        guard columns.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(isNameScalar) }) else { return nil }
        var table = ShowTable(columns: columns)
        for line in body {
            let fields = delimiter.map { split(line, by: $0) } ?? [String(line)]
            guard fields.count == columns.count else { return nil }
            table.beginRow()
            for field in fields { table.appendCell(field.utf8) }
        }
        return table
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": return true
        default: return false
        }
    }

    private static func split(_ line: Substring, by delimiter: Unicode.Scalar) -> [String] {
        var fields: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            if scalar == delimiter {
                fields.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        fields.append(String(current))
        return fields
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
