import FoundationEssentials

/// The answer to `show … as json`: `{"row_count":N,"rows":[{"column":"value",…},…]}` (without `rows`
/// when there are none). Used for the console's lists of live channels and applications.
public enum ShowTable {
    /// The values of one column, in row order; empty when there are no rows or the text is not such JSON.
    public static func column(_ name: String, in json: String) -> [String] {
        guard let table = try? JSONDecoder().decode(Table.self, from: Data(json.utf8)) else { return [] }
        return (table.rows ?? []).compactMap { $0[name]?.text }.filter { !$0.isEmpty }
    }

    private struct Table: Decodable {
        var rows: [[String: Cell]]?
    }

    /// A cell: FreeSWITCH writes strings; anything else is kept as nothing rather than failing the table.
    private struct Cell: Decodable {
        var text: String?
        init(from decoder: any Decoder) throws {
            text = try? decoder.singleValueContainer().decode(String.self)
        }
    }
}
