import ConsoleUI
import ESLProtocol
import EslshKit

/// The second fuzz target (issue 14, class 9): the parsers of outside input that are not the frame
/// decoders. The first byte picks one, like `FuzzTarget`'s, so one corpus covers them all:
/// 0 a config file (eslsh's or fs_cli's dialect), 1 a recording and its replay timing, 2 a `show … as
/// json` answer (the one-pass reader must agree with the plain conversion) and its three renderings,
/// 3 a script's lines through the line grammar and the command encoder, 4 a delimited `show` answer.
/// A crash, a hang or a broken invariant is a finding.
public enum ParserFuzzTarget {
    /// The parser kinds, in the selector's order. A run may be held to one kind (`ESLFUZZ_TARGET=config`,
    /// …): the first byte still comes first (a recording's speed is in it), but no longer picks the kind,
    /// so the fuzzer's whole effort goes to that parser and the mixed corpus seeds it.
    public enum Kind: Int, CaseIterable, Sendable {
        case config, recording, show, script, tables

        public init?(name: String) {
            guard let kind = Self.allCases.first(where: { "\($0)" == name }) else { return nil }
            self = kind
        }
    }

    public static func run(_ data: UnsafeBufferPointer<UInt8>, only kind: Kind? = nil) {
        guard let selector = data.first else { return }
        let bytes = UnsafeBufferPointer(rebasing: data.dropFirst())
        switch kind ?? Kind(rawValue: Int(selector % 5))! {
        case .config: config(String(decoding: bytes, as: UTF8.self))
        case .recording: recording(Array(bytes), speedByte: selector)
        case .show: showJSON(String(decoding: bytes, as: UTF8.self))
        case .script: script(bytes)
        case .tables: tables(String(decoding: bytes, as: UTF8.self))
        }
    }

    static func config(_ text: String) {
        guard let file = try? ConfigFile(path: "fuzz.conf", text: text) else { return }
        for profile in file.profiles {
            guard let found = try? file.profile(named: profile.name) else { preconditionFailure("a profile read is not found by its name") }
            for key in ConfigFile.knownKeys { _ = found[key].map(isTruthy) }
        }
        _ = try? file.profile(named: nil)
        _ = try? file.profile(named: "no such profile \(text.utf8.count)")
    }

    /// The lines as a replay reads them, their times paced at a speed from the selector's high bits.
    static func recording(_ bytes: [UInt8], speedByte: UInt8) {
        guard let (frames, _) = try? Recording.decodeAll(bytes), let first = frames.first else { return }
        let speeds: [Double] = [ReplayPace.speeds.lowerBound, 1, ReplayPace.speeds.upperBound, 0.5, 3]
        let speed = speeds[Int(speedByte / 5) % speeds.count]
        let pace = ReplayPace(speed: speed, firstRecorded: first.time, firstPlayed: UInt64(speedByte) << 40)
        for frame in frames {
            let due = pace.due(frame.time)
            precondition(due >= pace.firstPlayed, "a frame is due before the first")
            precondition(frame.time > first.time || due == pace.firstPlayed, "an earlier frame waits")
            _ = Recording.isoTime(frame.time)
            _ = EventFormatter.clock(frame.time, date: true)
            _ = Message(frame: frame.frame)
        }
    }

    static func showJSON(_ text: String) {
        let shape = ShowTable.parse(text)
        // Only answers that take the JSON path: `N total.` alone is the delimited form's.
        if text.first == "{" {
            precondition(ShowJSONReference.same(shape, ShowJSONReference.shape(text)), "the one-pass reader disagrees")
        }
        render(shape)
    }

    /// Why an answer is not a table is asked only of one that is not (for one that is, the answer is
    /// nil without more work, and a second parse is what a run could least afford).
    static func tables(_ text: String) {
        let shape = ShowTable.parse(text)
        render(shape)
        if shape == nil { _ = TableFormatter(format: .csv).unconverted(text) }
    }

    /// Each rendering once, the aligned one fitted to a narrow terminal (cutting and leaving out
    /// columns are the parts with arithmetic); the selector's speed is what millions of runs need.
    static func render(_ shape: ShowTable.Shape?) {
        guard case .table(let table)? = shape else { return }
        _ = TableFormatter(format: .csv).render(table)
        _ = TableFormatter(format: .json).render(table)
        _ = TableFormatter(format: .table, width: 30).render(table)
    }

    /// Every line of a script; what is sent must be one command: a head without a carriage return or a
    /// blank line inside it, and exactly the body its Content-Length announces.
    static func script(_ bytes: UnsafeBufferPointer<UInt8>) {
        var lines = scriptLines(bytes).makeIterator()
        while let line = lines.next() {
            let action: LineAction
            do throws(CommandError) { action = try LineGrammar.parse(line) } catch { continue }
            switch action {
            case .send(let command):
                check(command)
            case .entry(var entry):
                if let command = try? entry.readScript(from: &lines) { check(command) }
            case .skip, .local:
                break
            }
        }
    }

    /// A script's lines as `LineFile` reads them from a file: split at line feeds by bytes, NULs kept,
    /// no empty line after the last line feed (a body must not borrow one the file does not have).
    public static func scriptLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var split = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if split.last?.isEmpty == true { split.removeLast() }
        return split.map { line in String(decoding: line, as: UTF8.self) }
    }

    /// Searched by plain loops: `firstRange(of:)` and a String split were most of a run's time.
    static func check(_ command: Command) {
        guard let bytes = try? command.encode() else { return }
        guard let end = (bytes.indices.dropLast()).first(where: { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }) else {
            preconditionFailure("a command without its blank line")
        }
        let head = bytes[..<end]
        precondition(!head.contains(0x0D), "a carriage return in a command's head")
        precondition(!head.contains(0), "a NUL byte in a command's head")
        let body = bytes[(end + 2)...]
        precondition(body.count == (contentLength(head) ?? 0), "a command's body is not the length it announces")
    }

    /// The value of the head's first `Content-Length: ` line, if it has one.
    static func contentLength(_ head: ArraySlice<UInt8>) -> Int? {
        var start = head.startIndex
        while start < head.endIndex {
            let end = head[start...].firstIndex(of: 0x0A) ?? head.endIndex
            if head[start..<end].starts(with: contentLengthName) {
                return Int(String(decoding: head[(start + contentLengthName.count)..<end], as: UTF8.self))
            }
            start = end + 1
        }
        return nil
    }

    private static let contentLengthName = Array("Content-Length: ".utf8)
}
