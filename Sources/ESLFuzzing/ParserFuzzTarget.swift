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
    public static func run(_ data: UnsafeBufferPointer<UInt8>) {
        guard let selector = data.first else { return }
        let bytes = Array(data.dropFirst())
        let text = String(decoding: bytes, as: UTF8.self)
        switch selector % 5 {
        case 0: config(text)
        case 1: recording(bytes, speedByte: selector)
        case 2: showJSON(text)
        case 3: script(text)
        default: tables(text)
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

    static func tables(_ text: String) {
        render(ShowTable.parse(text))
        _ = TableFormatter(format: .csv).unconverted(text)
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
    static func script(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).makeIterator()
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

    static func check(_ command: Command) {
        guard let bytes = try? command.encode() else { return }
        guard let end = bytes.firstRange(of: [0x0A, 0x0A]) else { preconditionFailure("a command without its blank line") }
        let head = bytes[..<end.lowerBound]
        precondition(!head.contains(0x0D), "a carriage return in a command's head")
        let body = bytes[end.upperBound...]
        let length = String(decoding: head, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("Content-Length: ") }.flatMap { Int($0.dropFirst(16)) }
        precondition(body.count == (length ?? 0), "a command's body is not the length it announces")
    }
}
