/// Text from outside (a caller name, a log line) made safe to put on a terminal: control characters
/// (C0, DEL and the C1 range, which some terminals read as escape sequences) are shown as visible
/// escapes, never emitted.
public enum TerminalText {
    public static func visible(_ text: String) -> String {
        // Most text has nothing to escape: then it is returned as it is.
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
