import ESLProtocol

/// Why a multi-line `/sendevent` or `/sendmsg` could not be read.
public enum EntryError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAHeader(String)
    case invalidHeaderName(String)
    case lineBreak(String)
    case badLength(String)
    /// The console asks for the body itself; a typed length would only disagree with it.
    case lengthInConsole
    case bodyCutShort(expected: Int, got: Int)
    case bodyEndsInsideLine(expected: Int)

    public var description: String {
        switch self {
        case .notAHeader(let line): return "not a header line (Name: value): '\(line.escapedForDisplay)'"
        case .invalidHeaderName(let name): return "invalid header name '\(name.escapedForDisplay)'"
        case .lineBreak(let name): return "header \(name) contains a line break; refusing to send it"
        case .badLength(let value): return "Content-Length must be a number of bytes, not '\(value.escapedForDisplay)'"
        case .lengthInConsole: return "no Content-Length here: after the empty line the console asks for the body"
        case .bodyCutShort(let expected, let got): return "the input ended after \(got) of the \(expected) body bytes (Content-Length)"
        case .bodyEndsInsideLine(let expected): return "a body of \(expected) bytes (Content-Length) ends inside a line: the rest of that line would be lost"
        }
    }
}

/// A `/sendevent <NAME>` or `/sendmsg [uuid]` being entered: its first line has been read, header lines
/// (`Name: value`) follow up to an empty line, then an optional body. The console asks for the body
/// line by line; scripts declare it with `Content-Length: N` and give exactly N bytes after the empty
/// line. Each header is one line, checked here, so a value can never carry a second command.
public struct MultiLineEntry: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case event(name: String)
        case call(uuid: String?)
    }

    public let target: Target
    public private(set) var headers: [Header] = []
    /// A script's `Content-Length`: the body's size in bytes (not kept as a header; the encoder writes it).
    public private(set) var bodyLength: Int?

    public init(_ target: Target) { self.target = target }

    /// The console's prompt while headers are typed.
    public var prompt: String {
        switch target {
        case .event: return "sendevent> "
        case .call: return "sendmsg> "
        }
    }

    /// Adds one header line. `lengthAllowed`: scripts may declare a body with Content-Length.
    public mutating func add(headerLine raw: String, lengthAllowed: Bool) throws(EntryError) {
        let line = Self.withoutCR(raw)
        guard let colon = line.firstIndex(of: ":") else { throw .notAHeader(String(line)) }
        let name = Self.trimmed(line[..<colon])
        let value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
        guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else { throw .invalidHeaderName(name) }
        if name.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) { throw .invalidHeaderName(name) }
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) { throw .lineBreak(name) }
        if name.equalsIgnoringASCIICase("Content-Length") {
            guard lengthAllowed else { throw .lengthInConsole }
            guard let length = Int(Self.trimmed(Substring(value))), length >= 0, length <= 16 * 1024 * 1024 else { throw .badLength(value) }
            bodyLength = length
            return
        }
        headers.append(Header(name, value))
    }

    /// The command to send, with `body` (nil: none).
    public func command(body: String?) -> Command {
        switch target {
        case .event(let name): return .sendevent(name: name, headers: headers, body: body)
        case .call(let uuid): return .sendmsg(uuid: uuid, CallCommand(headers: headers, body: body))
        }
    }

    /// The console's body: the lines typed, each ending with a line feed; none at all is no body.
    public static func body(lines: [String]) -> String? {
        lines.isEmpty ? nil : lines.map { $0 + "\n" }.joined()
    }

    /// Reads the rest of the entry from a script's lines: headers up to an empty line (or the end),
    /// then, when a Content-Length was given, exactly that many bytes, each line counting its bytes and
    /// its line feed. The body must end at the end of a line; that last line feed separates it from the
    /// next command unless the length counts it.
    public mutating func readScript(from lines: inout some IteratorProtocol<String>) throws(EntryError) -> Command {
        while let line = lines.next() {
            if Self.withoutCR(line).isEmpty { break }
            try add(headerLine: line, lengthAllowed: true)
        }
        guard let length = bodyLength else { return command(body: nil) }
        var body: [UInt8] = []
        while body.count < length {
            guard let next = lines.next() else { throw .bodyCutShort(expected: length, got: body.count) }
            let line = Self.withoutCR(next)
            body += line.utf8
            if body.count > length { throw .bodyEndsInsideLine(expected: length) }
            if body.count < length { body.append(0x0A) }
        }
        return command(body: String(decoding: body, as: UTF8.self))
    }

    /// A CRLF file's line without its CR (by scalars: Swift counts "\r\n" as one character).
    static func withoutCR(_ line: String) -> Substring {
        var scalars = Substring(line).unicodeScalars
        if scalars.last == "\r" { scalars.removeLast() }
        return Substring(scalars)
    }

    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
