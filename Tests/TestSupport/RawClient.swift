#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// A client that sends raw bytes and collects every byte the server answers, for byte-exact
/// comparisons with the captures.
public final class RawClient {
    public let socket: Socket

    public init(port: Int) throws {
        socket = try Socket.connect(host: "127.0.0.1", port: port, timeoutMilliseconds: 2000)
    }

    public func send(_ bytes: [UInt8]) { _ = socket.write(bytes) }
    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Everything received until the server closes or stays quiet for `quietMilliseconds`.
    public func receive(quietMilliseconds: Int = 400, limitMilliseconds: Int = 10_000) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let limit = Deadline.after(milliseconds: limitMilliseconds)
        while !limit.hasPassed, socket.waitReadable(until: .after(milliseconds: quietMilliseconds)) {
            let count = chunk.withUnsafeMutableBytes { socket.read(into: $0) }
            if count <= 0 { break }
            out.append(contentsOf: chunk[0..<count])
        }
        return out
    }

    /// Receives until `predicate` holds for the frames so far (or the limit passes).
    public func frames(until predicate: ([Frame]) -> Bool, limitMilliseconds: Int = 10_000) throws -> [Frame] {
        var decoder = FrameDecoder()
        var frames: [Frame] = []
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
}
