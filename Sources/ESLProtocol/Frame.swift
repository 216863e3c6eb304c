/// One unit of the wire protocol: a header block, then exactly `Content-Length` bytes of body.
public struct Frame: Sendable, Equatable {
    public var headers: Headers
    public var body: [UInt8]

    public init(headers: Headers, body: [UInt8] = []) {
        self.headers = headers
        self.body = body
    }

    public var contentType: String? { headers["Content-Type"] }

    /// A plain event's frame as FreeSWITCH writes it (`FrameDecoder.nextPlainEventBody`).
    public static func plainEvent(body: [UInt8]) -> Frame {
        Frame(headers: Headers([Header("Content-Length", String(body.count)), Header("Content-Type", "text/event-plain")]), body: body)
    }

    /// `text/event-plain`, in any case.
    public var isPlainEvent: Bool { contentType?.equalsIgnoringASCIICase("text/event-plain") ?? false }

    /// The body as text; invalid UTF-8 becomes U+FFFD rather than an error (bodies are shown, not trusted).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The frame as the server would write it: headers in order, a blank line, the body.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + headers.count * 32)
        for header in headers {
            out.append(contentsOf: header.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: header.value.utf8)
            out.append(0x0A)
        }
        out.append(0x0A)
        out.append(contentsOf: body)
        return out
    }
}

extension Frame {
    /// One line for a protocol trace: the content type and the first meaningful header or body line.
    public static func traceSummary(_ frame: Frame) -> String {
        let type = frame.contentType ?? "(no Content-Type)"
        if let reply = frame.headers["Reply-Text"] { return "\(type) \(reply.escapedForDisplay)" }
        let firstLine = frame.body.prefix { $0 != 0x0A }
        return "\(type) [\(frame.body.count) bytes] \(String(decoding: firstLine.prefix(60), as: UTF8.self).escapedForDisplay)"
    }
}
