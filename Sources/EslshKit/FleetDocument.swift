import ConsoleUI
import ESLClient
import ESLProtocol

/// A fleet's answers gathered into one table per command (`--output table|json|csv` with several
/// hosts), a `host` column first:
/// - every host answered the same `show` table (or no rows): the rows of all, e.g. every channel of
///   every switch;
/// - every host answered a count (`show calls count`): one row per host with its `total`;
/// - anything else: one row per host with its whole `output` (a `-ERR` answer included).
/// A host that could not connect, or whose command failed without an answer, has no row; its error
/// is on stderr.
package final class FleetDocument: Sendable {
    package let hosts: [String]
    /// The commands in script order; a line repeated in the script is a command of its own.
    package let slots: [String]
    private let answers = Locked<Answers>(Answers())
    /// The document is gathered whole before it is printed, so what it holds is bounded: past `budget`
    /// bytes of answers, an answer is left out (its row says so) and counted (docs/ARCHITECTURE.md,
    /// "Buffers in bytes").
    package let budget: Int
    package static let defaultBudget = ScriptRunner.shapeLimit
    package static let leftOutText = "(left out: the fleet's answers are over the document's budget)"

    private struct Answers {
        var byHost: [String: [(line: String, output: String)]] = [:]
        var bytes = 0
        var leftOut = 0
    }

    package init(hosts: [String], lines: [String], budget: Int = FleetDocument.defaultBudget) {
        self.hosts = hosts
        self.budget = budget
        slots = lines.filter { line in
            guard case .send(let command)? = try? LineGrammar.parse(line) else { return false }
            if case .bgapi(_, nil) = command { return false }  // background jobs print their results as they come
            return true
        }
    }

    /// One host's answer to its next command (called from the host's thread).
    package func add(host: String, line: String, output: String) {
        answers.withLock { answers in
            let size = output.utf8.count
            let fits = answers.bytes + size <= budget
            if fits { answers.bytes += size } else { answers.leftOut += 1 }
            answers.byHost[host, default: []].append((line, fits ? output : Self.leftOutText))
        }
    }

    /// Answers left out for the budget; the caller says so on stderr.
    package var leftOut: Int { answers.withLock { $0.leftOut } }

    /// Each command's table, in script order.
    package func tables() -> [(line: String, table: ShowTable)] {
        let gathered = answers.withLock { $0.byHost }
        // A host's answers are matched to the script by line and occurrence, so one that timed out
        // (and so has no answer) does not shift the others.
        var seen: [String: Int] = [:]
        var result: [(String, ShowTable)] = []
        for line in slots {
            let occurrence = seen[line, default: 0]
            seen[line] = occurrence + 1
            var outputs: [(host: String, output: String)] = []
            for host in hosts {
                let mine = gathered[host, default: []].filter { $0.line == line }
                if occurrence < mine.count { outputs.append((host, mine[occurrence].output)) }
            }
            if !outputs.isEmpty { result.append((line, Self.table(outputs))) }
        }
        return result
    }

    package static func table(_ outputs: [(host: String, output: String)]) -> ShowTable {
        let shapes = outputs.map { ShowTable.parse($0.output) }
        // One header shared by every host that has rows; the others answered "no rows".
        var columns: [String]?
        var mergeable = true
        var counts = true
        for shape in shapes {
            switch shape {
            case .table(let table) where !table.columns.isEmpty:
                counts = false
                if let columns, columns != table.columns { mergeable = false }
                columns = columns ?? table.columns
            case .table, .count(0):
                break
            case .count:
                mergeable = false
            case nil:
                mergeable = false
                counts = false
            }
        }
        if counts {
            var sum = 0
            let rows = zip(outputs, shapes).map { output, shape -> [String] in
                if case .count(let total) = shape { sum += total; return [output.host, String(total)] }
                return [output.host, "0"]
            }
            // The footer counts what the hosts counted, as each switch's own `N total.` does.
            return ShowTable(columns: ["host", "total"], rows: rows, total: sum)
        }
        if mergeable, let columns {
            let hostColumn = columns.contains("host") ? "fleet_host" : "host"
            var rows: [[String]] = []
            for (output, shape) in zip(outputs, shapes) {
                if case .table(let table) = shape { rows += table.rows.map { [output.host] + $0 } }
            }
            return ShowTable(columns: [hostColumn] + columns, rows: rows)
        }
        return ShowTable(columns: ["host", "output"], rows: outputs.map { [$0.host, Self.trimmed($0.output)] })
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.last == "\n" { text.removeLast() }
        return String(text)
    }

    /// The document: the tables one after the other (tables with the command above each when there
    /// are several; JSON documents one after the other, which `jq` reads as a stream).
    package func render(_ formatter: TableFormatter) -> String {
        let all = tables()
        var out = ""
        for (index, (line, table)) in all.enumerated() {
            if formatter.format == .table, all.count > 1 {
                out += (index > 0 ? "\n" : "") + formatter.style.paint("# " + line, .bold) + "\n"
            } else if formatter.format == .csv, index > 0 {
                out += "\n"
            }
            out += formatter.render(table)
        }
        return out
    }
}
