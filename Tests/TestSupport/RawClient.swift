#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// A client that sends raw bytes and collects every byte the server answers, for byte-exact
/// comparisons with the captures.
public final class RawClient {
    public let socket: Socket
    /// Kept across `frames(until:)` calls: a frame split between two reads is not lost.
    private var decoder = FrameDecoder()

    public init(port: Int) throws {
        socket = try Socket.connect(host: "127.0.0.1", port: port, timeoutMilliseconds: 2000)
    }

    /// A connection accepted from a listener (outbound mode: the switch connected to the test).
    public init(socket: Socket) { self.socket = socket }

    public func send(_ bytes: [UInt8]) { _ = socket.write(bytes) }
    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Everything received until the server closes the connection (or `limitMilliseconds` passes,
    /// a hang check).
    public func receiveUntilClosed(limitMilliseconds: Int = 10_000) -> [UInt8] {
        receive(atLeast: Int.max, limitMilliseconds: limitMilliseconds)
    }

    /// Bytes received until at least `count` arrived or the server closed (the limit is a hang check).
    public func receive(atLeast count: Int, limitMilliseconds: Int = 10_000) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let limit = Deadline.after(milliseconds: limitMilliseconds)
        while out.count < count, !limit.hasPassed, socket.waitReadable(until: limit) {
            let read = chunk.withUnsafeMutableBytes { socket.read(into: $0) }
            if read <= 0 { break }
            out.append(contentsOf: chunk[0..<read])
        }
        return out
    }

    /// Receives until `predicate` holds for the frames received by this call (or the limit passes,
    /// a hang check); returns those frames.
    public func frames(until predicate: ([Frame]) -> Bool, limitMilliseconds: Int = 10_000) throws -> [Frame] {
        var frames: [Frame] = []
        while let frame = try decoder.next() { frames.append(frame) }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let limit = Deadline.after(milliseconds: limitMilliseconds)
        while !predicate(frames), !limit.hasPassed, socket.waitReadable(until: limit) {
            let count = chunk.withUnsafeMutableBytes { socket.read(into: $0) }
            if count <= 0 { break }
            decoder.feed(chunk[0..<count])
            while let frame = try decoder.next() { frames.append(frame) }
        }
        return frames
    }

    /// Sends `text` and receives until `replies` reply frames (command/reply, api/response) arrived.
    public func exchange(_ text: String, replies: Int = 1) throws -> [Frame] {
        send(text)
        return try frames { $0.filter(\.isReply).count >= replies }
    }
}

extension Frame {
    /// A command/reply or api/response frame: the answer to a command.
    public var isReply: Bool { contentType == "command/reply" || contentType == "api/response" }
}
