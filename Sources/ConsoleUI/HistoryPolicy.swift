import ESLProtocol

/// Which lines go into the history file, and where it lives.
public enum HistoryPolicy {
    /// Lines that could hold a secret are never stored: `auth`/`userauth` commands (as a word anywhere,
    /// `/auth …` included) and anything mentioning a password.
    public static func shouldStore(_ line: String) -> Bool {
        let lower = line.lowercasedASCII
        if lower.allSatisfy({ $0 == " " || $0 == "\t" }) { return false }
        if lower.contains("password") || lower.contains("passwd") { return false }
        let words = lower.split { " \t/:=;".contains($0) }
        return !words.contains { $0 == "auth" || $0 == "userauth" }
    }

    /// `$XDG_STATE_HOME/eslsh/history`, else `~/.local/state/eslsh/history`; nil without either variable.
    public static func path(stateHome: String?, home: String?) -> String? {
        if let stateHome, stateHome.hasPrefix("/") { return stateHome + "/eslsh/history" }
        guard let home, !home.isEmpty else { return nil }
        return home + "/.local/state/eslsh/history"
    }

    /// How many lines the file keeps (fs_cli keeps 800).
    public static let size = 1000
}
