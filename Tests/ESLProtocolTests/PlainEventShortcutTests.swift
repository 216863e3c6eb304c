import ESLProtocol
import TestSupport
import Testing

/// `FrameDecoder.takePlainEvent`: the reader's way past `Frame` for plain events given on as bytes.
/// It must give what the general way gives (the body of every plain event, in order, among the same
/// other frames), whatever the chunking, and leave every other shape to the general way untouched.
@Suite(.timeLimit(.minutes(1))) struct PlainEventShortcutTests {
    /// What a reader sees: a plain event's body as the run holds it (body + LF), or any other frame.
    enum Seen: Equatable {
        case event([UInt8])
        case frame(Frame)
    }

    /// Feeds `bytes` in pieces of the sizes `chunks` cycles through (all at once when empty), calling
    /// `drain` after each; the decoder is idle at the end.
    static func feed(_ bytes: [UInt8], chunks: [Int], _ drain: (inout FrameDecoder) throws -> Void) rethrows {
        var decoder = FrameDecoder()
        var offset = 0
        var chunk = 0
        while offset < bytes.count {
            let size = chunks.isEmpty ? bytes.count : chunks[chunk % chunks.count]
            chunk += 1
            let end = min(bytes.count, offset + size)
            decoder.feed(bytes[offset..<end])
            offset = end
            try drain(&decoder)
        }
        #expect(decoder.isIdle)
    }

    /// The reader with the shortcut: plain events through it where it takes them, the rest by `nextPart`.
    static func read(_ bytes: [UInt8], chunks: [Int]) throws -> (seen: [Seen], shortcut: Int) {
        var seen: [Seen] = []
        var shortcut = 0
        try feed(bytes, chunks: chunks) { decoder in
            while true {
                var run = PlainEventRun()
                while decoder.takePlainEvent(into: &run, streaming: .init()) {
                    shortcut += 1
                    seen.append(.event(run.bytes))
                    run = PlainEventRun()
                }
                guard let part = try decoder.nextPart(streaming: .init()) else { return }
                guard case .frame(let frame) = part else { Issue.record("a streamed part: \(part)"); return }
                seen.append(frame.isPlainEvent ? .event(frame.body + [0x0A]) : .frame(frame))
            }
        }
        return (seen, shortcut)
    }

    /// The general way alone.
    static func general(_ bytes: [UInt8]) throws -> [Seen] {
        try Fixtures.frames(bytes).frames.map { $0.isPlainEvent ? .event($0.body + [0x0A]) : .frame($0) }
    }

    @Test("the captures read the same with the shortcut, however they are cut", arguments: Fixtures.names)
    func capturesReadTheSame(name: String) throws {
        let bytes = Fixtures.received(name)
        let expected = try Self.general(bytes)
        let plainEvents = expected.filter { if case .event = $0 { true } else { false } }.count
        var generator = SplitMix(state: UInt64(name.utf8.count) &* 31)
        let random = (0..<64).map { _ in Int.random(in: 1...900, using: &generator) }
        for chunks in [[], [1], [7, 3, 4096], random] {
            let (seen, shortcut) = try Self.read(bytes, chunks: chunks)
            #expect(seen == expected, "\(name), chunks \(chunks.prefix(4))")
            // Read whole, every plain event of a real switch goes the short way.
            if chunks.isEmpty { #expect(shortcut == plainEvents, "\(name)") }
        }
    }

    @Test func theCallTraceCaptureHasPlainEventsForTheShortcut() throws {
        let (_, shortcut) = try Self.read(Fixtures.received("call-trace-plain"), chunks: [])
        #expect(shortcut == 87)
    }

    static let body = Array("Event-Name: HEARTBEAT\nCore-UUID: 1\n\n".utf8)

    @Test("other header blocks go the general way and give the same", arguments: [
        "Content-Type: text/event-plain\nContent-Length: 36\n\n",  // the other order
        "content-length: 36\ncontent-type: text/event-plain\n\n",  // another case
        "Content-Length: 36\nContent-Type: text/event-plain\nX-Extra: 1\n\n",
        "Content-Length:  36\nContent-Type: text/event-plain\n\n",
        "Content-Length: 36\r\nContent-Type: text/event-plain\r\n\r\n",
        "Content-Length: 36\nContent-Type: text/event-json\n\n",
        "Content-Length: 036\nContent-Type: text/event-plain\n\n",
    ])
    func otherShapes(head: String) throws {
        let bytes = Array(head.utf8) + Self.body
        let expected = try Self.general(bytes)
        let (seen, shortcut) = try Self.read(bytes, chunks: [])
        #expect(seen == expected)
        // Only the leading zero is still FreeSWITCH's exact shape.
        #expect(shortcut == (head.hasPrefix("Content-Length: 036") ? 1 : 0))
    }

    static let exact = Array("Content-Length: 36\nContent-Type: text/event-plain\n\n".utf8) + body

    @Test func anUnfinishedEventIsLeftWhole() throws {
        var decoder = FrameDecoder()
        var run = PlainEventRun()
        for cut in 0..<Self.exact.count {
            decoder = FrameDecoder()
            decoder.feed(Self.exact[..<cut])
            #expect(!decoder.takePlainEvent(into: &run, streaming: .init()))
            #expect(decoder.bufferedByteCount == cut)
            decoder.feed(Self.exact[cut...])
            #expect(decoder.takePlainEvent(into: &run, streaming: .init()))
            #expect(decoder.isIdle)
        }
        #expect(run.count == Self.exact.count)
        #expect(run.bytes == Array([[UInt8]](repeating: Self.body + [0x0A], count: Self.exact.count).joined()))
    }

    @Test func lengthsPastTheLimitsGetTheGeneralError() throws {
        var decoder = FrameDecoder(limits: .init(headerBlock: 1024, body: 35))
        decoder.feed(Self.exact)
        var run = PlainEventRun()
        #expect(!decoder.takePlainEvent(into: &run, streaming: .init()))
        #expect(throws: DecodeError.bodyTooLarge(length: 36, limit: 35)) { try decoder.nextPart(streaming: .init()) }
        // A failed decoder takes nothing more, even a good event.
        decoder.feed(Self.exact)
        #expect(!decoder.takePlainEvent(into: &run, streaming: .init()))

        var small = FrameDecoder(limits: .init(headerBlock: 40, body: 1024))
        small.feed(Self.exact)
        #expect(!small.takePlainEvent(into: &run, streaming: .init()))
        #expect(throws: DecodeError.headerBlockTooLarge(limit: 40)) { try small.nextPart(streaming: .init()) }

        var huge = FrameDecoder()
        huge.feed(Array("Content-Length: 99999999999999999999999\nContent-Type: text/event-plain\n\n".utf8))
        #expect(!huge.takePlainEvent(into: &run, streaming: .init()))
        #expect(run.isEmpty)
    }

    @Test func aPolicyThatStreamsPlainEventsKeepsStreamingThem() throws {
        let policy = FrameDecoder.StreamPolicy(threshold: 10, contentTypes: ["text/event-plain"])
        var decoder = FrameDecoder()
        decoder.feed(Self.exact)
        var run = PlainEventRun()
        #expect(!decoder.takePlainEvent(into: &run, streaming: policy))
        guard case .head(_, let length)? = try decoder.nextPart(streaming: policy) else { Issue.record("not streamed"); return }
        #expect(length == 36)
    }

    @Test func aFramePendingInTheGeneralWayIsNotTakenFromUnderIt() throws {
        var decoder = FrameDecoder()
        var run = PlainEventRun()
        decoder.feed(Self.exact.dropLast(5))
        #expect(try decoder.nextPart(streaming: .init()) == nil)  // its header block is parsed and pending
        decoder.feed(Self.exact.suffix(5) + Self.exact)
        #expect(!decoder.takePlainEvent(into: &run, streaming: .init()))
        guard case .frame(let frame)? = try decoder.nextPart(streaming: .init()) else { Issue.record("no frame"); return }
        #expect(frame.body == Self.body)
        #expect(decoder.takePlainEvent(into: &run, streaming: .init()))
        #expect(run.bytes == Self.body + [0x0A])
        #expect(decoder.isIdle)
    }

    /// Consumed bytes go at the next feed; what is left of an event waits for the rest.
    @Test func eventsCutAcrossFeeds() throws {
        var decoder = FrameDecoder()
        var run = PlainEventRun()
        for _ in 0..<2000 {
            decoder.feed(Self.exact + Self.exact.prefix(20))
            while decoder.takePlainEvent(into: &run, streaming: .init()) {}
            #expect(decoder.bufferedByteCount == 20)
            decoder.feed(Self.exact.dropFirst(20))
            #expect(decoder.takePlainEvent(into: &run, streaming: .init()))
            #expect(decoder.isIdle)
        }
        #expect(run.count == 4000)
    }

    // MARK: decoded events

    /// A reader that decodes: plain events through `nextPlainEventBody`, the rest through `nextPart`.
    static func messages(_ bytes: [UInt8], chunks: [Int]) throws -> (messages: [Message], shortcut: Int) {
        var messages: [Message] = []
        var shortcut = 0
        try feed(bytes, chunks: chunks) { decoder in
            while true {
                if let body = decoder.nextPlainEventBody(streaming: .init()) {
                    shortcut += 1
                    messages.append(Message(plainEventBody: body, indexing: .atOnce))
                    continue
                }
                guard let part = try decoder.nextPart(streaming: .init()) else { return }
                guard case .frame(let frame) = part else { Issue.record("a streamed part"); return }
                messages.append(Message(frame: frame, indexing: .atOnce))
            }
        }
        return (messages, shortcut)
    }

    @Test("decoded, the captures give the same messages", arguments: Fixtures.names)
    func capturesDecodeTheSame(name: String) throws {
        let bytes = Fixtures.received(name)
        let expected = try Fixtures.frames(bytes).frames.map { Message(frame: $0, indexing: .atOnce) }
        for chunks in [[], [5, 1, 300]] {
            let (messages, shortcut) = try Self.messages(bytes, chunks: chunks)
            #expect(messages == expected, "\(name)")
            if chunks.isEmpty { #expect(shortcut == expected.filter { if case .event(_, .plain) = $0 { true } else { false } }.count) }
        }
    }

    @Test func aMalformedEventKeepsTheFrameTheGeneralWayWouldHaveMade() throws {
        // The inner length says 2; the body holds more: malformed (issue 14, lying lengths).
        let inner = Array("Event-Name: CUSTOM\nContent-Length: 2\n\nabcdef".utf8)
        let frame = Array("Content-Length: \(inner.count)\nContent-Type: text/event-plain\n\n".utf8) + inner
        var decoder = FrameDecoder()
        decoder.feed(frame)
        let taken = decoder.nextPlainEventBody(streaming: .init())
        let body = try #require(taken)
        let shortcut = Message(plainEventBody: body, indexing: .atOnce)
        var general = FrameDecoder()
        general.feed(frame)
        let whole = try general.next()
        let expected = Message(frame: try #require(whole), indexing: .atOnce)
        guard case .malformed = expected else { Issue.record("not malformed: \(expected)"); return }
        #expect(shortcut == expected)
    }

    @Test func aLengthWithALeadingZeroIsLeftToTheGeneralWay() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Length: 036\nContent-Type: text/event-plain\n\n".utf8) + Self.body)
        let none = decoder.nextPlainEventBody(streaming: .init())
        #expect(none == nil)
        guard case .frame(let frame)? = try decoder.nextPart(streaming: .init()) else { Issue.record("no frame"); return }
        #expect(frame.headers["Content-Length"] == "036")
        var zero = FrameDecoder()
        zero.feed(Array("Content-Length: 0\nContent-Type: text/event-plain\n\n".utf8))
        let empty = zero.nextPlainEventBody(streaming: .init())
        #expect(empty == [])
    }
}
