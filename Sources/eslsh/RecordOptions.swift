import EslshKit
import ArgumentParser

/// `--record FILE` (console, --events, -x, -f, standard input).
struct RecordOptions: ParsableArguments {
    @Option(name: .customLong("record"), help: ArgumentHelp(
        "Save every frame received, with its receive time, to this file (NDJSON, created mode 0600; with several hosts one file each, FILE with the host before its extension); play it back with 'eslsh replay'.",
        valueName: "file"))
    var path: String?

    func validate() throws {
        if let path, path.isEmpty { throw ValidationError("--record needs a file name") }
    }
}
