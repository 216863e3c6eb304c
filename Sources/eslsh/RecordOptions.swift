import ArgumentParser
import ESLClient
import ESLProtocol

/// `--record FILE` (console, --events, -x, -f, standard input).
struct RecordOptions: ParsableArguments {
    @Option(name: .customLong("record"), help: ArgumentHelp(
        "Save every frame received, with its receive time, to this file (NDJSON, created mode 0600; with several hosts one file each, FILE with the host before its extension); play it back with 'eslsh replay'.",
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

    /// A fleet records each host into its own file: `day.ndjson` → `day.pbx1.ndjson`, `day.pbx2.ndjson`
    /// (the host as written, `/` and `:` made `_`), so each replays as the one switch it was.
    func startFleet(_ hosts: [FleetHost]) throws(FrameRecorder.Failure) -> [String: FrameRecorder] {
        guard let path else { return [:] }
        var recorders: [String: FrameRecorder] = [:]
        for host in hosts {
            do throws(FrameRecorder.Failure) {
                recorders[host.label] = try FrameRecorder(path: Self.path(path, for: host.label))
            } catch {
                for recorder in recorders.values { _ = recorder.close() }
                throw error
            }
        }
        return recorders
    }

    static func path(_ path: String, for label: String) -> String {
        let safe = String(label.map { $0 == "/" || $0 == ":" ? "_" : $0 })
        let slash = path.lastIndex(of: "/")
        if let dot = path.lastIndex(of: "."), dot > (slash ?? path.startIndex), dot != path.startIndex,
           slash.map({ path.index(after: $0) != dot }) ?? true {
            return path[..<dot] + "." + safe + path[dot...]
        }
        return path + "." + safe
    }
}
