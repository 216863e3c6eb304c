extension ShowTable {
    /// The values of one column of a `show` answer (`show channels as json` → its uuids), in row order;
    /// empty when there are no rows, no such column, or the answer is not a table.
    public static func column(_ name: String, in text: String) -> [String] {
        guard case .table(let table)? = parse(text), let index = table.columns.firstIndex(of: name) else { return [] }
        return (0..<table.rowCount).map { table.cell($0, index) }.filter { !$0.isEmpty }
    }
}
