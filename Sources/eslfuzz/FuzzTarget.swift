import ESLProtocol

/// One fuzz input through everything that parses bytes from the server: the frame decoder (all at once
/// and in two chunks, which must agree), message classification, event decoding in the three formats,
/// URL decoding, log lines and the outbound connect reply. A crash, a hang or a disagreement is a finding.
enum FuzzTarget {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(data)
        let whole = decodeAll(bytes, split: nil)
        if let first = bytes.first {
            let split = decodeAll(bytes, split: Int(first) % (bytes.count + 1))
            // Chunking must never change the frames or where decoding fails.
            precondition(whole.frames == split.frames && whole.failed == split.failed, "chunking changed the result")
        }
        for frame in whole.frames { inspect(Message(frame: frame)) }
        // The same bytes as event bodies of each format, and as a header value.
        for format in EventFormat.allCases {
            if let event = try? Event.decode(bytes, format: format) {
                _ = event.encoded(as: format)
                _ = event.name
            }
        }
        _ = PercentCoding.decode(String(decoding: bytes, as: UTF8.self))
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
        case .authRequest, .rudeRejection, .raw:
            break
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
