/// Why a command could not be encoded. Encoding refuses rather than sends something the server would
/// read differently from what the user meant.
public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A single-line field contains CR or LF: sent as is, it would smuggle a second command.
    case lineBreak(field: String)
    /// A field contains a NUL byte: the server reads its commands as C strings, so it would act on
    /// the text before the NUL and drop the rest without a word.
    case nulByte(field: String)
    /// A header name is empty or contains a colon.
    case invalidHeaderName(String)
    /// A required argument is missing.
    case missing(String)
    /// The line has the wrong shape (the text says what it should be).
    case usage(String)

    public var description: String {
        switch self {
        case .lineBreak(let field): return "\(field) contains a line break; refusing to send it"
        case .nulByte(let field): return "\(field) contains a NUL byte; refusing to send it"
        case .invalidHeaderName(let name): return "invalid header name '\(name.escapedForDisplay)'"
        case .missing(let what): return "missing \(what)"
        case .usage(let text): return text
        }
    }
}

/// Which filters `filter delete` removes.
public enum FilterDeletion: Sendable, Equatable {
    /// One header/value pair.
    case value(header: String, value: String)
    /// Every value of one header.
    case header(String)
    /// Every filter.
    case all
}

/// Every command of the inbound and outbound protocol, as typed values.
public enum Command: Sendable, Equatable {
    case auth(password: String)
    case userauth(user: String, password: String)
    /// `api <command>`; `consoleExecute` adds `console_execute: true` (`;;` chains, console aliases).
    case api(String, consoleExecute: Bool = false)
    case bgapi(String, jobUUID: String? = nil)
    /// `event [format] <names…>`; names may include `ALL`, and subclasses after `CUSTOM`. Without a
    /// format the line has none (the switch then keeps plain).
    case event(EventFormat?, [String])
    /// `myevents <uuid> [format]` inbound, or bare `myevents [format]` in an outbound session.
    case myevents(uuid: String?, format: EventFormat? = nil)
    case divertEvents(Bool)
    case filter(header: String, value: String)
    case filterDelete(FilterDeletion)
    case nixevent([String])
    case noevents
    /// `log [level]`: a level word (`debug`, `info`…) or number; nil lets the server choose DEBUG.
    case log(String?)
    case nolog
    case linger(seconds: Int?)
    case nolinger
    case sendevent(name: String, headers: [Header] = [], body: String? = nil)
    case sendmsg(uuid: String?, CallCommand)
    case exit
    case resume
    case connect
    case getvar(String)
    /// Any other command line, with optional headers and body.
    case raw(String, headers: [Header] = [], body: String? = nil)

    /// The exact bytes to write: the command line, header lines, a blank line, then any body.
    public func encode() throws(CommandError) -> [UInt8] {
        var writer = CommandWriter()
        switch self {
        case .auth(let password):
            try writer.line("auth", password, field: "password")
        case .userauth(let user, let password):
            try writer.line("userauth", "\(user):\(password)", field: "user or password")
        case .api(let command, let consoleExecute):
            try writer.line("api", try nonEmpty(command, "API command"), field: "API command")
            if consoleExecute { try writer.header("console_execute", "true") }
        case .bgapi(let command, let jobUUID):
            try writer.line("bgapi", try nonEmpty(command, "API command"), field: "API command")
            if let jobUUID { try writer.header("Job-UUID", jobUUID) }
        case .event(let format, let names):
            try writer.line("event", ([format?.rawValue].compactMap { $0 } + (try words(names, "event names"))).joined(separator: " "), field: "event names")
        case .myevents(let uuid, let format):
            let words = [uuid, format?.rawValue].compactMap { $0 }
            try writer.line("myevents", words.joined(separator: " "), field: "uuid")
        case .divertEvents(let on):
            try writer.line("divert_events", on ? "on" : "off", field: "")
        case .filter(let header, let value):
            try writer.line("filter", "\(try nonEmpty(header, "filter header")) \(try nonEmpty(value, "filter value"))", field: "filter")
        case .filterDelete(let what):
            let argument: String
            switch what {
            case .value(let header, let value): argument = "\(try nonEmpty(header, "filter header")) \(value)"
            case .header(let header): argument = try nonEmpty(header, "filter header")
            case .all: argument = "all"
            }
            try writer.line("filter delete", argument, field: "filter")
        case .nixevent(let names):
            try writer.line("nixevent", (try words(names, "event names")).joined(separator: " "), field: "event names")
        case .noevents:
            try writer.line("noevents", "", field: "")
        case .log(let level):
            try writer.line("log", level ?? "", field: "log level")
        case .nolog:
            try writer.line("nolog", "", field: "")
        case .linger(let seconds):
            try writer.line("linger", seconds.map(String.init) ?? "", field: "")
        case .nolinger:
            try writer.line("nolinger", "", field: "")
        case .sendevent(let name, let headers, let body):
            try writer.line("sendevent", try nonEmpty(name, "event name"), field: "event name")
            for header in headers { try writer.header(header.name, header.value) }
            writer.body(body)
        case .sendmsg(let uuid, let call):
            try writer.line("sendmsg", uuid ?? "", field: "uuid")
            for header in call.headers { try writer.header(header.name, header.value) }
            writer.body(call.body)
        case .exit:
            try writer.line("exit", "", field: "")
        case .resume:
            try writer.line("resume", "", field: "")
        case .connect:
            try writer.line("connect", "", field: "")
        case .getvar(let name):
            try writer.line("getvar", try nonEmpty(name, "variable name"), field: "variable name")
        case .raw(let line, let headers, let body):
            try writer.line(try nonEmpty(line, "command"), "", field: "command")
            for header in headers { try writer.header(header.name, header.value) }
            writer.body(body)
        }
        return writer.finish()
    }

    /// The command line alone, with secrets masked: safe for traces and error messages.
    public var redactedLine: String {
        switch self {
        case .auth: return "auth ********"
        case .userauth(let user, _): return "userauth \(user):********"
        default:
            guard let bytes = try? encode() else { return "(unencodable command)" }
            let line = bytes.prefix { $0 != 0x0A }
            return String(decoding: line, as: UTF8.self)
        }
    }

    /// Refuses text with CR or LF for a field that is sent as one line.
    public static func requireSingleLine(_ text: String, field: String) throws(CommandError) {
        try CommandWriter.checkSingleLine(text, field: field)
    }

    private func nonEmpty(_ text: String, _ what: String) throws(CommandError) -> String {
        guard text.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { throw .missing(what) }
        return text
    }

    private func words(_ list: [String], _ what: String) throws(CommandError) -> [String] {
        let kept = list.filter { !$0.isEmpty }
        guard !kept.isEmpty else { throw .missing(what) }
        return kept
    }
}

/// Builds a command's bytes, refusing line breaks in every single-line field.
struct CommandWriter {
    private var out: [UInt8] = []
    private var hasBody = false

    mutating func line(_ keyword: String, _ argument: String, field: String) throws(CommandError) {
        try Self.checkSingleLine(keyword, field: "command")
        try Self.checkSingleLine(argument, field: field.isEmpty ? keyword : field)
        out.append(contentsOf: keyword.utf8)
        if !argument.isEmpty {
            out.append(0x20)
            out.append(contentsOf: argument.utf8)
        }
        out.append(0x0A)
    }

    mutating func header(_ name: String, _ value: String) throws(CommandError) {
        guard !name.isEmpty, !name.utf8.contains(0x3A), !name.utf8.contains(0x20) else { throw .invalidHeaderName(name) }
        try Self.checkSingleLine(name, field: "header name")
        try Self.checkSingleLine(value, field: "header \(name)")
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(0x0A)
    }

    /// A body is framed by its length, so it may hold any bytes, line breaks included.
    mutating func body(_ text: String?) {
        guard let text else { return }
        let bytes = Array(text.utf8)
        out.append(contentsOf: "Content-Length: \(bytes.count)\n\n".utf8)
        out.append(contentsOf: bytes)
        hasBody = true
    }

    func finish() -> [UInt8] {
        hasBody ? out : out + [0x0A]
    }

    static func checkSingleLine(_ text: String, field: String) throws(CommandError) {
        if text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) { throw .lineBreak(field: field) }
        if text.utf8.contains(0) { throw .nulByte(field: field) }
    }
}
