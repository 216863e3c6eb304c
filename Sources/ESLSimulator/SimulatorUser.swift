import ESLProtocol

/// A directory user `userauth` accepts, with the restrictions of its `esl-allowed-*` params
/// (nil: everything allowed), as the userauth-ok capture shows them.
public struct SimulatorUser: Sendable {
    public var password: String
    /// `esl-allowed-events`: the event names this user may subscribe to.
    public var allowedEvents: [String]?
    /// `esl-allowed-api`: the API commands this user may run.
    public var allowedAPI: [String]?
    /// `esl-allowed-log`.
    public var allowedLog: Bool

    public init(password: String, allowedEvents: [String]? = nil, allowedAPI: [String]? = nil, allowedLog: Bool = true) {
        self.password = password
        self.allowedEvents = allowedEvents
        self.allowedAPI = allowedAPI
        self.allowedLog = allowedLog
    }

    /// The `Allowed-*` headers of the `+OK accepted` reply.
    var replyHeaders: [(String, String)] {
        [("Allowed-Events", allowedEvents?.joined(separator: ",") ?? "all"), ("Allowed-API", allowedAPI?.joined(separator: ",") ?? "all"),
         ("Allowed-LOG", allowedLog ? "true" : "false")]
    }

    func mayRun(_ command: String) -> Bool {
        guard let allowedAPI else { return true }
        let name = command.split(separator: " ").first.map { String($0).lowercasedASCII } ?? ""
        return allowedAPI.contains(name)
    }
}
