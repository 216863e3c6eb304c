import ESLProtocol

/// One command as the server reads it: the command line, `Name: value` headers, an optional body.
struct ReceivedCommand: Sendable {
    var line: String
    var headers: Headers
    var body: [UInt8]?
}

/// Sans-IO reader of client commands, the server side of the framing: leading CR/LF skipped, the block
/// ends at a blank line (`\n\n` or `\r\n\r\n`), header values are not URL-decoded, and a
/// `Content-Length` header is followed by that many body bytes.
struct CommandReader {
    enum Failure: Error { case tooLarge, badLength(String) }

    static let maxBlock = 10 * 1024 * 1024
    static let maxBody = 16 * 1024 * 1024
    private var buffer: [UInt8] = []

    mutating func feed(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    mutating func next() throws(Failure) -> ReceivedCommand? {
        var start = 0
        while start < buffer.count, buffer[start] == 0x0A || buffer[start] == 0x0D { start += 1 }
        if start > 0 { buffer.removeFirst(start) }
        guard let (blockEnd, bodyStart) = blankLine() else {
            if buffer.count > Self.maxBlock { throw .tooLarge }
            return nil
        }
        let lines = buffer[0..<blockEnd].split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> String in
            var line = line[...]
            if line.last == 0x0D { line = line.dropLast() }
            return String(decoding: line, as: UTF8.self)
        }
        var headers = Headers()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            headers.append(String(line[..<colon]), String(value))
        }
        var body: [UInt8]?
        var consumed = bodyStart
        if let declared = headers["Content-Length"] {
            guard let length = Int(declared), length >= 0, length <= Self.maxBody else { throw .badLength(declared) }
            guard buffer.count >= bodyStart + length else { return nil }
            body = Array(buffer[bodyStart..<(bodyStart + length)])
            consumed += length
        }
        let command = ReceivedCommand(line: lines.first ?? "", headers: headers, body: body)
        buffer.removeFirst(consumed)
        return command
    }

    /// End of the header lines and start of what follows: two LFs with only CRs between them.
    private func blankLine() -> (Int, Int)? {
        var index = 0
        while index < buffer.count {
            if buffer[index] == 0x0A {
                var next = index + 1
                while next < buffer.count, buffer[next] == 0x0D { next += 1 }
                if next < buffer.count, buffer[next] == 0x0A { return (index, next + 1) }
            }
            index += 1
        }
        return nil
    }
}
