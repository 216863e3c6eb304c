import ConsoleUI
import ESLProtocol
import Foundation

/// `show … as json` turned into a table, CSV and JSON (issue 14, class 8). Time: the conversion's
/// throughput against reading the same JSON into a generic value (the least a conversion does), and
/// the cost per cell of a table four times wider against one a quarter as wide (1.0 is linear; the
/// old conversion, rows × columns², gave 4). Memory: a child converting a 60 MB answer, its peak
/// against a child that only builds the same answer.
extension Bench {
    /// A `show channels as json`-like answer: `rows` objects of `columns` string members.
    static func showJSON(rows: Int, columns: Int, cell: Int = 24) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(rows * columns * (cell + 24) + 64)
        out += Array("{\"row_count\":\(rows),\"rows\":[".utf8)
        let names = (0..<columns).map { Array("column_\($0)".utf8) }
        for row in 0..<rows {
            out.append(row == 0 ? 0x7B : 0x2C); if row > 0 { out.append(0x7B) }
            for column in 0..<columns {
                if column > 0 { out.append(0x2C) }
                out.append(0x22); out += names[column]; out += [0x22, 0x3A, 0x22]
                let value = "\(row)-\(column)-"
                out += Array(value.utf8)
                out += [UInt8](repeating: 0x78, count: max(0, cell - value.utf8.count))
                out.append(0x22)
            }
            out.append(0x7D)
        }
        out += Array("]}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = Bench.now()
        body()
        return Bench.now() - start
    }

    func tables() throws {
        // Throughput on a tall answer.
        let tall = Bench.showJSON(rows: quick ? 5_000 : 20_000, columns: 40)
        let megabytes = Double(tall.utf8.count) / 1e6
        let parse = Bench.seconds { _ = JSONValue.parse(tall) }
        line("tables.baseline_json_parse", megabytes / parse, "MB/s")
        for format in [OutputFormat.csv, .json, .table] {
            let time = Bench.seconds { _ = TableFormatter(format: format).format(tall) }
            line("tables.\(format.rawValue)", megabytes / time, "MB/s")
            line("tables.\(format.rawValue).ratio_to_parse", parse / time, "x")
        }
        // Scaling with the columns: one row, N and 4N columns.
        let narrow = quick ? 2_500 : 10_000
        let small = Bench.showJSON(rows: 1, columns: narrow), large = Bench.showJSON(rows: 1, columns: 4 * narrow)
        let smallTime = Bench.seconds { _ = TableFormatter(format: .csv).format(small) }
        let largeTime = Bench.seconds { _ = TableFormatter(format: .csv).format(large) }
        line("tables.wide_csv_\(4 * narrow)_columns", largeTime * 1000, "ms")
        line("tables.wide_per_cell_ratio_4x_columns", largeTime / (4 * smallTime), "x")
        try tableMemory()
    }

    /// Peak memory of converting a 60 MB answer, in a child of its own (see `rssWrapper`).
    func tableMemory() throws {
        guard let wrapper = try compile("eslbench-rss", Bench.rssWrapper) else { print("tables.rss.skipped 0 (no C compiler)"); return }
        let report = NSTemporaryDirectory() + "eslbench-table-rss.txt"
        let me = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
            : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        let rows = quick ? 12_000 : 60_000
        func peak(_ format: String) throws -> Double? {
            _ = try Bench.spawn(wrapper, [report, me, "--table-child", format, String(rows)])
            let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)).map { Double($0) / 1024 }
        }
        guard let input = try peak("none") else { print("tables.rss.skipped 0 (no peak reported)"); return }
        let size = Double(Bench.showJSON(rows: 1, columns: 40).utf8.count * rows) / 1e6
        line("tables.rss.input_\(Int(size.rounded()))MB_baseline", input, "MB")
        for format in ["csv", "table"] {
            guard let converted = try peak(format) else { continue }
            line("tables.rss.\(format)", converted, "MB")
            line("tables.rss.\(format).ratio_to_baseline", converted / input, "x")
        }
    }

    /// The child: builds the answer, converts it (unless `none`), and exits.
    static func tableChild(_ format: String, rows: Int) {
        let text = showJSON(rows: rows, columns: 40)
        guard let format = OutputFormat(rawValue: format) else { return }
        let out = TableFormatter(format: format).format(text)
        if out.utf8.count < text.utf8.count / 4 { print("eslbench: the answer was not converted") }
    }
}
