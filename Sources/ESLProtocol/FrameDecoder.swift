#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `FrameDecoder.nextPart` returns.
public enum FramePart: Sendable, Equatable {
    case frame(Frame)
    /// The header block of a frame whose body follows in chunks.
    case head(Headers, length: Int)
    case chunk([UInt8])
    /// The streamed body is complete.
    case end
}

/// A sans-IO frame decoder: bytes go in with `feed`, whole frames come out of `next`.
///
/// It is a two-state machine in the style of hiredis' reader: *header block* (search for the blank
/// line) and *body* (wait for `Content-Length` bytes). `next()` returning nil means "need more bytes",
/// which is the normal answer while a frame is incomplete. Chunking never matters: the decoder keeps
/// every unconsumed byte and resumes its search where it stopped.
///
/// Framing uses only the raw bytes; nothing is URL-decoded here, so a `%0A` in a value can never end
/// a header or a frame. Limits are FreeSWITCH's own (10 MiB header block, 16 MiB body); past them the
/// decoder fails with a typed error and stays failed, because the stream is out of step from then on.
public struct FrameDecoder: Sendable {
    public struct Limits: Sendable, Equatable {
        public var headerBlock: Int
        public var body: Int
        public init(headerBlock: Int = 10 * 1024 * 1024, body: Int = 16 * 1024 * 1024) {
            self.headerBlock = headerBlock
            self.body = body
        }
    }

    /// Which bodies `nextPart` hands out in pieces instead of buffering them whole: an `api/response`
    /// can be larger than any sensible buffer (a `show` of a busy switch, a dumped file).
    public struct StreamPolicy: Sendable, Equatable {
        /// Bodies longer than this stream.
        public var threshold: Int
        /// A list, not a `Set`: one or two entries, and a `Set<String>` made at start-up cost a one-shot
        /// run a third of its instructions in the runtime's generic metadata look-ups (docs/PERFORMANCE.md).
        public var contentTypes: [String]
        /// The largest streamed body accepted.
        public var maxBody: Int
        public init(threshold: Int = 1 << 20, contentTypes: [String] = ["api/response"], maxBody: Int = 1 << 40) {
            self.threshold = threshold
            self.contentTypes = contentTypes
            self.maxBody = maxBody
        }
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    /// Bytes still to come of a body being streamed.
    private var streamRemaining: Int?
    /// Index of the first byte not yet consumed.
    private var start = 0
    /// Where the search for the end of the header block resumes.
    private var scanFrom = 0
    /// A parsed header block whose body is still arriving.
    private var pending: (headers: Headers, length: Int)?
    private var failure: DecodeError?

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    /// True when no partial frame is buffered (a clean point to stop reading).
    public var isIdle: Bool { pending == nil && streamRemaining == nil && bufferedByteCount == 0 }

    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        dropConsumed()
        buffer.append(contentsOf: bytes)
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        dropConsumed()
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, nil when more bytes are needed, or the error that ended the stream.
    public mutating func next() throws(DecodeError) -> Frame? {
        if let failure { throw failure }
        if pending == nil {
            guard try readHeaderBlock(policy: nil) else { return nil }
        }
        guard let (headers, length) = pending, buffer.count - start >= length else { return nil }
        let body = length == 0 ? [] : Array(buffer[start..<(start + length)])
        start += length
        scanFrom = start
        pending = nil
        compact()
        return Frame(headers: headers, body: body)
    }

    /// The next whole frame, or a large body in pieces: `.head`, then `.chunk`s as bytes arrive, then
    /// `.end`. Memory stays bounded by the read size however long the body is.
    public mutating func nextPart(streaming policy: StreamPolicy) throws(DecodeError) -> FramePart? {
        if let failure { throw failure }
        if let remaining = streamRemaining {
            if remaining == 0 {
                streamRemaining = nil
                return .end
            }
            let available = buffer.count - start
            guard available > 0 else { return nil }
            let take = min(available, remaining)
            let chunk = Array(buffer[start..<(start + take)])
            start += take
            scanFrom = start
            streamRemaining = remaining - take
            compact()
            return .chunk(chunk)
        }
        if pending == nil {
            guard try readHeaderBlock(policy: policy) else { return nil }
        }
        guard let (headers, length) = pending else { return nil }
        if length > policy.threshold, let type = headers["Content-Type"]?.lowercasedASCII, policy.contentTypes.contains(type) {
            pending = nil
            streamRemaining = length
            return .head(headers, length: length)
        }
        return try next().map(FramePart.frame)
    }

    // MARK: Plain events as bytes

    /// What FreeSWITCH writes before every plain event, around the body's length.
    private static let plainEventStart = Array("Content-Length: ".utf8)
    private static let plainEventType = Array("\nContent-Type: text/event-plain\n\n".utf8)

    /// For a reader that passes plain events on as their bytes (`--events --format plain`): when the
    /// next frame is whole and has exactly the header block FreeSWITCH writes for a plain event
    /// (`Content-Length: N`, `Content-Type: text/event-plain`, a blank line), its body joins `run` and
    /// the answer is true, with no `Frame` or `Headers` made. Otherwise nothing is consumed and the
    /// answer is false, and `nextPart` takes the frame as any other: a different header block, a frame
    /// still arriving, a length past the limits, an error all go the one general way.
    public mutating func takePlainEvent(into run: inout PlainEventRun, streaming policy: StreamPolicy) -> Bool {
        guard let (body, length, _) = plainEventAhead(policy) else { return false }
        buffer.withUnsafeBufferPointer { run.append(UnsafeBufferPointer(rebasing: $0[body..<(body + length)])) }
        consume(upTo: body + length)
        return true
    }

    /// The same for a reader that decodes events: the body of a whole plain event with FreeSWITCH's
    /// header block, with its length written as `String(length)` writes it, so that
    /// `Frame.plainEvent(body:)` is the frame `nextPart` would have given; nil, with nothing consumed,
    /// for anything else.
    public mutating func nextPlainEventBody(streaming policy: StreamPolicy) -> [UInt8]? {
        guard let (body, length, canonical) = plainEventAhead(policy), canonical else { return nil }
        let bytes = Array(buffer[body..<(body + length)])
        consume(upTo: body + length)
        return bytes
    }

    private mutating func consume(upTo end: Int) {
        start = end
        scanFrom = end
        compact()
    }

    /// Where the body of a plain event in FreeSWITCH's exact header block starts and how long it is,
    /// when all of it is here and within the limits; `canonical` when its length has no leading zero.
    private func plainEventAhead(_ policy: StreamPolicy) -> (body: Int, length: Int, canonical: Bool)? {
        guard failure == nil, pending == nil, streamRemaining == nil else { return nil }
        let limit = limits.body
        let streamsPlain = policy.contentTypes.contains("text/event-plain")
        return buffer.withUnsafeBufferPointer { base -> (Int, Int, Bool)? in
            let count = base.count
            var at = start
            while at < count, base[at] == 0x0A || base[at] == 0x0D { at += 1 }
            let blockStart = at
            let prefix = Self.plainEventStart
            guard count - at >= prefix.count + 1 + Self.plainEventType.count,
                  memcmp(base.baseAddress! + at, prefix, prefix.count) == 0 else { return nil }
            at += prefix.count
            var length = 0
            let digits = at
            while at < count, base[at] >= 0x30, base[at] <= 0x39 {
                length = length * 10 + Int(base[at] - 0x30)
                // Past the limit the general path gives the error (and an overflow is never reached).
                if length > limit { return nil }
                at += 1
            }
            let canonical = at - digits == 1 || base[digits] != 0x30
            let type = Self.plainEventType
            guard at > digits, count - at >= type.count, memcmp(base.baseAddress! + at, type, type.count) == 0 else { return nil }
            at += type.count
            guard at - 1 - blockStart <= limits.headerBlock else { return nil }
            guard count - at >= length, !(streamsPlain && length > policy.threshold) else { return nil }
            return (at, length, canonical)
        }
    }

    /// Finds and parses the next header block; false when it is not complete yet.
    private mutating func readHeaderBlock(policy: StreamPolicy?) throws(DecodeError) -> Bool {
        // CR/LF between frames is noise (the server skips it in commands too).
        while start < buffer.count, buffer[start] == 0x0A || buffer[start] == 0x0D { start += 1 }
        scanFrom = max(scanFrom, start)
        guard let (blockEnd, frameStart) = findBlankLine() else {
            if buffer.count - start > limits.headerBlock {
                return try fail(.headerBlockTooLarge(limit: limits.headerBlock))
            }
            compact()
            return false
        }
        if blockEnd - start > limits.headerBlock {
            return try fail(.headerBlockTooLarge(limit: limits.headerBlock))
        }
        let headers = buffer.withUnsafeBufferPointer { HeaderParser.parse($0[start..<blockEnd]) }
        let length: Int
        do throws(DecodeError) {
            var limit = limits.body
            if let policy, let type = headers["Content-Type"]?.lowercasedASCII, policy.contentTypes.contains(type) {
                limit = max(limit, policy.maxBody)
            }
            length = try Self.contentLength(of: headers, limit: limit)
        } catch {
            return try fail(error)
        }
        pending = (headers, length)
        start = frameStart
        scanFrom = start
        return true
    }

    /// The end of the header lines and the start of the body: the first `\n\n` or `\n\r\n`.
    private mutating func findBlankLine() -> (Int, Int)? {
        let count = buffer.count
        let found: (Int, Int)? = buffer.withUnsafeBufferPointer { raw in
            guard let base = raw.baseAddress else { return nil }
            var index = scanFrom
            while index < count {
                guard let hit = memchr(base + index, 0x0A, count - index) else { return nil }
                let newline = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if newline + 1 < count, base[newline + 1] == 0x0A { return (newline + 1, newline + 2) }
                if newline + 2 < count, base[newline + 1] == 0x0D, base[newline + 2] == 0x0A {
                    return (newline + 1, newline + 3)
                }
                if newline + 2 >= count { return nil }  // undecided until more bytes come
                index = newline + 1
            }
            return nil
        }
        if found == nil {
            // Resume just before the end: a terminator may straddle two reads.
            scanFrom = max(start, count - 2)
        }
        return found
    }

    private mutating func fail(_ error: DecodeError) throws(DecodeError) -> Bool {
        failure = error
        buffer = []
        start = 0
        scanFrom = 0
        throw error
    }

    /// Frees the buffer once every byte in it is consumed, so memory follows the largest frame. A
    /// partly consumed buffer is left as it is until the next `feed`: moving the rest forward after each
    /// frame moved most of a 256 KiB read again for every few frames taken from it.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
            scanFrom = 0
        }
    }

    /// Before new bytes are appended: the consumed ones go, so only the unfinished frame is moved, once
    /// per read.
    private mutating func dropConsumed() {
        guard start > 0 else { return }
        if start == buffer.count {
            compact()
            return
        }
        buffer.removeSubrange(0..<start)
        scanFrom -= start
        start = 0
    }

    /// The body length a header block announces: 0 when absent; every copy must agree.
    static func contentLength(of headers: Headers, limit: Int) throws(DecodeError) -> Int {
        var length: Int?
        for header in headers where header.name.equalsIgnoringASCIICase("Content-Length") {
            let value = try parseLength(header.value, limit: limit)
            if let length, length != value { throw .conflictingContentLength(headers.values("Content-Length")) }
            length = value
        }
        return length ?? 0
    }

    /// A plain decimal number, spaces or tabs around it allowed; anything else is an error.
    static func parseLength(_ text: String, limit: Int) throws(DecodeError) -> Int {
        var digits = Substring(text).utf8
        while let first = digits.first, first == 0x20 || first == 0x09 { digits.removeFirst() }
        while let last = digits.last, last == 0x20 || last == 0x09 { digits.removeLast() }
        guard !digits.isEmpty else { throw .invalidContentLength(text) }
        var value = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { throw .invalidContentLength(text) }
            value = value * 10 + Int(byte - 0x30)
            // Checked per digit so that a 40-digit length cannot overflow.
            if value > limit {
                throw .bodyTooLarge(length: digits.count > 18 ? Int.max : Int(String(Substring(digits))) ?? Int.max, limit: limit)
            }
        }
        return value
    }
}

/// Splits a frame's header block into lines at the first colon (event bodies use `HeaderTable`).
enum HeaderParser {
    /// Parses `Name: value` lines. Spaces and tabs after the colon are skipped and a trailing CR is
    /// dropped; a line without a colon carries no header and is skipped.
    static func parse(_ block: Slice<UnsafeBufferPointer<UInt8>>) -> Headers {
        var list: [Header] = []
        var lineStart = block.startIndex
        let end = block.endIndex
        let base = block.base
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, base[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart, base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            var colon = lineStart
            while colon < contentEnd, base[colon] != 0x3A { colon += 1 }
            if colon < contentEnd {
                var valueStart = colon + 1
                while valueStart < contentEnd, base[valueStart] == 0x20 || base[valueStart] == 0x09 { valueStart += 1 }
                let name = String(decoding: UnsafeBufferPointer(rebasing: base[lineStart..<colon]), as: UTF8.self)
                let raw = UnsafeBufferPointer(rebasing: base[valueStart..<contentEnd])
                list.append(Header(name, String(decoding: raw, as: UTF8.self)))
            }
            lineStart = lineEnd + 1
        }
        return Headers(list)
    }
}
