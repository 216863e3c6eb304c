import ArgumentParser
import ESLProtocol

/// `--record FILE` (console, --events, -x, -f, standard input).
struct RecordOptions: ParsableArguments {
    @Option(name: .customLong("record"), help: ArgumentHelp(
        "Save every frame received, with its receive time, to this file (NDJSON, created mode 0600); play it back with 'eslsh replay'.",
        valueName: "file"))
    var path: String?

    func validate() throws {
        if let path, path.isEmpty { throw ValidationError("--record needs a file name") }
    }

    /// Starts the recorder and hooks it into the connection options (every connection, reconnects too).
    func start(_ connect: inout ConnectOptions) throws(FrameRecorder.Failure) -> FrameRecorder? {
        guard let path else { return nil }
        let recorder = try FrameRecorder(path: path)
        connect.onFrame = { part in recorder.record(part) }
        return recorder
    }
}
