/// The answer to one command: a `command/reply` or, for `api`, usually an `api/response`.
public enum Response: Sendable, Equatable {
    case reply(Reply)
    case api(APIResponse)
    /// An API output too large to hold: read it piece by piece.
    case apiStream(any BodyStream)

    /// `-ERR …` in either form (a streamed output is judged by whoever reads it).
    public var isError: Bool {
        switch self {
        case .reply(let reply): return reply.isError
        case .api(let response): return response.isError
        case .apiStream: return false
        }
    }

    /// The reply text or the API output (a streamed output is read whole: for tests and small uses).
    public var text: String {
        switch self {
        case .reply(let reply): return reply.text
        case .api(let response): return response.text
        case .apiStream(let stream):
            var bytes: [UInt8] = []
            while let chunk = try? stream.next() { bytes += chunk }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    public static func == (lhs: Response, rhs: Response) -> Bool {
        switch (lhs, rhs) {
        case (.reply(let a), .reply(let b)): return a == b
        case (.api(let a), .api(let b)): return a == b
        case (.apiStream(let a), .apiStream(let b)): return a === b
        default: return false
        }
    }
}

/// A body that arrives piece by piece while it is read (ESLClient's `APIStream`). The core names what a
/// reader may do with it; the hand-over between threads lives with the threads, in ESLClient.
public protocol BodyStream: AnyObject, Sendable {
    /// The whole body's length in bytes, from its `Content-Length`.
    var length: Int { get }
    /// The next piece, nil at the end; throws if the connection ended before the body did.
    func next() throws(ConnectionError) -> [UInt8]?
    /// The reader stops reading; the rest is read and dropped.
    func abandon()
}
