import ESLProtocol

/// `show … as json`: `{"row_count":N,"rows":[{"uuid":"…",…},…]}` (`{"row_count": 0}` when empty).
/// Read with `JSONValue`, which keeps the switch's column order. Values are strings in FreeSWITCH's
/// output; others are kept as their JSON text.
enum ShowJSON {
    typealias Value = JSONValue

    /// The table, when `text` is a `show … as json` answer; a count when it has no rows.
    static func shape(_ text: String) -> ShowTable.Shape? {
        guard case .object(let members)? = JSONValue.parse(text) else { return nil }
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
