/// A frame understood: what the server meant by it.
public enum Message: Sendable, Equatable {
    /// `auth/request`: the server waits for `auth` or `userauth`.
    case authRequest
    /// `command/reply`: the answer to one command.
    case reply(Reply)
    /// `api/response`: the output of an `api` command.
    case apiResponse(APIResponse)
    /// `text/event-plain|json|xml`, decoded.
    case event(Event, format: EventFormat)
    /// `log/data`.
    case log(LogLine)
    /// `text/disconnect-notice`: the server is closing (or lingering).
    case disconnect(DisconnectNotice)
    /// `text/rude-rejection`: refused by the server's ACL; the text says why.
    case rudeRejection(String)
    /// An event frame whose body could not be parsed; kept whole with the reason.
    case malformed(Frame, reason: String)
    /// A Content-Type this client does not know, kept whole.
    case raw(Frame)
    /// Plain events passed on undecoded, for a consumer that prints them as received (`--format
    /// plain`); only made when the connection is asked to (`ConnectOptions.plainEventRuns`).
    case plainEvents(PlainEventRun)

    /// Classifies a frame. Never fails: what cannot be understood is kept as `.raw` or `.malformed`.
    public init(frame: Frame) { self.init(frame: frame, indexing: .atOnce) }

    /// `indexing`: when a plain event's header lines are found (see `HeaderIndexing`).
    public init(frame: Frame, indexing: HeaderIndexing) {
        guard let type = frame.contentType?.lowercasedASCII else {
            self = .raw(frame)
            return
        }
        switch type {
        case "auth/request":
            self = .authRequest
        case "command/reply":
            self = .reply(Reply(headers: frame.headers))
        case "api/response":
            self = .apiResponse(APIResponse(body: frame.body))
        case "log/data":
            self = .log(LogLine(frame: frame))
        case "text/disconnect-notice":
            self = .disconnect(DisconnectNotice(frame: frame))
        case "text/rude-rejection":
            self = .rudeRejection(frame.bodyText)
        default:
            if let format = EventFormat(contentType: type) {
                do throws(DecodeError) {
                    self = .event(try Event.decode(frame.body, format: format, indexing: indexing), format: format)
                } catch {
                    self = .malformed(frame, reason: error.description)
                }
            } else {
                self = .raw(frame)
            }
        }
    }

    /// A plain event's body from `FrameDecoder.nextPlainEventBody`: what `init(frame:indexing:)` makes of
    /// `Frame.plainEvent(body:)`, without the frame's headers unless it is malformed.
    public init(plainEventBody body: [UInt8], indexing: HeaderIndexing) {
        do throws(DecodeError) {
            self = .event(try Event.decode(body, format: .plain, indexing: indexing), format: .plain)
        } catch {
            self = .malformed(Frame.plainEvent(body: body), reason: error.description)
        }
    }
}

extension Message {
    /// The `Job-UUID` of a plain BACKGROUND_JOB that could not be decoded (its inner `Content-Length`
    /// lies), read from its header block: the job then learns that its result was malformed instead of
    /// waiting for one that will never come.
    public var malformedJobUUID: String? {
        guard case .malformed(let frame, _) = self, frame.contentType?.lowercasedASCII == "text/event-plain" else { return nil }
        let headers = Headers(table: HeaderTable.plainEvent(bytes: frame.body).0)
        guard headers["Event-Name"] == "BACKGROUND_JOB" else { return nil }
        return headers["Job-UUID"]
    }
}

/// `command/reply`: `Reply-Text` plus any extra headers (`Job-UUID`, userauth's `Allowed-*`).
public struct Reply: Sendable, Equatable {
    public var headers: Headers

    public init(headers: Headers) {
        // The outbound `connect` reply is a whole CHANNEL_DATA event serialised into the header block,
        // with URL-encoded values (`Reply-Text: %2BOK%0A`). Other replies are never encoded, and
        // decoding them would corrupt a literal `%41` in, say, a filter echo.
        if headers.contains("Event-Name") {
            var decoded: [Header] = []
            for header in headers { PercentCoding.appendSplittingArray(name: header.name, value: PercentCoding.decode(header.value), to: &decoded) }
            self.headers = Headers(decoded)
        } else {
            self.headers = headers
        }
    }

    public init(text: String, headers extra: [Header] = []) {
        self.headers = Headers([Header("Content-Type", "command/reply"), Header("Reply-Text", text)] + extra)
    }

    /// The reply text without a trailing newline (the connect reply's is `+OK\n`).
    public var text: String {
        var text = headers["Reply-Text"] ?? ""
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }

    public var isOK: Bool { text.hasPrefix("+OK") }
    public var isError: Bool { text.hasPrefix("-ERR") }
    public var jobUUID: String? { headers["Job-UUID"] }

    /// The channel described by an outbound `connect` reply.
    public var channelData: Event? {
        headers.contains("Event-Name") ? Event(headers: headers) : nil
    }
}

/// `api/response`: the command's output, verbatim.
public struct APIResponse: Sendable, Equatable {
    public var body: [UInt8]

    public init(body: [UInt8]) { self.body = body }
    public init(text: String) { self.body = Array(text.utf8) }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// FreeSWITCH reports API failures in the body (`-ERR foo Command not found!`, `-ERR no reply`).
    public var isError: Bool { body.starts(with: "-ERR".utf8) }
}

/// `log/data`: one log line and where it came from.
public struct LogLine: Sendable, Equatable {
    /// 0 CONSOLE … 7 DEBUG.
    public var level: Int
    /// 0 LOG, 1 LOG_CLEAN, 2 EVENT, 3 SESSION.
    public var textChannel: Int
    public var file: String
    public var function: String
    public var line: Int
    /// The call's UUID for session logs, else empty.
    public var userData: String
    public var text: String

    public init(level: Int, textChannel: Int = 0, file: String = "", function: String = "", line: Int = 0, userData: String = "", text: String) {
        self.level = level
        self.textChannel = textChannel
        self.file = file
        self.function = function
        self.line = line
        self.userData = userData
        self.text = text
    }

    init(frame: Frame) {
        let headers = frame.headers
        self.init(
            level: headers["Log-Level"].flatMap { Int($0) } ?? 0,
            textChannel: headers["Text-Channel"].flatMap { Int($0) } ?? 0,
            file: headers["Log-File"] ?? "",
            function: headers["Log-Func"] ?? "",
            line: headers["Log-Line"].flatMap { Int($0) } ?? 0,
            userData: headers["User-Data"] ?? "",
            text: frame.bodyText
        )
    }

    public static let levelNames = ["CONSOLE", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"]

    public var levelName: String {
        Self.levelNames.indices.contains(level) ? Self.levelNames[level] : String(level)
    }

    /// The frame FreeSWITCH sends for this line (header order as the server writes it).
    public var frame: Frame {
        let body = Array(text.utf8)
        return Frame(headers: [
            "Content-Type": "log/data", "Content-Length": String(body.count), "Log-Level": String(level),
            "Text-Channel": String(textChannel), "Log-File": file, "Log-Func": function,
            "Log-Line": String(line), "User-Data": userData,
        ], body: body)
    }
}

/// `text/disconnect-notice`.
public struct DisconnectNotice: Sendable, Equatable {
    public enum Disposition: String, Sendable {
        /// The server keeps sending the call's remaining events for `Linger-Time` seconds, then closes.
        case linger
        /// The server closes now.
        case disconnect
    }

    public var headers: Headers
    public var text: String

    public init(headers: Headers, text: String) {
        self.headers = headers
        self.text = text
    }

    init(frame: Frame) { self.init(headers: frame.headers, text: frame.bodyText) }

    public var disposition: Disposition? { headers["Content-Disposition"].flatMap { Disposition(rawValue: $0.lowercasedASCII) } }
    public var lingerSeconds: Int? { headers["Linger-Time"].flatMap { Int($0) } }
    /// How long a lingering server said it goes on: `Linger-Time`, within 0 s…1 day (the peer is
    /// untrusted: an absurd value must not overflow a deadline). Nil for a notice that is not a linger
    /// notice or gives no time (`linger` without one lingers until the call's events are sent).
    public var lingerTime: Duration? {
        guard disposition == .linger, let seconds = lingerSeconds else { return nil }
        return .seconds(min(max(seconds, 0), 86_400))
    }
    public var sessionUUID: String? { headers["Controlled-Session-UUID"] }
    /// The notice's first line, for a one-line report of why the connection ended: the peer's text, so
    /// quoted as error messages quote (control characters escaped, bounded in length).
    public var summary: String {
        if let line = text.trimmingLineBreaks.split(separator: "\n").first { return String(line).escapedForDisplay }
        // A linger notice has no text; it becomes the reason only when its time is over.
        if disposition == .linger { return "the call ended; its linger time (\(lingerSeconds.map { "\($0) s" } ?? "none given")) is over" }
        return "disconnect notice"
    }

    /// The server's standard goodbye.
    public static let goodbyeText = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
}
