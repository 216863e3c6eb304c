@testable import ConsoleUI
import ESLProtocol
import TestSupport
import Testing

/// `show` answers as tables: recognised from FreeSWITCH's own text (the captures), converted to aligned
/// columns, JSON or CSV, and everything else left alone.
@Suite struct TableFormatterTests {
    /// The api-replies capture's API answers, in order: status, version, hostname, show api, an unknown
    /// command, show channels, show channels as json, show calls as xml, …
    static let answers: [String] = {
        do {
            return try Fixtures.messages("api-replies").compactMap { message in
                if case .apiResponse(let response) = message { return response.text }
                return nil
            }
        } catch {
            fatalError("the api-replies capture does not decode: \(error)")
        }
    }()

    static var showAPI: String { answers[3] }
    static var showChannelsEmpty: String { answers[5] }
    static var showChannelsJSONEmpty: String { answers[6] }

    /// `show channels` of FreeSWITCH 1.10 with two legs of a loopback echo call (values as the call
    /// events of the captures carry them; no value holds a comma).
    static let channels = """
        uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,application,application_data,dialplan,context,read_codec,read_rate,read_bit_rate,write_codec,write_rate,write_bit_rate,secure,hostname,presence_id,presence_data,accountcode,callstate,callee_name,callee_num,callee_direction,call_uuid,sent_callee_name,sent_callee_num,initial_cid_name,initial_cid_num,initial_ip_addr,initial_dest,initial_dialplan,initial_context
        4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11,outbound,2026-11-27 00:29:20,1795739360,loopback/9196-a,CS_EXECUTE,Outbound Call,0000000000,,9196,echo,,XML,default,L16,8000,128000,L16,8000,128000,,vm,,,,ACTIVE,Outbound Call,9196,SEND,4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11,,,Outbound Call,0000000000,,9196,XML,default
        9e2d7f40-5b1a-4c3e-8f6d-0a1b2c3d4e5f,inbound,2026-11-27 00:29:20,1795739360,loopback/9196-b,CS_EXECUTE,Outbound Call,0000000000,,9196,echo,,XML,default,L16,8000,128000,L16,8000,128000,,vm,,,,ACTIVE,Outbound Call,9196,SEND,4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11,,,Outbound Call,0000000000,,9196,XML,default

        2 total.

        """

    @Test func theCapturesAreWhereExpected() {
        #expect(Self.answers.count >= 7)
        #expect(Self.showAPI.hasPrefix("name,description,syntax,ikey\n"))
        #expect(Self.showChannelsEmpty == "\n0 total.\n")
        #expect(Self.showChannelsJSONEmpty == "{\"row_count\": 0}\n")
    }

    @Test func delimitedShowOutputIsATable() throws {
        guard case .table(let table)? = ShowTable.parse(Self.channels) else { Issue.record("not a table"); return }
        #expect(table.columns.count == 38)
        #expect(table.columns.first == "uuid" && table.columns.last == "initial_context")
        #expect(table.rows.count == 2)
        #expect(table.rows.allSatisfy { $0.count == 38 })
        #expect(table.rows[1][4] == "loopback/9196-b")
        #expect(table.rows[0][11] == "")
    }

    /// `show api`: descriptions and syntaxes hold commas, FreeSWITCH does not quote them, so which
    /// column an extra piece belongs to is unknowable. It stays as it came, with the reason given.
    @Test func showAPIIsAmbiguousAndLeftAlone() {
        #expect(ShowTable.parse(Self.showAPI) == nil)
        for format in OutputFormat.allCases {
            let formatter = TableFormatter(format: format, width: 80)
            #expect(formatter.format(Self.showAPI) == Self.showAPI)
            #expect((formatter.unconverted(Self.showAPI) != nil) == (format != .raw))
        }
    }

    @Test func countsAndEmptyAnswersAreNotTables() {
        #expect(ShowTable.parse(Self.showChannelsEmpty) == .count(0))
        #expect(ShowTable.parse(Self.showChannelsJSONEmpty) == .count(0))
        #expect(ShowTable.parse("\n3 total.\n") == .count(3))
        #expect(ShowTable.parse("{\"row_count\":3}") == .count(3))
        for format in OutputFormat.allCases {
            let formatter = TableFormatter(format: format)
            #expect(formatter.format(Self.showChannelsEmpty) == Self.showChannelsEmpty)
            #expect(formatter.unconverted(Self.showChannelsEmpty) == nil)
        }
    }

    @Test func otherAnswersPassThroughUnchanged() {
        #expect(Self.answers.count > 8)
        for (index, answer) in Self.answers.enumerated() where ![3, 5, 6].contains(index) {
            #expect(ShowTable.parse(answer) == nil, "answer \(index)")
            for format in OutputFormat.allCases {
                let formatter = TableFormatter(format: format, width: 40)
                #expect(formatter.format(answer) == answer)
                #expect(formatter.unconverted(answer) == nil)
            }
        }
        // Look-alikes: a line ending in "total." is not a table by itself.
        for text in ["a,b\n1,2\n\nmany total.\n", "a,b\n1,2\n\n2 total.\n", "a b,c\n1,2\n\n1 total.\n", "{\"rows\":[]}", "{\"row_count\":1,\"rows\":5}"] {
            #expect(ShowTable.parse(text) == nil, "\(text)")
        }
    }

    @Test func aRowWithMoreFieldsThanTheHeaderIsNotGuessed() {
        let bridged = Self.channels.replacing(",echo,,XML,", with: ",bridge,{a=1,b=2}user/1000,XML,")
        #expect(ShowTable.parse(bridged) == nil)
        #expect(TableFormatter(format: .json).format(bridged) == bridged)
        #expect(TableFormatter(format: .json).unconverted(bridged)?.contains("as json") == true)
        // A line break in a value: more lines than "N total." says.
        let broken = "name,value\na,1\nb,two\nlines\n\n2 total.\n"
        #expect(ShowTable.parse(broken) == nil)
    }

    @Test func anotherDelimiter() {
        let text = "uuid|name|application_data\nu1|loopback/1-a|{a=1,b=2}user/1000\n\n1 total.\n"
        #expect(ShowTable.parse(text) == .table(ShowTable(columns: ["uuid", "name", "application_data"], rows: [["u1", "loopback/1-a", "{a=1,b=2}user/1000"]])))
    }

    @Test func jsonShowOutputKeepsTheColumnOrder() {
        let text = #"{"row_count":2,"rows":[{"uuid":"u1","name":"loopback/9196-a","created_epoch":"1795739360","cid_name":"Caf\u00e9 \"A\""},{"uuid":"u2","name":"loopback/9196-b","created_epoch":"1795739360","cid_name":"B"}]}"# + "\n"
        let expected = ShowTable(columns: ["uuid", "name", "created_epoch", "cid_name"],
                                 rows: [["u1", "loopback/9196-a", "1795739360", "Café \"A\""], ["u2", "loopback/9196-b", "1795739360", "B"]])
        #expect(ShowTable.parse(text) == .table(expected))
        #expect(ShowTable.parse("{\"row_count\":2,\"rows\":[{\"a\":\"1\"},") == nil)
    }

    @Test func csvQuotesAsRFC4180() {
        let table = ShowTable(columns: ["a", "b"], rows: [["plain", "x,y"], ["say \"hi\"", "two\nlines"]])
        #expect(TableFormatter(format: .csv).render(table) == "a,b\nplain,\"x,y\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n")
        // The captured channels round-trip: no value needs quoting.
        #expect(TableFormatter(format: .csv).format(Self.channels) == Self.channels.replacing("\n\n2 total.\n", with: "\n"))
    }

    @Test func jsonIsAnArrayOfObjects() {
        let table = ShowTable(columns: ["uuid", "name"], rows: [["u1", "a\"b"], ["u2", "tab\there"]])
        #expect(TableFormatter(format: .json).render(table) == "[\n  {\"uuid\":\"u1\",\"name\":\"a\\\"b\"},\n  {\"uuid\":\"u2\",\"name\":\"tab\\there\"}\n]\n")
        #expect(TableFormatter(format: .json).render(ShowTable(columns: ["a"], rows: [])) == "[]\n")
        let converted = TableFormatter(format: .json).format(Self.channels)
        #expect(converted.hasPrefix("[\n  {\"uuid\":\"4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11\",\"direction\":\"outbound\","))
        #expect(converted.split(separator: "\n").count == 4)
    }

    @Test func alignedColumnsWhenThereIsRoom() {
        let table = ShowTable(columns: ["name", "state", "dest"], rows: [["loopback/9196-a", "CS_EXECUTE", "9196"], ["b", "", "日本"]])
        #expect(TableFormatter(format: .table).render(table) == """
            name             state       dest
            ---------------  ----------  ----
            loopback/9196-a  CS_EXECUTE  9196
            b                            日本

            2 total.

            """)
    }

    @Test func narrowTerminalCutsTheLongestCellsFirst() {
        let table = ShowTable(columns: ["uuid", "state", "dest"],
                              rows: [["4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11", "CS_EXECUTE", "9196"]])
        let out = TableFormatter(format: .table, width: 30).render(table)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= 30 })
        #expect(lines[2] == "4b6a3c52-0c…  CS_EXECUTE  9196")
        #expect(lines[0] == "uuid          state       dest")
        // --wide: whole.
        #expect(TableFormatter(format: .table, width: 30, wide: true).render(table).contains("4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11  CS_EXECUTE  9196\n"))
    }

    @Test func tooManyColumnsLeavesTheRightmostOutAndSaysSo() {
        let out = TableFormatter(format: .table, width: 80).format(Self.channels)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(out)")
        #expect(lines[0].hasPrefix("uuid"))
        #expect(lines[2].hasPrefix("4b6a3c52-") && lines[2].contains("… "))
        let shown = lines[0].split(separator: " ").count
        #expect(shown >= 5 && shown < 38)
        #expect(lines.last(where: { !$0.isEmpty }) == "2 total. (\(38 - shown) more columns not shown: --wide or /wide shows all)")
        // Wide: every column, every cell whole.
        let wide = TableFormatter(format: .table, width: 80, wide: true).format(Self.channels)
        #expect(wide.split(separator: "\n")[0].split(separator: " ").count == 38)
        #expect(wide.contains("4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11"))
        #expect(wide.hasSuffix("\n\n2 total.\n"))
    }

    @Test func cellsWithLineBreaksTakeSeveralLinesAndControlsBecomeSpaces() {
        let table = ShowTable(columns: ["host", "output"], rows: [["pbx1", "UP 0 years\n1 session"], ["pbx2", "a\tb\u{1B}[31m"]])
        #expect(TableFormatter(format: .table).render(table) == """
            host  output
            ----  ----------
            pbx1  UP 0 years
                  1 session
            pbx2  a b [31m

            2 total.

            """)
    }

    @Test func fitNeverExceedsTheWidth() {
        for width in [1, 5, 10, 23, 40, 80, 200] {
            let widths = TableFormatter.fit([36, 9, 19, 10, 15, 40, 3], into: width)
            let span = widths.reduce(0, +) + 2 * (widths.count - 1)
            #expect(span <= max(width, 1), "width \(width): \(widths)")
            #expect(!widths.isEmpty)
        }
    }

    @Test func cutUsesTerminalColumns() {
        LineEditor.prepareLocale()  // wcwidth knows wide characters only in a UTF-8 locale
        #expect(TableFormatter.cut("日本語テキスト", to: 7) == "日本語…")
        #expect(TableFormatter.cut("abc", to: 3) == "abc")
        #expect(TableFormatter.cut("abcd", to: 1) == "…")
    }
}
