import Testing
@testable import EslshKit

@Suite struct ConfigFileTests {
    @Test func eslshsDialect() throws {
        let config = try ConfigFile(path: "conf", text: """
            # eslsh profiles
            [default]
            host = pbx1
            port = 8022 ;; the lab's port
            Password = secret

            [night]
            host => pbx2
            host => pbx3
            """)
        #expect(config.profiles.map(\.name) == ["default", "night"])
        #expect(config.profiles[0]["host"] == "pbx1")
        #expect(config.profiles[0]["port"] == "8022")
        #expect(config.profiles[0]["password"] == "secret")  // keys are case-insensitive
        #expect(config.profiles[0].values["password"]?.line == 5)
        #expect(config.profiles[1]["host"] == "pbx3")  // the last of a repeated key wins
        #expect(config.profiles[1].values["host"]?.line == 9)
        #expect(config.unknownKeys.isEmpty)
    }

    /// fs_cli's shipped sample, as fs_cli reads it: `=>`, `;` and `#` comments, key_Fn macros,
    /// `__END__` ends the file.
    @Test func fsClisDialect() throws {
        let config = try ConfigFile(path: "/etc/fs_cli.conf", text: """
            ; fs_cli.conf
            [default]
            host => 127.0.0.1
            password => ClueCon
            port => 8021
            debug => 2
            key_F1 => help
            key_F7 => /log console
            __END__
            [ignored]
            garbage
            """)
        #expect(config.profiles.map(\.name) == ["default"])
        #expect(config.profiles[0]["key_f1"] == "help")
        #expect(config.profiles[0]["key_f7"] == "/log console")
        #expect(config.profiles[0]["debug"] == "2")
        #expect(config.unknownKeys.isEmpty)
    }

    @Test func crlfFilesAndBlanksAroundNames() throws {
        let config = try ConfigFile(path: "conf", text: "[ lab ]\r\nhost = pbx\r\n")
        #expect(config.profiles.map(\.name) == ["lab"])
        #expect(config.profiles[0]["host"] == "pbx")
    }

    @Test func unknownKeysAreNotedWithTheirLines() throws {
        let config = try ConfigFile(path: "conf", text: "[default]\nhost = a\ncolour = never\nkey_toggle_f2 = x\n")
        #expect(config.unknownKeys.map(\.key) == ["colour"])
        #expect(config.unknownKeys.map(\.line) == [3])
    }

    @Test func badLinesAreErrorsWithTheirLineNumbers() {
        #expect(errorText { try ConfigFile(path: "conf", text: "host = a\n") } == "conf:1: 'host' is outside any [profile] section")
        #expect(errorText { try ConfigFile(path: "conf", text: "[default]\n\nhost a\n") } == "conf:3: expected 'key => value'")
        #expect(errorText { try ConfigFile(path: "conf", text: "# x\n[default\n") } == "conf:2: a section name must look like [name]")
        #expect(errorText { try ConfigFile(path: "conf", text: "[]\n") } == "conf:1: a section name must look like [name]")
    }

    @Test func choosingAProfile() throws {
        let config = try ConfigFile(path: "conf", text: "[lab]\nhost = a\n[default]\nhost = b\n")
        #expect(try config.profile(named: nil)?.name == "default")
        #expect(try config.profile(named: "lab")?.name == "lab")
        #expect(errorText { try config.profile(named: "Lab") } == "conf: no profile named 'Lab' (profiles: lab, default)")
        let noDefault = try ConfigFile(path: "conf", text: "[lab]\n[prod]\n")
        #expect(try noDefault.profile(named: nil)?.name == "lab")
        #expect(errorText { try ConfigFile(path: "conf", text: "").profile(named: "x") } == "conf: no profile named 'x' (profiles: none)")
    }

    @Test func whereTheFileIsLookedFor() {
        #expect(ConfigFile.candidatePaths(environment: ["HOME": "/home/u"].get) == ["/home/u/.config/eslsh/config", "/home/u/.fs_cli_conf", "/etc/fs_cli.conf"])
        #expect(ConfigFile.candidatePaths(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/x"].get) == ["/x/eslsh/config", "/home/u/.fs_cli_conf", "/etc/fs_cli.conf"])
        #expect(ConfigFile.candidatePaths(environment: ["HOME": "/home/u", "ESLSH_CONFIG": "/my/conf"].get) == ["/my/conf"])
        #expect(ConfigFile.candidatePaths(environment: [:].get) == ["/.config/eslsh/config", "/etc/fs_cli.conf"])
    }

    @Test func loadingReadsTheFirstFileAndItsMode() throws {
        let path = temporaryPath("conf")
        try write("[default]\npassword = x\n", to: path, mode: 0o644)
        let config = try #require(try ConfigFile.load(environment: ["ESLSH_CONFIG": path].get))
        #expect(config.path == path)
        #expect(config.isReadableByOthers)
        #expect(try ConfigFile.load(environment: ["ESLSH_CONFIG": path + ".none"].get) == nil)
    }

    @Test func fsClisTruthValues() {
        for yes in ["yes", "ON", "true", "enabled", "active", "allow", "1", "-3"] { #expect(isTruthy(yes), "\(yes)") }
        for no in ["no", "off", "0", "", "maybe"] { #expect(!isTruthy(no), "\(no)") }
    }
}

extension Dictionary where Key == String, Value == String {
    /// The dictionary as an environment look-up.
    var get: (String) -> String? { { self[$0] } }
}
