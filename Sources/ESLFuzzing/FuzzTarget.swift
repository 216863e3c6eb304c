import ESLProtocol

/// One fuzz input through everything that parses bytes from the server: the frame decoder (all at once
/// and in two chunks, which must agree), message classification, event decoding in the three formats,
/// URL decoding, log lines and the outbound connect reply. A crash, a hang or a disagreement is a finding.
public enum FuzzTarget {
    /// The first byte picks what the rest is fed to, so each run parses one thing (fast enough for
    /// millions of runs) while the corpus covers all of them.
    public static func run(_ data: UnsafeBufferPointer<UInt8>) {
        guard let selector = data.first else { return }
        let bytes = Array(data.dropFirst())
        switch selector % 6 {
        case 0, 1:
            let whole = decodeAll(bytes, split: nil)
            let split = decodeAll(bytes, split: Int(selector) % (bytes.count + 1))
            // Chunking must never change the frames or where decoding fails.
            precondition(whole.frames == split.frames && whole.failed == split.failed, "chunking changed the result")
            for frame in whole.frames { inspect(Message(frame: frame)) }
        case 2: decodeEvent(bytes, .plain)
        case 3: decodeEvent(bytes, .json)
        case 4: decodeEvent(bytes, .xml)
        default:
            // A recording line (JSONValue, base64): what decodes must write back the same line.
            if let recorded = try? Recording.decode(bytes) {
                let again = try? Recording.decode(Recording.line(recorded).dropLast())
                precondition(again?.frame.headers.list == recorded.frame.headers.list && again?.frame.body == recorded.frame.body,
                             "a recording line does not survive writing it again")
            }
        }
        _ = PercentCoding.decode(String(decoding: bytes, as: UTF8.self))
    }

    /// Every event that decodes must survive a round trip through its own encoder.
    private static func decodeEvent(_ bytes: [UInt8], _ format: EventFormat) {
        if format == .plain {
            // Indexing on first look must give what indexing at once gives: the same error or the same event.
            let atOnce = Result { () throws(DecodeError) in try Event.decode(bytes, format: .plain, indexing: .atOnce) }
            let onFirstLook = Result { () throws(DecodeError) in try Event.decode(bytes, format: .plain, indexing: .onFirstLook) }
            switch (atOnce, onFirstLook) {
            case (.success(let a), .success(let b)):
                precondition(a.headers.list == b.headers.list && a.body == b.body, "the indexing modes disagree")
            case (.failure(let a), .failure(let b)):
                precondition(a == b, "the indexing modes fail differently")
            default:
                preconditionFailure("one indexing mode failed")
            }
        }
        guard let event = try? Event.decode(bytes, format: format) else { return }
        _ = event.name
        let again = try? Event.decode(event.encoded(as: format), format: format)
        precondition(again != nil, "an event that decoded does not decode after encoding")
    }

    private static func decodeAll(_ bytes: [UInt8], split: Int?) -> (frames: [Frame], failed: DecodeError?) {
        var decoder = FrameDecoder(limits: .init(headerBlock: 64 * 1024, body: 256 * 1024))
        var frames: [Frame] = []
        let cut = split ?? bytes.count
        do {
            decoder.feed(bytes[0..<cut])
            while let frame = try decoder.next() { frames.append(frame) }
            decoder.feed(bytes[cut...])
            while let frame = try decoder.next() { frames.append(frame) }
        } catch {
            return (frames, error)
        }
        return (frames, nil)
    }

    private static func inspect(_ message: Message) {
        switch message {
        case .reply(let reply):
            _ = reply.text
            _ = reply.channelData?.name
        case .apiResponse(let response):
            _ = response.isError
        case .event(let event, _):
            _ = event.headers.map(\.value)
            _ = event.encoded(as: .plain)
        case .log(let line):
            _ = line.levelName
            _ = line.frame
        case .disconnect(let notice):
            _ = notice.disposition
        case .malformed(_, let reason):
            _ = reason
        case .authRequest, .rudeRejection, .raw, .plainEvents:
            break
        }
    }
}
