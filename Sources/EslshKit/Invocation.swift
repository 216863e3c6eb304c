import ConsoleUI

/// The command line as plain values: what the options said, before the profile and the environment
/// are applied (`Settings.resolve`). The executable fills it in from its option declarations; tests
/// build one directly, so no mode needs the argument parser to run.
package struct Invocation: Sendable, Equatable {
    package var profile: String?
    package var hosts: [String] = []
    package var port: Int?
    package var user: String?
    package var password: String?
    package var askPassword = false
    package var execute: [String] = []
    package var file: String?
    package var bail = false
    /// Only errors on standard error.
    package var quiet = false
    package var color: ColorMode?
    /// `--escape`: when outside control characters are shown as escapes (nil: the profile's, else auto).
    package var escape: EscapeMode?
    package var connectTimeout: TimeSpan?
    package var timeout: TimeSpan?
    package var retry = 0
    package var reconnect = false
    package var reconnectMax: Int?
    package var listProfiles = false
    /// `-d`: nil when not given (the profile's `debug` may then apply).
    package var debug: Int?
    /// `-q`: no `log` at start.
    package var quietLogs = false
    /// `-b`: standard input's lines without the line editor, even at a terminal.
    package var batch = false
    /// `-U` (0: the whole UUID) or `-S` (8): log lines prefixed with their call's UUID.
    package var logUUID: Int?
    /// `-i`: Ctrl-C at the prompt exits.
    package var interrupt = false
    /// `-s UUID`: the console starts with this UUID's log filter.
    package var setLogUUID: String?
    /// Invoked as `fs_cli` (argv[0]): fs_cli's profile files and `-x` output.
    package var asFsCli = false
    /// `--events`: the subscription's words (`CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE`, `ALL`, …).
    package var events: String?
    package var format: EventOutputFormat?
    package var uuid: String?
    package var count: Int?
    package var timestamps = false
    package var filters: [String] = []
    package var log: String?
    package var buffer = BufferSize.standard
    package var listen: String?
    package var allow: [String] = []
    package var calls: Int?
    package var prompt: String?
    package var noHistory = false
    package var record: String?
    package var stats = false
    /// `--top`: the full-screen calls view.
    package var top = false
    /// `--trace UUID`: one call's timeline.
    package var trace: String?
    package var hostsFile: String?
    /// `--output`: how `show` tables are printed (nil: table at a terminal, raw otherwise).
    package var output: OutputFormat?
    package var wide = false
    package var yes = false

    package init() {}
}
