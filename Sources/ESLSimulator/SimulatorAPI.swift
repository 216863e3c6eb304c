import ESLProtocol

/// The simulator's API commands: output formats as FreeSWITCH's mod_commands writes them.
struct SimulatorAPI {
    let simulator: Simulator

    static let versionNumber = "1.11.3-dev+git~20260821T141014Z~cc93a683ca~64bit"
    static let version = "FreeSWITCH Version \(versionNumber) (git cc93a68 2026-08-21 14:10:14Z 64bit)\n"

    /// Runs one API command line and returns its output (errors are output too, as in FreeSWITCH).
    func run(_ line: String) -> String {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts.first?.lowercasedASCII ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingSpaces : ""
        if let answer = simulator.busy?.answer(name, argument) { return answer }
        switch name {
        case "status": return status()
        case "version": return argument == "short" ? "1.11.3\n" : Self.version
        case "hostname", "switchname": return simulator.configuration.hostname
        case "global_getvar": return argument == "hostname" || argument == "switchname" ? simulator.configuration.hostname : ""
        case "show": return show(argument)
        case "help": return ShowAPI.text
        // The switch parses console_complete's argument itself: its spaces and `c=<cursor>;` matter.
        case "console_complete": return ConsoleComplete(argument: rawArgument(line), uuids: simulator.calls.flatMap { [$0.uuid, $0.otherUUID] }).text
        case "console_complete_xml": return ConsoleComplete(argument: rawArgument(line), uuids: simulator.calls.flatMap { [$0.uuid, $0.otherUUID] }).xml
        case "eval": return eval(argument)
        case "echo": return argument
        case "create_uuid": return UUIDText.random()
        case "originate": return originate(argument)
        case "uuid_kill": return kill(argument)
        case "uuid_dump": return dump(argument)
        case "uuid_broadcast": return broadcast(argument)
        case "hupall": return hupall(argument)
        case "uuid_getvar":
            let parts = argument.split(separator: " ").map(String.init)
            guard let uuid = parts.first, let call = simulator.call(uuid) else { return "-ERR No such channel!\n" }
            guard parts.count > 1 else { return "-USAGE: <uuid> <var>\n" }
            let value = call.variable(parts[1])
            return value.isEmpty ? "_undef_" : value
        case "uuid_exists": return simulator.call(argument) != nil ? "true" : "false"
        case "reloadxml": return "+OK [Success]\n"
        case "msleep":
            Background.sleep(.milliseconds(Int(argument) ?? 0))
            return "+OK\n"
        case "fsctl": return "+OK\n"
        case "uptime": return String(Uptime(since: simulator.started).milliseconds / 1000)
        case "sofia": return sofia(argument)
        case "console", "log": return "+OK\n"
        case "": return "-ERR no reply\n"
        default: return "-ERR \(parts[0]) Command not found!\n"
        }
    }

    /// The text after the command name and its one separating space, spaces kept.
    private func rawArgument(_ line: String) -> String {
        guard let space = line.firstIndex(of: " ") else { return "" }
        return String(line[line.index(after: space)...])
    }

    /// Outside a call every `${variable}` expands to nothing; an empty result is "no reply".
    private func eval(_ argument: String) -> String {
        var out = ""
        var rest = Substring(argument)
        while let open = rest.firstRange(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            out += rest[..<open.lowerBound]
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out.isEmpty ? "-ERR no reply\n" : out
    }

    private func status() -> String {
        let calls = simulator.calls.count * 2
        let total = simulator.sessionsSinceStartup
        return """
            UP \(Uptime(since: simulator.started).text)
            FreeSWITCH (Version 1.11.3-dev git cc93a68 2026-08-21 14:10:14Z 64bit) is ready
            \(total) session(s) since startup
            \(calls) session(s) - peak \(calls), last 5min \(calls) \("")
            \(simulator.sessionsPerSecond) session(s) per Sec out of max 30, peak 0, last 5min 0 \("")
            1000 session(s) max
            min idle cpu 0.00/97.50
            Current Stack Size/Max 240K/8192K

            """
    }

    private func originate(_ argument: String) -> String {
        // `loopback/9196/default &park`, `sofia/internal/1000 9196`: the destination is the URL's second part.
        let url = argument.split(separator: " ").first.map(String.init) ?? ""
        let pieces = url.split(separator: "/")
        guard pieces.count >= 2 else { return "-ERR INVALID_URL\n" }
        // As the call-control-replies capture: an unknown endpoint type is not implemented; the vanilla
        // dialplan routes numbers only, and a loopback call nothing answers clears normally.
        guard Self.endpoints.contains(String(pieces[0]).lowercasedASCII) else { return "-ERR CHAN_NOT_IMPLEMENTED\n" }
        guard pieces[1].allSatisfy(\.isNumber) else { return "-ERR NORMAL_CLEARING\n" }
        // `&socket(127.0.0.1:8084 async full)`: the call connects to an outbound listener.
        var socket: String?
        if let open = argument.firstRange(of: "&socket(") {
            socket = argument[open.upperBound...].split(whereSeparator: { $0 == " " || $0 == ")" }).first.map(String.init)
        }
        return "+OK \(simulator.originate(destination: String(pieces[1]), socket: socket))\n"
    }

    private func kill(_ argument: String) -> String {
        let parts = argument.split(separator: " ").map(String.init)
        guard let uuid = parts.first, let call = simulator.call(uuid) else { return "-ERR No such channel!\n" }
        call.hangup(cause: parts.count > 1 ? parts[1] : "NORMAL_CLEARING")
        return "+OK\n"
    }

    static let endpoints: Set = ["loopback", "sofia", "user", "null", "error", "group", "verto"]

    /// `hupall [cause [variable value]]`: with a variable, only the calls whose variable has that value.
    private func hupall(_ argument: String) -> String {
        let words = argument.split(separator: " ").map(String.init)
        let cause = words.first ?? "NORMAL_CLEARING"
        // `hupall CAUSE VARIABLE VALUE`: only the calls whose variable has that value, answered as the
        // call-control-replies capture shows.
        if words.count >= 3 {
            for call in simulator.calls where call.variable(words[1]) == words[2]
                || (words[1] == "destination_number" && call.destination == words[2]) {
                call.hangup(cause: cause)
            }
            return "+OK hangup all channels matching [\(words[1])]=[\(words[2])] with cause: \(cause)\n"
        }
        for call in simulator.calls { call.hangup(cause: cause) }
        return "+OK hangup all channels with cause \(cause)\n"
    }

    /// `uuid_dump <uuid>`: the channel as a plain CHANNEL_DATA event body.
    private func dump(_ argument: String) -> String {
        guard let uuid = argument.split(separator: " ").first, let call = simulator.call(String(uuid)) else { return "-ERR No such channel!\n" }
        var event = call.channelData()
        for header in simulator.coreHeaders(name: "CHANNEL_DATA", file: "mod_commands.c", function: "uuid_dump_function", line: 6495)
        where header.name.hasPrefix("Event-Calling") {
            event.headers.set(header.name, header.value)
        }
        return String(decoding: event.encoded(as: .plain), as: UTF8.self)
    }

    private func broadcast(_ argument: String) -> String {
        guard let uuid = argument.split(separator: " ").first, simulator.call(String(uuid)) != nil else { return "-ERR No such channel!\n" }
        return "+OK Message sent\n"
    }

    private func sofia(_ argument: String) -> String {
        let rule = String(repeating: "=", count: 95)
        return """
                                 Name\t   Type\t                                      Data\tState
            \(rule)
                             internal\tprofile\t          sip:mod_sofia@127.0.0.1:5060\tRUNNING (0)
            \(rule)
            1 profile 0 aliases

            """ + (argument.isEmpty ? "" : "")
    }

    // MARK: show

    private static let channelColumns = "uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,application,application_data,dialplan,context,read_codec,read_rate,read_bit_rate,write_codec,write_rate,write_bit_rate,secure,hostname,presence_id,presence_data,accountcode,callstate,callee_name,callee_num,callee_direction,call_uuid,sent_callee_name,sent_callee_num,initial_cid_name,initial_cid_num,initial_ip_addr,initial_dest,initial_dialplan,initial_context"

    private func show(_ argument: String) -> String {
        var words = argument.split(separator: " ").map { String($0).lowercasedASCII }
        var format = "plain"
        if words.count >= 2, words[words.count - 2] == "as" {
            format = words.removeLast()
            words.removeLast()
        }
        switch words.first {
        case "api": return ShowAPI.text
        case "application": return table(ShowApplication.columns, ShowApplication.rows, format: format)
        case "modules": return table("type,name,ikey,filename", Self.moduleRows, format: format)
        case "channels":
            if words.dropFirst().first == "count" { return "\n\(simulator.calls.count * 2) total.\n" }
            // `like X`: mod_commands' query matches X anywhere in these columns (SQL LIKE, ASCII case-insensitive).
            if words.dropFirst().first == "like", let match = argument.split(separator: " ").dropFirst(2).first {
                let needle = String(match).lowercasedASCII
                let columns = Self.channelColumns.split(separator: ",")
                let searched = ["uuid", "name", "cid_name", "cid_num", "presence_id", "presence_data", "accountcode"]
                    .compactMap { name in columns.firstIndex { $0 == name } }
                let rows = channelRows().filter { row in searched.contains { row[$0].lowercasedASCII.contains(needle) } }
                return table(Self.channelColumns, rows, format: format)
            }
            return table(Self.channelColumns, channelRows(), format: format)
        case "calls":
            if words.dropFirst().first == "count" { return "\n\(simulator.calls.count) total.\n" }
            return table(Self.callColumns, callRows(), format: format)
        case nil: return "-USAGE: codec|endpoint|application|api|file|timer|calls [count]|channels [count|like <match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|status\n"
        default: return table("name", [], format: format)
        }
    }

    /// `show modules`: the interfaces of `show api` and `show application`, each with its module's file.
    private static let moduleRows: [[String]] = {
        let apis = ShowAPI.text.split(separator: "\n").dropFirst().compactMap { line -> [String]? in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count >= 4, let ikey = cells.last else { return nil }
            return ["api", String(cells[0]), String(ikey), "/usr/local/freeswitch/mod/\(ikey).so"]
        }
        let applications = ShowApplication.rows.compactMap { row -> [String]? in
            guard let name = row.first, let ikey = row.last else { return nil }
            return ["application", name, ikey, "/usr/local/freeswitch/mod/\(ikey).so"]
        }
        return apis + applications
    }()

    private static let callColumns = "uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,presence_id,presence_data,accountcode,callstate,callee_name,callee_num,callee_direction,call_uuid,hostname,sent_callee_name,sent_callee_num,b_uuid,b_direction,b_created,b_created_epoch,b_name,b_state,b_cid_name,b_cid_num,b_ip_addr,b_dest,b_presence_id,b_presence_data,b_accountcode,b_callstate,b_callee_name,b_callee_num,b_callee_direction,b_sent_callee_name,b_sent_callee_num,call_created_epoch"

    /// `show calls`: the two loopback legs are not bridged to each other, so each is a call of its own
    /// (as the call-control-replies capture shows) with empty `b_` columns.
    private func callRows() -> [[String]] {
        let channelNames = Self.channelColumns.split(separator: ",").map(String.init)
        return channelRows().map { row in
            let cells = Dictionary(uniqueKeysWithValues: zip(channelNames, row))
            return Self.callColumns.split(separator: ",").map { cells[String($0)] ?? "" }
        }
    }

    private func channelRows() -> [[String]] {
        simulator.calls.flatMap { call -> [[String]] in
            let app = call.application
            let host = simulator.configuration.hostname
            // The A leg runs what originate gave it; the B leg the dialplan's extension (9196 echoes). Only
            // the A leg names the call and its callee's direction, as in the call-control-replies capture.
            let legs: [(String, String, String, (String, String), String, String)] = [(call.uuid, "a", "outbound", (app.name, app.data), "RECV", call.uuid),
                        (call.otherUUID, "b", "inbound", (call.destination == "9196" ? "echo" : "", ""), "", "")]
            return legs.map { uuid, leg, direction, app, calleeDirection, callUUID in
                [uuid, direction, EventDateStamps.local(epoch: call.createdEpoch), String(call.createdEpoch), "loopback/\(call.destination)-\(leg)",
                 "CS_EXECUTE", call.variable("caller_id_name"), call.variable("caller_id_number"), "", call.destination, app.0, app.1, "xml", "default",
                 "L16", "8000", "128000", "L16", "8000", "128000", "", host, "", "", "", "ACTIVE", "Outbound Call",
                 call.destination, calleeDirection, callUUID, "", "", "Outbound Call", "0000000000", "", call.destination, "xml", "default"]
            }
        }
    }

    private func table(_ header: String, _ rows: [[String]], format: String) -> String {
        let columns = header.split(separator: ",").map(String.init)
        switch format {
        case "json":
            if rows.isEmpty { return "{\"row_count\": 0}\n" }
            let objects = rows.map { row in
                "{" + zip(columns, row).map { "\"\($0)\":\"\(jsonEscaped($1))\"" }.joined(separator: ",") + "}"
            }
            return "{\"row_count\":\(rows.count),\"rows\":[\(objects.joined(separator: ","))]}\n"
        case "xml":
            if rows.isEmpty { return "<result row_count=\"0\"/>\n" }
            var out = "<result row_count=\"\(rows.count)\">\n"
            for (index, row) in rows.enumerated() {
                out += "  <row row_id=\"\(index + 1)\">\n"
                for (column, value) in zip(columns, row) {
                    out += "    <\(column)>\(XMLText.escaped(value))</\(column)>\n"
                }
                out += "  </row>\n"
            }
            return out + "</result>\n"
        default:
            if rows.isEmpty { return "\n0 total.\n" }
            return header + "\n" + rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n\n\(rows.count) total.\n"
        }
    }

    private func jsonEscaped(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    }
}

/// `console_complete` as switch_console.c answers it (reference 1.14): candidates for the word under the cursor.
struct ConsoleComplete {
    var stem = ""
    var candidates: [String] = []

    static let apiNames: [String] = ShowAPI.text.split(separator: "\n").dropFirst().compactMap { line in
        line.contains(",") ? String(line.prefix { $0 != "," }) : nil
    }

    static let showWords = ["aliases", "api", "application", "bridged_calls", "calls", "channels", "chat", "codec",
                            "complete", "detailed_bridged_calls", "detailed_calls", "endpoint", "file", "interface_types",
                            "interfaces", "limits", "management", "modules", "nat_map", "registrations", "say", "status",
                            "tasks", "timer"]

    /// API commands whose first argument the vanilla complete table fills from `::console::list_uuid`.
    static let uuidCommands: Set<String> = ["uuid_kill", "uuid_exists", "uuid_dump", "uuid_getvar", "uuid_setvar",
                                            "uuid_transfer", "uuid_break", "uuid_bridge", "uuid_broadcast", "uuid_hold",
                                            "uuid_park", "uuid_record", "uuid_answer", "uuid_display", "uuid_debug_media"]

    /// `argument` as the client sent it: `[c=<cursor>;]<line>`; `uuids` the live channels.
    init(argument: String, uuids: [String] = []) {
        var text = Substring(argument.isEmpty ? " " : argument)
        // `c=` anywhere: the number after it is the cursor, the line starts after the next `;`.
        if let marker = text.firstRange(of: "c=") {
            let cursor = Int(text[marker.upperBound...].prefix { $0.isNumber }) ?? 0
            if let semicolon = text[marker.upperBound...].firstIndex(of: ";") {
                text = text[text.index(after: semicolon)...]
                // The cursor counts bytes (a cut inside a character rounds down to its start).
                if cursor > 0, cursor < text.utf8.count { text = text[..<text.utf8.index(text.startIndex, offsetBy: cursor)] }
            }
        }
        text = text.prefix { $0 != "\r" && $0 != "\n" }
        text = text.drop { $0 == " " }
        // Several trailing spaces count as one.
        while text.hasSuffix("  ") { text.removeLast() }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        stem = String(words.last ?? "")
        let pool: [String]
        if words.count <= 1 {
            pool = Self.apiNames
        } else if words.count == 2, words[0] == "show" {
            pool = Self.showWords
        } else if words.count == 2, Self.uuidCommands.contains(String(words[0])) {
            pool = uuids
        } else {
            pool = []
        }
        candidates = pool.filter { $0.hasPrefix(stem) }.sorted()
    }

    /// What to insert: the unique match plus a space, or the common prefix of several.
    var write: String? {
        guard let first = candidates.first else { return nil }
        if candidates.count == 1 { return first + " " }
        var prefix = first
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix.isEmpty ? nil : prefix
    }

    var text: String {
        var out = "\n\n"
        for (index, candidate) in candidates.enumerated() {
            out += "[" + String(repeating: " ", count: max(0, 20 - candidate.count)) + candidate + "]\t"
            if index % 4 == 3 { out += "\n" }
        }
        out += "\n\n"
        if let write { out += "write=\(stem.utf8.count):\(write)" }
        return out
    }

    var xml: String {
        var out = "<?xml version=\"1.0\"?>\n<complete>\n"
        for candidate in candidates { out += "  <match>\(candidate)</match>\n" }
        let common = candidates.count == 1 ? candidates[0] : (write ?? "")
        out += "  <write length=\"\(stem.utf8.count)\">\(common)</write>\n</complete>\n"
        return out
    }
}
