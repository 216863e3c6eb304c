import ESLProtocol
import Testing
import ESLFuzzing
import TestSupport
@testable import ConsoleUI

/// Issue 14, class 8: `show … as json` read in one pass gives what the plain conversion gives, for
/// answers shaped as FreeSWITCH writes them and for the odd ones.
@Suite struct ShowJSONTests {
    static let answers: [String] = [
        #"{"row_count":0}"#,
        #"{"row_count": 2, "rows": [{"uuid":"u1","name":"a"},{"uuid":"u2","name":"b"}]}"#,
        #"  {"rows":[{"a":"1"}],"row_count":1}  "#,
        // Rows with other members, missing ones, a member twice (its first value counts).
        #"{"row_count":3,"rows":[{"a":"1"},{"b":"2","a":"3"},{"c":"x","c":"y","a":""}]}"#,
        // Escapes in names and values, numbers, literals, nested values, white space everywhere.
        #"{ "row_count" : 1 , "rows" : [ { "n\u0061me" : "tab\there \"q\" \ud83d\ude00" , "num" : -1.5e3 , "t" : true , "z" : null , "arr" : [1,"two",{"k":"v"}] , "obj" : {"x":{"y":[]}} } ] }"#,
        // Not tables: no row_count, a bad one, rows not an array of objects, extra members, bad JSON.
        #"{"rows":[]}"#, #"{"row_count":"1","rows":[]}"#, #"{"row_count":1.5}"#, #"{"row_count":1,"rows":{}}"#,
        #"{"row_count":1,"rows":["x"]}"#, #"{"row_count":0,"other":1}"#, #"{"row_count":1,"rows":[{"a":"1"}],"more":[1,2]}"#,
        #"{"row_count":1,"rows":[{"a":"1"}]} x"#, #"{"row_count":1,"rows":[{"a":"1"},]}"#, #"{"row_count":1,"rows":[{"a":"1"}]"#,
        #"{"row_count":1,"rows":[{"a":"1}]}"#, #"{"row_count":1,"rows":[{"a":01}]}"#, #"{"row_count":1,"rows":[{"a"}]}"#,
        // A second rows member is only checked; row_count twice (the first counts).
        #"{"row_count":1,"rows":[{"a":"1"}],"rows":5}"#, #"{"row_count":1,"row_count":"x","rows":[]}"#,
        #"{"row_count":1,"rows":[{"a":"1"}],"rows":[tru]}"#,
        "{\"row_count\":1,\"rows\":[{\"a\":\"raw \u{1}\u{7f} bytes \u{FFFD}\"}]}",
        "{}", "{", "", "[]",
    ]

    @Test(arguments: answers)
    func sameAsThePlainConversion(_ text: String) {
        let fast = ShowJSON.shape(text), plain = ShowJSONReference.shape(text)
        #expect(ShowJSONReference.same(fast, plain), "\(String(describing: fast)) vs \(String(describing: plain))")
    }

    /// Nesting at the limit JSONValue keeps (64 values deep, counted from the top object).
    @Test(arguments: [59, 60, 61, 62])
    func nestingLimitAsJSONValue(_ depth: Int) {
        let value = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let text = #"{"row_count":1,"rows":[{"a":"# + value + "}]}"
        #expect(ShowJSONReference.same(ShowJSON.shape(text), ShowJSONReference.shape(text)))
    }

    /// 40,000 columns in a row (10 s of rows × columns² before): every cell where it belongs.
    @Test func aVeryWideTable() throws {
        let columns = 40_000
        let members = (0..<columns).map { "\"c\($0)\":\"v\($0)\"" }.joined(separator: ",")
        let text = #"{"row_count":2,"rows":[{"# + members + "},{" + members + "}]}"
        guard case .table(let table)? = ShowTable.parse(text) else { Issue.record("not a table"); return }
        #expect(table.columns.count == columns)
        #expect(table.rowCount == 2)
        #expect(table.cell(1, 39_999) == "v39999")
        #expect(table.columns[12_345] == "c12345")
        let csv = TableFormatter(format: .csv).format(text).split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv[2].hasSuffix(",v39998,v39999"))
    }

    /// The three conversions of a table read the flat way agree with the same table built from rows.
    @Test(arguments: [OutputFormat.csv, .json, .table])
    func conversionsOfTheFlatTable(_ format: OutputFormat) throws {
        let text = #"{"row_count":2,"rows":[{"uuid":"u1","name":"a,b","x":"two\nlines"},{"uuid":"u2","name":"日本","x":"\"q\""}]}"#
        guard case .table(let table)? = ShowTable.parse(text) else { Issue.record("not a table"); return }
        let rows = ShowTable(columns: table.columns, rows: table.rows)
        #expect(table == rows)
        let formatter = TableFormatter(format: format)
        #expect(formatter.render(table) == formatter.render(rows))
        #expect(formatter.format(text) == formatter.render(rows))
    }
}
