import ESLProtocol

/// Turns answers into the text a user sees. Pure: no terminal, no sockets.
public struct Renderer: Sendable {
    public init() {}

    /// API output as it came, ending in exactly one line break: fs_cli adds a newline to every body,
    /// which leaves a blank line after outputs that already end in one; eslsh adds it only when missing.
    public func render(_ response: Response) -> String {
        switch response {
        case .api(let api): return terminated(api.text)
        case .reply(let reply): return terminated(reply.text)
        // Whole, as a fallback: callers that can should copy the stream piece by piece instead.
        case .apiStream: return terminated(response.text)
        }
    }

    public func terminated(_ text: String) -> String {
        text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
    }
}

extension Renderer {
    /// An event as fs_cli shows a plain one: `RECV EVENT`, the decoded headers, the body if any.
    public func plainEvent(_ event: Event) -> String {
        var out = "RECV EVENT\n"
        for header in event.headers { out += "\(header.name): \(header.value)\n" }
        if let body = event.body {
            out += "Content-Length: \(body.utf8.count)\n\n\(body)"
            if !body.hasSuffix("\n") { out += "\n" }
        }
        return out + "\n"
    }
}
