import ESLProtocol
import TestSupport
import Testing

@Suite struct RecordingTests {
    /// Every capture, recorded frame by frame and read back, writes out the exact bytes received.
    @Test(arguments: Fixtures.names)
    func recordingIsLosslessForEveryCapture(_ name: String) throws {
        let received = Fixtures.received(name)
        let (frames, leftover) = try Fixtures.frames(received)
        #expect(leftover == 0)
        var file: [UInt8] = []
        for (index, frame) in frames.enumerated() {
            file += Recording.line(RecordedFrame(time: 1_795_757_163_000_000 + index, frame: frame))
        }
        let (read, truncated) = try Recording.decodeAll(file)
        #expect(!truncated)
        #expect(read.count == frames.count)
        #expect(read.map(\.time) == (0..<frames.count).map { 1_795_757_163_000_000 + $0 })
        #expect(read.flatMap(\.frame.bytes) == received)
    }

    @Test func oneLineAsDocumented() throws {
        let frame = Frame(headers: ["Content-Type": "api/response", "Content-Length": "9"], body: Array("+OK \"a\"\t\n".utf8))
        let line = Recording.line(RecordedFrame(time: 1_795_757_163_093_967, frame: frame))
        #expect(String(decoding: line, as: UTF8.self) == """
            {"time":"2026-11-27T05:26:03.093967Z","type":"api/response","headers":[["Content-Type","api/response"],\
            ["Content-Length","9"]],"body":"+OK \\"a\\"\\t\\n"}\n
            """)
    }

    @Test func bodiesThatAreNotUTF8GoAsBase64() throws {
        let body: [UInt8] = [0xFF, 0x00, 0x41, 0xC3, 0x28, 0x0A, 0x80]
        let frame = Frame(headers: Headers([Header("Content-Type", "text/event-plain"), Header("Content-Length", "7"), Header("X", "1"), Header("X", "2")]), body: body)
        let line = Recording.line(RecordedFrame(time: 0, frame: frame))
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains("\"encoding\":\"base64\",\"body\":\"/wBBwygKgA==\""))
        let back = try Recording.decode(line.dropLast())
        #expect(back.frame == frame)
        #expect(back.frame.headers.values("X") == ["1", "2"])
    }

    @Test func aBodyInPiecesEncodesAsAWholeOne() throws {
        let body = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let headers: Headers = ["Content-Type": "api/response", "Content-Length": "1000"]
        var streamed = Recording.head(time: 5, headers: headers, base64: true)
        var encoder = Base64Stream()
        for size in [1, 2, 3, 4, 5, 100, 885] {
            let offset = [1, 2, 3, 4, 5, 100, 885].prefix { $0 != size }.reduce(0, +)
            encoder.append(Array(body[offset..<(offset + size)]), to: &streamed)
        }
        encoder.finish(&streamed)
        streamed += Recording.tail
        #expect(streamed == Recording.line(RecordedFrame(time: 5, frame: Frame(headers: headers, body: body))))
        #expect(try Recording.decode(streamed.dropLast()).frame.body == body)
    }

    @Test func timesRoundTripAndReadShorterFractions() {
        for micros in [0, 1, 999_999, 1_795_757_163_093_967, 951_782_400_000_001] {
            #expect(Recording.parseISOTime(Recording.isoTime(micros)) == micros)
        }
        #expect(Recording.isoTime(0) == "1970-01-01T00:00:00.000000Z")
        #expect(Recording.parseISOTime("2026-11-27T05:26:03.5Z") == 1_795_757_163_500_000)
        #expect(Recording.parseISOTime("2026-11-27T05:26:03Z") == 1_795_757_163_000_000)
        #expect(Recording.parseISOTime("2026-11-27 05:26:03Z") == nil)
        #expect(Recording.parseISOTime("yesterday") == nil)
    }

    @Test func aLastLineCutShortIsLeftOutOtherBadLinesAreErrors() throws {
        let good = Recording.line(RecordedFrame(time: 1, frame: Frame(headers: ["Content-Type": "command/reply", "Reply-Text": "+OK"])))
        let (frames, truncated) = try Recording.decodeAll(good + good.prefix(30))
        #expect(frames.count == 1)
        #expect(truncated)
        #expect(throws: RecordingError("line 2: not a recorded frame (a JSON object with time, headers and body)")) {
            try Recording.decodeAll(good + Array("{\"time\":1}\n".utf8) + good)
        }
        #expect(throws: RecordingError("line 1: bad time 'now'")) {
            try Recording.decodeAll(Array("{\"time\":\"now\",\"headers\":[],\"body\":\"\"}\n".utf8))
        }
        #expect(throws: RecordingError("line 1: body is not valid base64")) {
            try Recording.decodeAll(Array("{\"time\":\"2026-11-27T05:26:03Z\",\"headers\":[],\"encoding\":\"base64\",\"body\":\"***\"}\n".utf8))
        }
    }

    @Test func base64DecodesWhatTheEncoderWrote() {
        // A fixed seed, named in every failure.
        let seed: UInt64 = 0xBA5E_6400_2026_1127
        var generator = SplitMix(state: seed)
        for count in 0..<40 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var encoded: [UInt8] = []
            var encoder = Base64Stream()
            encoder.append(bytes, to: &encoded)
            encoder.finish(&encoded)
            #expect(Base64.decode(encoded) == bytes, "seed \(seed): \(count) bytes")
        }
        #expect(Base64.decode(Array("/wBBwygKgA==".utf8)) == [0xFF, 0x00, 0x41, 0xC3, 0x28, 0x0A, 0x80])
        for bad in ["***", "QQ", "QQ=A", "Q===", "====", "QUJD\n", "Q Q="] {
            #expect(Base64.decode(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func headersAndEncodingMustHaveTheirShapes() {
        let time = "\"time\":\"2026-11-27T05:26:03Z\""
        #expect(throws: RecordingError("a header must be [name, value]")) {
            try Recording.decode(Array("{\(time),\"headers\":[[\"A\"]],\"body\":\"\"}".utf8))
        }
        #expect(throws: RecordingError("unknown body encoding 'gzip'")) {
            try Recording.decode(Array("{\(time),\"headers\":[],\"encoding\":\"gzip\",\"body\":\"\"}".utf8))
        }
        let frame = try? Recording.decode(Array("{\(time),\"type\":null,\"headers\":[[\"A\",\"b\\u00e9\"]],\"encoding\":null,\"body\":\"x\\ny\"}".utf8))
        #expect(frame?.frame.headers["A"] == "b\u{e9}")
        #expect(frame?.frame.body == Array("x\ny".utf8))
    }
}
