/// The prompt, from fs_cli's `prompt-string` escapes: `%s` switch name, `%h` local host name, `%H` switch
/// host name, `%p` profile, `%o` host connected to, `%P` port, `%%` a literal `%`; unknown escapes are
/// dropped, as fs_cli drops them.
public struct PromptFormat: Sendable, Equatable {
    public var switchName: String
    public var localHostname: String
    public var switchHostname: String
    public var profile: String
    public var host: String
    public var port: Int

    public init(switchName: String, localHostname: String, switchHostname: String, profile: String, host: String, port: Int) {
        self.switchName = switchName
        self.localHostname = localHostname
        self.switchHostname = switchHostname
        self.profile = profile
        self.host = host
        self.port = port
    }

    /// fs_cli's default, `freeswitch@<switchname>> `.
    public static let defaultTemplate = "freeswitch@%s"

    /// The template expanded, with `> ` appended as fs_cli appends it to `prompt-string`.
    public func expand(_ template: String = defaultTemplate) -> String {
        var out = ""
        var escaped = false
        for character in template {
            if escaped {
                escaped = false
                switch character {
                case "s": out += switchName
                case "h": out += localHostname
                case "H": out += switchHostname
                case "p": out += profile
                case "o": out += host
                case "P": out += String(port)
                case "%": out += "%"
                default: break
                }
            } else if character == "%" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out + "> "
    }
}
