/// About how many bytes of memory a decoded value holds: what bounds in bytes (the inbound queue, the
/// recorder's backlog) count. An estimate, cheap to take on the reader thread (no header is turned into
/// text for it): the text and byte storage, plus a fixed allowance per header for the strings' own
/// storage and per value for its bookkeeping, so that a bound in bytes holds within a small factor
/// however the peer shapes its frames (one 16 MiB event, or a million tiny ones). Not counted: the
/// positions of a plain event's header lines once indexed, 20 bytes a line (for ordinary 2 KB events
/// a good part of their size, but then the queue's count, 10,000, binds long before its bytes).
public enum Footprint {
    /// Per value held (its enum case, array and class headers).
    public static let perItem = 128
    /// Per header held as strings: two string values in the list, and two allocations' headers.
    static let perHeader = 80

    static func of(_ text: String) -> Int { text.utf8.count }
}

extension Headers {
    /// The bytes behind these headers: a decoded block is its wire bytes (shared with the event's plain
    /// source); a list is its names and values.
    public var footprint: Int {
        if let table { return table.bytes.count }
        var total = 0
        for header in self { total += Footprint.of(header.name) + Footprint.of(header.value) + Footprint.perHeader }
        return total
    }
}

extension Event {
    public var footprint: Int {
        // A plain source beside headers that are still its table is the same storage, counted once.
        (headers.table == nil ? plainSourceCount : 0) + headers.footprint + (body.map(Footprint.of) ?? 0)
    }
}

extension Frame {
    public var footprint: Int { headers.footprint + body.count + Footprint.perItem }
}

extension Message {
    public var footprint: Int {
        Footprint.perItem + {
            switch self {
            case .authRequest: return 0
            case .reply(let reply): return reply.headers.footprint
            case .apiResponse(let response): return response.body.count
            case .event(let event, _): return event.footprint
            case .log(let line): return Footprint.of(line.text) + Footprint.of(line.file) + Footprint.of(line.function) + Footprint.of(line.userData)
            case .disconnect(let notice): return notice.headers.footprint + Footprint.of(notice.text)
            case .rudeRejection(let text): return Footprint.of(text)
            case .malformed(let frame, let reason): return frame.footprint + Footprint.of(reason)
            case .raw(let frame): return frame.footprint
            case .plainEvents(let run): return run.bytes.capacity
            }
        }()
    }
}

extension FramePart {
    public var footprint: Int {
        switch self {
        case .frame(let frame): return frame.footprint
        case .head(let headers, _): return headers.footprint + Footprint.perItem
        case .chunk(let bytes): return bytes.count + Footprint.perItem
        case .end: return Footprint.perItem
        }
    }
}
