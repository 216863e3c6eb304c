import ConsoleUI
import ESLProtocol
import Testing

/// Which commands the console asks about before sending.
@Suite struct DangerousCommandTests {
    static func asked(_ line: String) -> Bool {
        guard case .send(let command)? = try? LineGrammar.parse(line) else { return false }
        return DangerousCommand.classify(command) != nil
    }

    @Test func commandsThatDropCallsOrStopTheSwitch() {
        for line in ["hupall", "hupall NORMAL_CLEARING", "HUPALL", "  hupall  ", "api hupall", "bgapi hupall", "/bg hupall",
                     "shutdown", "api ...", "fsctl shutdown", "fsctl shutdown elegant", "fsctl shutdown asap restart",
                     "fsctl shutdown now", "fsctl shutdown restart", "fsctl hupall", "fsctl crash",
                     "sofia profile internal stop", "sofia profile external restart", "sofia profile internal restart reloadxml",
                     "unload mod_sofia", "reload mod_sofia", "reload -f mod_conference",
                     "status;;hupall", "version ;; shutdown"] {
            #expect(Self.asked(line), "\(line)")
        }
    }

    @Test func everythingElseIsSentWithoutAQuestion() {
        for line in ["status", "show channels", "fsctl shutdown cancel", "fsctl pause", "fsctl loglevel 7", "reloadxml",
                     "reloadacl", "reload", "unload", "sofia status", "sofia profile internal rescan", "sofia profile internal",
                     "uuid_kill 4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11", "/hangup 4b6a3c52-0c8f-4a8e-9d1e-2f0c1d9a7e11",
                     "/event plain ALL", "/exit", "...", "echo hupall", "sched_api +10 none hupall", "hupallx",
                     "api status;;hupall"] {
            #expect(!Self.asked(line), "\(line)")
        }
    }

    @Test func theQuestionNamesTheCommandAndItsEffect() {
        let found = DangerousCommand.classify(.api("status;;sofia profile internal restart", consoleExecute: true))
        #expect(found?.command == "sofia profile internal restart")
        #expect(found?.question == "'sofia profile internal restart' restarts SIP profile internal, dropping its calls and registrations. Send it? [y/N] ")
        #expect(DangerousCommand.classify(.api("hupall", consoleExecute: true))?.question == "'hupall' hangs up every call. Send it? [y/N] ")
    }

    @Test func onlyYesIsYes() {
        for answer in ["y", "Y", "yes", "YES", " y "] { #expect(DangerousCommand.isYes(answer), "\(answer)") }
        for answer in ["", "n", "no", "N", "yy", "ye", "sure", "1"] { #expect(!DangerousCommand.isYes(answer), "\(answer)") }
    }
}
