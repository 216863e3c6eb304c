import ConsoleUI
import ESLClient
import ESLProtocol
import Testing
@testable import EslshKit

/// Precedence: defaults < profile < environment < command line.
@Suite struct SettingsTests {
    let config = try! ConfigFile(path: "conf", text: """
        [default]
        host = profilehost
        port = 8022
        password = profilesecret
        user = 1000@default
        timeout = 1500
        connect-timeout = 700
        loglevel = info
        color = never
        escape = Always
        format = json
        key_F3 = show calls
        [other]
        hosts = pbx1, pbx2:8030
        """)

    func resolve(_ invocation: Invocation = Invocation(), environment: [String: String] = [:], config: ConfigFile? = nil,
                 askPassword: () throws -> String = { "asked" }) throws -> Settings {
        try Settings.resolve(invocation, environment: environment.get, config: config, askPassword: askPassword)
    }

    @Test func defaults() throws {
        let settings = try resolve()
        #expect(settings.connect.host == "127.0.0.1")
        #expect(settings.connect.port == 8021)
        #expect(settings.connect.password == "ClueCon")
        #expect(settings.connect.user == nil)
        #expect(settings.replyTimeout == nil)
        #expect(settings.color == .auto)
        #expect(settings.escape == .auto)
        #expect(settings.format == nil)
        #expect(settings.history)
        #expect(settings.fleet.isEmpty)
        #expect(settings.connect.queueCapacity == 10_000)
        #expect(settings.warnings.isEmpty)
    }

    @Test func theProfileOverTheDefaults() throws {
        let settings = try resolve(config: config)
        #expect(settings.profileName == "default")
        #expect(settings.connect.host == "profilehost")
        #expect(settings.connect.port == 8022)
        #expect(settings.connect.password == "profilesecret")
        #expect(settings.connect.user == "1000@default")
        #expect(settings.replyTimeout == .milliseconds(1500))
        #expect(settings.connect.connectTimeoutMilliseconds == 700)
        #expect(settings.logLevel == "info")
        #expect(settings.color == .never)
        #expect(settings.escape == .always)
        #expect(settings.format == .json)
        #expect(settings.functionKeys == [3: "show calls"])
    }

    @Test func theEnvironmentOverTheProfile() throws {
        let environment = ["ESL_HOST": "envhost", "ESL_PORT": "8023", "ESL_USER": "1001@default", "ESL_PASSWORD": "envsecret"]
        let settings = try resolve(environment: environment, config: config)
        #expect(settings.connect.host == "envhost")
        #expect(settings.connect.port == 8023)
        #expect(settings.connect.user == "1001@default")
        #expect(settings.connect.password == "envsecret")
        // Empty variables are not set (the password excepted: an empty one is a password).
        let empty = try resolve(environment: ["ESL_HOST": "", "ESL_PORT": "", "ESL_PASSWORD": ""], config: config)
        #expect(empty.connect.host == "profilehost")
        #expect(empty.connect.port == 8022)
        #expect(empty.connect.password == "")
    }

    @Test func theCommandLineOverEverything() throws {
        var invocation = Invocation()
        invocation.hosts = ["clihost"]
        invocation.port = 8024
        invocation.user = "1002@default"
        invocation.password = "clisecret"
        invocation.timeout = TimeSpan(argument: "2s")
        invocation.connectTimeout = TimeSpan(argument: "300")
        invocation.color = .always
        invocation.escape = .never
        invocation.format = .xml
        invocation.log = "err"
        invocation.quiet = true
        invocation.buffer = .events(50)
        let environment = ["ESL_HOST": "envhost", "ESL_PORT": "8023", "ESL_USER": "u", "ESL_PASSWORD": "envsecret"]
        let settings = try resolve(invocation, environment: environment, config: config)
        #expect(settings.connect.host == "clihost")
        #expect(settings.connect.port == 8024)
        #expect(settings.connect.user == "1002@default")
        #expect(settings.connect.password == "clisecret")
        #expect(settings.replyTimeout == .seconds(2))
        #expect(settings.connect.connectTimeoutMilliseconds == 300)
        #expect(settings.color == .always)
        #expect(settings.escape == .never)
        #expect(settings.format == .xml)
        #expect(settings.logLevel == "err")
        #expect(settings.quiet)
        #expect(settings.connect.queueCapacity == 50)
        // A port given with the host wins over -P.
        invocation.hosts = ["clihost:8099"]
        #expect(try resolve(invocation, environment: environment, config: config).connect.port == 8099)
    }

    @Test func askingForThePasswordWinsOverTheOthers() throws {
        var invocation = Invocation()
        invocation.password = "clisecret"
        invocation.askPassword = true
        #expect(try resolve(invocation, environment: ["ESL_PASSWORD": "e"], config: config).connect.password == "asked")
        // Not asked unless -i said so.
        #expect(try resolve(config: config, askPassword: { Issue.record("asked"); return "" }).connect.password == "profilesecret")
    }

    @Test func aProfileByName() throws {
        var invocation = Invocation()
        invocation.profile = "other"
        let settings = try resolve(invocation, config: config)
        #expect(settings.profileName == "other")
        #expect(settings.fleet.map(\.label) == ["pbx1", "pbx2:8030"])
        #expect(settings.connect(to: settings.fleet[1]).port == 8030)
        #expect(settings.connect(to: settings.fleet[0]).port == 8021)
        // ESL_HOST names one switch: the profile's list is not used then.
        #expect(try resolve(invocation, environment: ["ESL_HOST": "one"], config: config).fleet.isEmpty)
        invocation.profile = "none"
        #expect(errorText { try resolve(invocation, config: config) } == "conf: no profile named 'none' (profiles: default, other)")
    }

    @Test func severalHostsOnTheCommandLineMakeAFleetOnce() throws {
        var invocation = Invocation()
        invocation.hosts = ["a", "b:8022", "a"]
        let settings = try resolve(invocation)
        #expect(settings.fleet.map(\.label) == ["a", "b:8022"])
        #expect(settings.connect.host == "a")
    }

    @Test func badValuesNameTheirPlace() throws {
        func failure(_ text: String, environment: [String: String] = [:]) throws -> String {
            let config = try ConfigFile(path: "conf", text: text)
            return errorText { try resolve(environment: environment, config: config) }
        }
        #expect(try failure("[p]\nport = 80000\n") == "conf:2: port must be a number in 1-65535, not '80000'")
        #expect(try failure("[p]\n\ntimeout = soon\n") == "conf:3: timeout must be a number in 0-86400000, not 'soon'")
        #expect(try failure("[p]\ncolor = pink\n") == "conf:2: color must be auto, always or never")
        #expect(try failure("[p]\nescape = sometimes\n") == "conf:2: escape must be auto, always or never")
        #expect(try failure("[p]\nformat = yaml\n") == "conf:2: format must be one of summary, headers, plain, json, ndjson, xml")
        #expect(try failure("[p]\n", environment: ["ESL_PORT": "eighty"]) == "ESL_PORT must be a port number, not 'eighty'")
        #expect(try failure("[p]\n", environment: ["ESL_PORT": "0"]) == "ESL_PORT must be a port number, not '0'")
        var invocation = Invocation()
        invocation.hosts = ["pbx:"]
        #expect(errorText { try resolve(invocation) } == "-H: 'pbx:' has no valid port (1-65535)")
    }

    @Test func fsClisKeys() throws {
        let config = try ConfigFile(path: "conf", text: "[p]\nquiet = yes\nno-history-file = true\nprompt-string = %s> \ntimeout = 0\n")
        let settings = try resolve(config: config)
        #expect(settings.quietLogs)
        #expect(!settings.history)
        #expect(settings.prompt == "%s>")
        #expect(settings.replyTimeout == nil)  // 0: no timeout, as in fs_cli
    }

    @Test func warnings() throws {
        var config = try ConfigFile(path: "conf", text: "[p]\npassword = x\ncolour = never\n")
        #expect(try resolve(config: config).warnings == ["conf:3: unknown key 'colour' ignored"])
        config.mode = 0o100644
        #expect(try resolve(config: config).warnings == ["conf:3: unknown key 'colour' ignored",
                                                        "conf holds a password and is readable by others (chmod 600 conf)"])
    }
}

/// fs_cli's profile keys that eslsh honours since issue 18, with the command line over them.
@Suite struct FsCliKeySettingsTests {
    let config = try! ConfigFile(path: "conf", text: """
        [default]
        debug => 7
        batchmode => yes
        log-uuid => true
        prompt-color => red
        input-text-color => bold-blue
        output-text-color => purple
        key_F2 => hostname
        key_toggle_F2 => version
        """)

    @Test func keysAndTheCommandLineOverThem() throws {
        let settings = try Settings.resolve(Invocation(), environment: { _ in nil }, config: config, askPassword: { "" })
        #expect(settings.debug == 1)
        #expect(settings.batch)
        #expect(settings.logUUID == 0)
        #expect(settings.promptColor == "\u{1B}[31m")
        // fs_cli maps bold-<colour> to the background colour; an unknown name resets.
        #expect(settings.inputColor == "\u{1B}[44m")
        #expect(settings.outputColor == "\u{1B}[m")
        #expect(settings.functionKeys[2] == "hostname")
        #expect(settings.functionKeyToggles[2] == "version")
        var invocation = Invocation()
        invocation.debug = 0
        invocation.logUUID = 8
        let overridden = try Settings.resolve(invocation, environment: { _ in nil }, config: config, askPassword: { "" })
        #expect(overridden.debug == 0)
        #expect(overridden.logUUID == 8)
    }

    @Test func theColourKeysColourThePromptAndTheTypedText() {
        let prompt = InteractiveConsole.colored("freeswitch@vm> ", style: Style(enabled: true), color: "\u{1B}[31m", input: "\u{1B}[44m")
        #expect(prompt == "\u{1}\u{1B}[31m\u{1}freeswitch@vm>\u{1}\u{1B}[0m\u{1B}[44m\u{1} ")
        #expect(InteractiveConsole.colored("p> ", style: Style(enabled: false), color: "\u{1B}[31m") == "p> ")
    }
}

/// `--buffer`: a plain number keeps its old meaning (events), a size bounds the bytes.
@Suite struct BufferSizeTests {
    @Test(arguments: [("10000", BufferSize.events(10_000)), ("50", .events(50)), ("64M", .bytes(64 << 20)), ("512k", .bytes(512 << 10)),
                      ("1G", .bytes(1 << 30)), ("64MiB", .bytes(64 << 20)), ("2mb", .bytes(2 << 20))])
    func parses(_ text: String, _ expected: BufferSize) {
        #expect(BufferSize(argument: text) == expected)
    }

    @Test(arguments: ["", "M", "64Q", "-5", "1.5M", "64 M", "99999999999999999999", "9999999999999999T"])
    func refuses(_ text: String) {
        #expect(BufferSize(argument: text) == nil)
    }

    @Test func theRangeIsChecked() {
        #expect(BufferSize.events(0).problem == "--buffer must be 1 or more")
        #expect(BufferSize.bytes(1 << 10).problem == "--buffer takes a size from 64K to 1T")
        #expect(BufferSize.bytes(64 << 10).problem == nil)
    }

    @Test func aCountKeepsTheDefaultBytesAndASizeLiftsTheCount() {
        var options = ConnectOptions()
        BufferSize.events(50).apply(to: &options)
        #expect(options.queueCapacity == 50)
        #expect(options.queueBytes == InboundQueue.defaultBytes)
        BufferSize.bytes(8 << 20).apply(to: &options)
        #expect(options.queueBytes == 8 << 20)
        #expect(options.queueCapacity == .max)
    }

    @Test func aFleetSharesTheBudget() {
        #expect(Fleet.share(64 << 20, hosts: 4) == 16 << 20)
        #expect(Fleet.share(64 << 20, hosts: 1000) == 1 << 20)
        #expect(Fleet.share(64 << 20, hosts: 1) == 64 << 20)
    }
}
