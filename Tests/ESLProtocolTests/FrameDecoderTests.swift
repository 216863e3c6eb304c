import ESLProtocol
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct FrameDecoderTests {
    @Test("every capture decodes to whole frames with no bytes left over", arguments: Fixtures.names)
    func capturesDecodeFully(name: String) throws {
        let (frames, leftover) = try Fixtures.frames(Fixtures.received(name))
        #expect(leftover == 0)
        #expect(!frames.isEmpty)
        // Re-encoding the frames gives back the capture: nothing was lost or invented.
        #expect(frames.flatMap(\.bytes) == Fixtures.received(name))
    }

    @Test("chunking never changes the frames", arguments: Fixtures.names)
    func chunkingIsInvisible(name: String) throws {
        let bytes = Fixtures.received(name)
        let whole = try Fixtures.frames(bytes).frames
        #expect(try Fixtures.frames(bytes, chunks: [1]).frames == whole)
        #expect(try Fixtures.frames(bytes, chunks: [2, 3, 5, 7, 4096]).frames == whole)
        var generator = SplitMix(state: UInt64(name.utf8.count))
        let random = (0..<64).map { _ in Int.random(in: 1...700, using: &generator) }
        #expect(try Fixtures.frames(bytes, chunks: random).frames == whole)
    }

    @Test func needMoreIsANormalAnswer() throws {
        var decoder = FrameDecoder()
        #expect(try decoder.next() == nil)
        decoder.feed(Array("Content-Type: api/response\nContent-Length: 5\n".utf8))
        #expect(try decoder.next() == nil)
        decoder.feed(Array("\nab".utf8))
        #expect(try decoder.next() == nil)
        decoder.feed(Array("cde".utf8))
        let frame = try #require(try decoder.next())
        #expect(frame.bodyText == "abcde")
        #expect(try decoder.next() == nil)
        #expect(decoder.isIdle)
    }

    @Test func crlfLineEndingsAreTolerated() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Type: command/reply\r\nReply-Text: +OK accepted\r\n\r\nContent-Type: auth/request\n\n".utf8))
        let first = try #require(try decoder.next())
        #expect(first.headers["Reply-Text"] == "+OK accepted")
        #expect(first.contentType == "command/reply")
        let second = try #require(try decoder.next())
        #expect(second.contentType == "auth/request")
    }

    @Test func headersKeepOrderAndRepeatsAndLookUpIgnoresCase() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("B: 1\nA: 2\nb: 3\nNoColonHere\nX:\t  spaced\n\n".utf8))
        let frame = try #require(try decoder.next())
        #expect(frame.headers.map(\.name) == ["B", "A", "b", "X"])
        #expect(frame.headers["b"] == "1")
        #expect(frame.headers.values("B") == ["1", "3"])
        #expect(frame.headers["x"] == "spaced")
    }

    @Test func valuesAreNotDecodedWhileFraming() throws {
        // A %0A%0A in a value must not end the header block.
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Type: command/reply\nReply-Text: -ERR a%0A%0Ab\n\n".utf8))
        let frame = try #require(try decoder.next())
        #expect(frame.headers["Reply-Text"] == "-ERR a%0A%0Ab")
    }

    @Test func blankLinesBetweenFramesAreSkipped() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("\n\r\nContent-Type: auth/request\n\n\n".utf8))
        #expect(try decoder.next()?.contentType == "auth/request")
        #expect(try decoder.next() == nil)
    }

    @Test("a malformed Content-Length is a typed error", arguments: ["-5", "abc", "1 2", "", "0x10", "+3"])
    func invalidContentLength(value: String) {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Type: api/response\nContent-Length: \(value)\n\nxyz".utf8))
        #expect(throws: DecodeError.invalidContentLength(value)) { try decoder.next() }
        // The stream is out of step: the decoder stays failed.
        #expect(throws: DecodeError.self) { try decoder.next() }
    }

    @Test func spacesAroundContentLengthAreAccepted() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Length:   3  \n\nabc".utf8))
        #expect(try decoder.next()?.bodyText == "abc")
    }

    @Test func conflictingContentLengthsAreAnError() {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Length: 3\nContent-Length: 4\n\nabcd".utf8))
        #expect(throws: DecodeError.conflictingContentLength(["3", "4"])) { try decoder.next() }
    }

    @Test func repeatedEqualContentLengthsAreFine() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Length: 3\ncontent-length: 3\n\nabc".utf8))
        #expect(try decoder.next()?.bodyText == "abc")
    }

    @Test func bodyLimit() throws {
        var decoder = FrameDecoder(limits: .init(headerBlock: 1024, body: 100))
        decoder.feed(Array("Content-Length: 101\n\n".utf8))
        #expect(throws: DecodeError.bodyTooLarge(length: 101, limit: 100)) { try decoder.next() }
        var huge = FrameDecoder()
        huge.feed(Array("Content-Length: 99999999999999999999999999\n\n".utf8))
        #expect(throws: DecodeError.self) { try huge.next() }
        var limit = FrameDecoder(limits: .init(headerBlock: 1024, body: 100))
        limit.feed(Array("Content-Length: 100\n\n".utf8) + [UInt8](repeating: 65, count: 100))
        #expect(try limit.next()?.body.count == 100)
    }

    @Test func headerBlockLimitKeepsMemoryBounded() {
        var decoder = FrameDecoder(limits: .init(headerBlock: 4096, body: 100))
        let line = Array("X-Long: \(String(repeating: "a", count: 1000))\n".utf8)
        var failed: DecodeError?
        for _ in 0..<10 where failed == nil {
            decoder.feed(line)
            do { _ = try decoder.next() } catch { failed = error }
        }
        #expect(failed == .headerBlockTooLarge(limit: 4096))
        #expect(decoder.bufferedByteCount == 0)
    }

    /// A header block past the limit that arrives whole, blank line included, in one read: refused as
    /// well (the check while it is incomplete never runs for it).
    @Test func aHeaderBlockPastTheLimitArrivingWholeIsRefused() throws {
        var decoder = FrameDecoder(limits: .init(headerBlock: 4096, body: 100))
        decoder.feed(Array("Content-Type: api/response\nX-Long: \(String(repeating: "a", count: 5000))\n\n".utf8))
        #expect(throws: DecodeError.headerBlockTooLarge(limit: 4096)) { try decoder.next() }
        var fits = FrameDecoder(limits: .init(headerBlock: 4096, body: 100))
        fits.feed(Array("Content-Type: api/response\nX-Long: \(String(repeating: "a", count: 4000))\n\n".utf8))
        #expect(try fits.next()?.headers["X-Long"]?.count == 4000)
    }

    @Test func defaultLimitsAreFreeSWITCHs() {
        let limits = FrameDecoder.Limits()
        #expect(limits.headerBlock == 10 * 1024 * 1024)
        #expect(limits.body == 16 * 1024 * 1024)
    }

    @Test func unknownContentTypeIsKeptRaw() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Type: text/x-future\nContent-Length: 2\n\nhi".utf8))
        let frame = try #require(try decoder.next())
        #expect(Message(frame: frame) == .raw(frame))
    }
}

@Suite struct StreamedBodyTests {
    @Test func largeAPIBodiesArriveInPiecesWithBoundedMemory() throws {
        var decoder = FrameDecoder()
        let policy = FrameDecoder.StreamPolicy(threshold: 1000)
        let body = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let stream = Array("Content-Type: api/response\nContent-Length: \(body.count)\n\n".utf8) + body
            + Array("Content-Type: command/reply\nReply-Text: +OK\n\n".utf8)
        var parts: [FramePart] = []
        var generator = SplitMix(state: 7)
        var offset = 0
        while offset < stream.count {
            let size = min(Int.random(in: 1...3000, using: &generator), stream.count - offset)
            decoder.feed(stream[offset..<(offset + size)])
            offset += size
            while let part = try decoder.nextPart(streaming: policy) {
                parts.append(part)
                #expect(decoder.bufferedByteCount <= 3000 + 64)
            }
        }
        guard case .head(let headers, let length) = parts.first else { Issue.record("no head"); return }
        #expect(headers["Content-Type"] == "api/response")
        #expect(length == body.count)
        var received: [UInt8] = []
        for part in parts.dropFirst() { if case .chunk(let bytes) = part { received += bytes } }
        #expect(received == body)
        #expect(parts.suffix(2).first == .end)
        guard case .frame(let last) = parts.last else { Issue.record("no frame after the stream"); return }
        #expect(last.headers["Reply-Text"] == "+OK")
    }

    @Test func smallAndOtherBodiesStayWhole() throws {
        var decoder = FrameDecoder()
        decoder.feed(Array("Content-Type: api/response\nContent-Length: 3\n\nabcContent-Type: text/event-plain\nContent-Length: 2000\n\n".utf8) + [UInt8](repeating: 65, count: 2000))
        let policy = FrameDecoder.StreamPolicy(threshold: 1000)
        guard case .frame(let small) = try decoder.nextPart(streaming: policy) else { Issue.record("small body streamed"); return }
        #expect(small.bodyText == "abc")
        guard case .frame(let event) = try decoder.nextPart(streaming: policy) else { Issue.record("event streamed"); return }
        #expect(event.body.count == 2000)
    }

    @Test func streamedBodiesMayExceedTheBufferedLimitButNotTheirOwn() throws {
        var decoder = FrameDecoder(limits: .init(headerBlock: 1024, body: 100))
        decoder.feed(Array("Content-Type: api/response\nContent-Length: 5000\n\n".utf8))
        #expect(try decoder.nextPart(streaming: .init(threshold: 10, maxBody: 10_000)) == .head(["Content-Type": "api/response", "Content-Length": "5000"], length: 5000))
        var capped = FrameDecoder(limits: .init(headerBlock: 1024, body: 100))
        capped.feed(Array("Content-Type: api/response\nContent-Length: 5000\n\n".utf8))
        #expect(throws: DecodeError.bodyTooLarge(length: 5000, limit: 4000)) { try capped.nextPart(streaming: .init(threshold: 10, maxBody: 4000)) }
    }
}
