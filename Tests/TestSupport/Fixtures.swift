import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// The byte-exact captures from a real FreeSWITCH, copied from shared/captures into Fixtures/.
public enum Fixtures {
    public static let directory: String = {
        let file = "\(#filePath)"
        return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures"
    }()

    public static let names = [
        "acl-rejection", "api-replies", "bgapi", "busy-switch-json", "call-control-replies", "call-events-json",
        "call-events-plain", "call-events-xml", "call-trace-plain", "command-before-auth", "command-replies",
        "filters-plain", "handshake-bad-password", "handshake-ok-exit", "logs-debug", "myevents-sendmsg",
        "outbound-session", "sendevent", "sofia-register-plain", "userauth-bad", "userauth-ok",
    ]

    public static func bytes(_ name: String) -> [UInt8] {
        guard let bytes = FileBytes.read("\(directory)/\(name)") else { fatalError("missing fixture \(name)") }
        return bytes
    }

    public static func received(_ name: String) -> [UInt8] { bytes("\(name).recv") }
    public static func sent(_ name: String) -> [UInt8] { bytes("\(name).sent") }

    /// Decodes a whole byte stream, fed in the given chunk sizes (cycled); fails on leftovers.
    public static func frames(_ bytes: [UInt8], chunks: [Int] = [Int.max]) throws -> (frames: [Frame], leftover: Int) {
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        var offset = 0
        var chunkIndex = 0
        while offset < bytes.count {
            let size = min(chunks[chunkIndex % chunks.count], bytes.count - offset)
            chunkIndex += 1
            decoder.feed(bytes[offset..<(offset + size)])
            offset += size
            while let frame = try decoder.next() { frames.append(frame) }
        }
        return (frames, decoder.bufferedByteCount)
    }

    public static func messages(_ name: String) throws -> [Message] {
        let (frames, leftover) = try frames(received(name))
        precondition(leftover == 0, "\(name): \(leftover) bytes left over")
        return frames.map(Message.init(frame:))
    }
}

/// A small deterministic generator, so random chunkings are repeatable.
public struct SplitMix: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Message {
    /// A short label for sequence comparisons.
    public var label: String {
        switch self {
        case .authRequest: return "auth/request"
        case .reply(let reply): return "reply \(reply.text)"
        case .apiResponse: return "api"
        case .event(let event, let format): return "\(format.rawValue) \(event.name)"
        case .log(let line): return "log \(line.level)"
        case .disconnect(let notice): return "disconnect \(notice.disposition?.rawValue ?? "-")"
        case .plainEvents(let run): return "plain events \(run.count)"
        case .rudeRejection: return "rude-rejection"
        case .malformed(_, let reason): return "malformed \(reason)"
        case .raw(let frame): return "raw \(frame.contentType ?? "-")"
        }
    }
}
