/// The three encodings FreeSWITCH can send events in (`event plain|json|xml …`).
public enum EventFormat: String, Sendable, CaseIterable {
    case plain, json, xml

    /// The frame Content-Type that carries events in this format.
    public var contentType: String { "text/event-\(rawValue)" }

    public init?(contentType: String) {
        switch contentType.lowercasedASCII {
        case "text/event-plain": self = .plain
        case "text/event-json": self = .json
        case "text/event-xml": self = .xml
        default: return nil
        }
    }
}

/// One FreeSWITCH event, whatever format it arrived in: ordered headers (multi-values as repeats) and
/// an optional body. The `Content-Length` that only described the body is not kept as a header, so the
/// three formats decode to the same model.
public struct Event: Sendable, Equatable {
    public var headers: Headers { didSet { plainSource = nil } }
    public var body: String? { didSet { plainSource = nil } }
    /// The plain body this event was decoded from, while unchanged: re-encoding it as plain is then a
    /// copy, and exactly what the switch sent.
    private var plainSource: [UInt8]?
    /// For `footprint`.
    var plainSourceCount: Int { plainSource?.count ?? 0 }

    public init(headers: Headers, body: String? = nil) {
        self.headers = headers
        self.body = body
    }

    init(headers: Headers, body: String?, plainSource: [UInt8]) {
        self.headers = headers
        self.body = body
        self.plainSource = plainSource
    }

    public static func == (lhs: Event, rhs: Event) -> Bool {
        lhs.headers == rhs.headers && lhs.body == rhs.body
    }

    public init(name: String, subclass: String? = nil, headers extra: [Header] = [], body: String? = nil) {
        var headers = Headers([Header("Event-Name", name)])
        if let subclass { headers.append("Event-Subclass", subclass) }
        for header in extra { headers.append(header) }
        self.init(headers: headers, body: body)
    }

    public var name: String { headers["Event-Name"] ?? "" }
    public var subclass: String? { headers["Event-Subclass"] }
    public var uniqueID: String? { headers["Unique-ID"] }
    public var jobUUID: String? { headers["Job-UUID"] }
    public var sequence: Int? { headers["Event-Sequence"].flatMap { Int($0) } }

    public subscript(name: String) -> String? { headers[name] }

    /// Decodes an event frame's body in the given format.
    public static func decode(_ body: [UInt8], format: EventFormat, indexing: HeaderIndexing = .atOnce) throws(DecodeError) -> Event {
        switch format {
        case .plain: return try PlainEventCodec.decode(body, indexing: indexing)
        case .json: return try JSONEventCodec.decode(body)
        case .xml: return try XMLEventCodec.decode(body)
        }
    }

    /// The event serialised as FreeSWITCH writes it in the given format (the body of an event frame).
    public func encoded(as format: EventFormat) -> [UInt8] {
        switch format {
        case .plain: return plainSource ?? PlainEventCodec.encode(self)
        case .json: return JSONEventCodec.encode(self)
        case .xml: return XMLEventCodec.encode(self)
        }
    }

    /// The XML form with eslsh's own elements first in `<headers>` (a fleet's `<host>`).
    public func encodedXML(leading elements: [(name: String, text: String)]) -> [UInt8] {
        XMLEventCodec.encode(self, leading: elements)
    }

    /// `encoded(as:)` appended to `out`, without intermediate copies where it can: a plain event is the
    /// bytes that were received, and JSON is written from them (the event stream's hot path).
    public func append(as format: EventFormat, to out: inout [UInt8]) {
        switch format {
        case .plain: out.append(contentsOf: plainSource ?? PlainEventCodec.encode(self))
        case .json: JSONEventCodec.append(self, to: &out)
        case .xml: out.append(contentsOf: XMLEventCodec.encode(self))
        }
    }

    /// The whole frame FreeSWITCH sends for this event (note: `Content-Length` first, as the server does).
    public func frame(as format: EventFormat) -> Frame {
        let body = encoded(as: format)
        return Frame(headers: ["Content-Length": String(body.count), "Content-Type": format.contentType], body: body)
    }
}

extension String {
    /// Lowercases ASCII letters only; protocol words are ASCII and this needs no locale tables.
    public var lowercasedASCII: String {
        // Protocol words usually arrive lowercase already (content types): then no copy is made.
        let upper = utf8.withContiguousStorageIfAvailable { $0.contains { $0 &- 65 < 26 } } ?? utf8.contains { $0 &- 65 < 26 }
        guard upper else { return self }
        return String(decoding: utf8.map(asciiLower), as: UTF8.self)
    }
}

/// Plain events: the body is a header block with URL-encoded values, then, when the event has a body,
/// the block carries its `Content-Length` and the body follows the blank line.
enum PlainEventCodec {
    static func decode(_ bytes: [UInt8], indexing: HeaderIndexing = .atOnce) throws(DecodeError) -> Event {
        // The header block ends at the first blank line; a body follows only when it has a length.
        // The body's own length is framing, not a header of the event: the table leaves it out.
        let (table, declared, bodyStart) = HeaderTable.plainEvent(bytes: bytes, indexing: indexing)
        guard let text = declared else { return Event(headers: Headers(table: table), body: nil, plainSource: bytes) }
        let length: Int
        do throws(DecodeError) {
            length = try FrameDecoder.parseLength(text, limit: bytes.count)
        } catch {
            throw .malformedEvent(format: "plain", reason: "inner Content-Length '\(text.escapedForDisplay)' does not fit the frame")
        }
        guard bodyStart + length <= bytes.count else {
            throw .malformedEvent(format: "plain", reason: "body shorter than its Content-Length \(length)")
        }
        let body = String(decoding: bytes[bodyStart..<(bodyStart + length)], as: UTF8.self)
        return Event(headers: Headers(table: table), body: body, plainSource: bytes)
    }

    static func encode(_ event: Event) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(event.headers.count * 40 + (event.body?.utf8.count ?? 0))
        for header in event.headers {
            appendLine(header.name, PercentCoding.encode(header.value.isEmpty ? "_undef_" : header.value), to: &out)
        }
        if let body = event.body {
            appendLine("Content-Length", String(body.utf8.count), to: &out)
            out.append(0x0A)
            out.append(contentsOf: body.utf8)
        } else {
            out.append(0x0A)
        }
        return out
    }

    private static func appendLine(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(0x0A)
    }
}
