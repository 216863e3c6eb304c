import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// `eslsh replay FILE`: a recording made with `--record`, shown as `--events` showed it live (same
/// formatter, formats and log rendering), with client-side filters in place of the server's.
package struct Replay {
    package var file: String
    package var selection: EventSelection
    package var format: EventOutputFormat
    package var timestamps: Bool
    /// Also command replies and API outputs.
    package var replies: Bool
    /// Times faster than recorded; nil: no pauses.
    package var pace: Double?
    package var count: Int?
    package var quiet: Bool
    package var color: ColorMode
    /// `--escape`.
    package var escape = EscapeMode.auto
    /// Ctrl-C or SIGTERM: the replay ends cleanly with what was printed so far.
    package var interruption = Interruption.signals
    /// `--trace UUID`: the call's timeline, as `eslsh --trace` prints it live.
    package var trace: String?

    package init(file: String, selection: EventSelection, format: EventOutputFormat, timestamps: Bool, replies: Bool,
                 pace: Double?, count: Int?, quiet: Bool, color: ColorMode) {
        self.file = file
        self.selection = selection
        self.format = format
        self.timestamps = timestamps
        self.replies = replies
        self.pace = pace
        self.count = count
        self.quiet = quiet
        self.color = color
    }

    package func run() -> ExitStatus {
        let printer = Printer(quiet: quiet)
        guard let reader = RecordingReader(path: file) else {
            printer.error("cannot read \(file): \(String(cString: strerror(errno)))")
            return .usage
        }
        interruption.install()
        let style = Style.forStandardOutput(color)
        var player = ReplayPlayer(formatter: EventFormatter(format: format, style: style, timestamps: timestamps,
                                                                    terminal: .forStandardOutput(escape)),
                                  selection: selection, replies: replies, printer: printer)
        var follower = trace.map { TraceFollower(uuid: $0, format: TraceFormat(json: format == .ndjson, style: style)) }
        var paced: ReplayPace?
        defer {
            if let follower { printer.out(follower.summary) }
            printer.flush()
        }
        while !interruption.isRequested() {
            let recorded: RecordedFrame
            do throws(RecordingError) {
                guard let next = try reader.next() else { break }
                recorded = next
            } catch {
                printer.error("\(file): \(error.message)")
                return .usage
            }
            if let pace {
                if let paced {
                    wait(until: paced.due(recorded.time), printer)
                    // Interrupted in the pause: the frame waited for is not shown.
                    if interruption.isRequested() { break }
                } else {
                    paced = ReplayPace(speed: pace, firstRecorded: recorded.time, firstPlayed: Deadline.now().nanoseconds)
                }
            }
            if follower != nil {
                // The live rule on the recorded clock: over once nothing of the call came for a while.
                if follower!.isOver(at: recorded.time) { break }
                let text = follower!.offer(Message(frame: recorded.frame), at: recorded.time)
                if !text.isEmpty { printer.out(text) }
                continue
            }
            player.play(recorded)
            if let count, player.events >= count { return .ok }
        }
        if reader.truncated { printer.note("\(file): the last line was cut short and was left out") }
        return .ok
    }

    /// Sleeps in short steps so that Ctrl-C ends a long pause at once; what is printed goes out first.
    private func wait(until nanoseconds: UInt64, _ printer: Printer) {
        guard Deadline.now().nanoseconds < nanoseconds else { return }
        printer.flush()
        while !interruption.isRequested() {
            let now = Deadline.now().nanoseconds
            guard now < nanoseconds else { return }
            usleep(UInt32(min(nanoseconds - now, 100_000_000) / 1000))
        }
    }
}
