import ConsoleUI
import ESLProtocol

/// The plain conversion of a `show … as json` answer, written for clarity, not speed: the whole answer
/// as a `JSONValue`, then each row searched for each column (rows × columns²). The reader in ConsoleUI
/// must give what this gives; tests and the fuzz target compare them.
public enum ShowJSONReference {
    public static func shape(_ text: String) -> ShowTable.Shape? {
        guard case .object(let members)? = JSONValue.parse(text) else { return nil }
        guard let countMember = members.first(where: { $0.key == "row_count" }),
              case .literal(let countText) = countMember.value, let count = Int(countText) else { return nil }
        guard let rowsMember = members.first(where: { $0.key == "rows" }) else {
            return members.count == 1 ? .count(count) : nil
        }
        guard case .array(let items) = rowsMember.value else { return nil }
        var columns: [String] = []
        for item in items {
            guard case .object(let row) = item else { return nil }
            for member in row where !columns.contains(member.key) { columns.append(member.key) }
        }
        let rows = items.map { item -> [String] in
            guard case .object(let row) = item else { return [] }
            return columns.map { column in row.first { $0.key == column }.map { cell($0.value) } ?? "" }
        }
        return .table(ShowTable(columns: columns, rows: rows))
    }

    /// A string as it is, anything else as compact JSON.
    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .string(let text), .literal(let text): return text
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { JSONText.quoted($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }

    static func json(_ value: JSONValue) -> String {
        if case .string(let text) = value { return JSONText.quoted(text) }
        return cell(value)
    }

    /// Shapes compared by what they show (a cell's bytes that are not UTF-8 read the same either way).
    public static func same(_ a: ShowTable.Shape?, _ b: ShowTable.Shape?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.count(let x)?, .count(let y)?): return x == y
        case (.table(let x)?, .table(let y)?): return x.columns == y.columns && x.rows == y.rows
        default: return false
        }
    }
}
