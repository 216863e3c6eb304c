import ArgumentParser
import EslshKit
import Foundation
import Testing
@testable import eslsh

/// The start-up fast path must read a command line exactly as the declared options do, or not at all.
@Suite struct QuickParseTests {
    /// What ArgumentParser makes of the arguments (nil: a usage error, help or version).
    private func declared(_ arguments: [String]) -> Invocation? {
        (try? ESLShell.parse(arguments))?.invocation
    }

    @Test(arguments: [
        ["-x", "status"],
        ["-x", "status", "-x", "version"],
        ["-H", "pbx1", "-P", "8022", "-p", "secret", "-x", "show calls count"],
        ["--host", "::1", "--port", "8021", "--execute", "status"],
        ["--execute=status", "--password=ClueCon"],
        ["-u", "1000@default", "-p", "1234", "-t", "500", "-T", "2s", "-x", "status"],
        ["--timeout", "1.5s", "--connect-timeout=250ms", "-x", "status"],
        ["office", "-x", "status"],
        ["-x", "status", "office"],
        ["-H", "[::1]:8022", "-H", "pbx2", "-x", "status"],
        ["-x", ""],
        ["--escape", "never", "-x", "status"],
        ["-x", "status", "--escape=always"],
        ["office"],
        [],
    ])
    func readsTheCommonShapesAsTheDeclarationDoes(_ arguments: [String]) throws {
        let quick = try #require(QuickParse.parse(arguments), "the fast path should take \(arguments)")
        #expect(quick == declared(arguments))
    }

    /// Everything else is left to ArgumentParser: other options, help, joined or missing values,
    /// values of the wrong type, usage errors, repeats of single options, the replay subcommand.
    @Test(arguments: [
        ["--help"], ["-h"], ["--version"], ["help"], ["replay", "day.ndjson"],
        ["-x"], ["-xstatus"], ["-x", "-q"], ["-P", "port"], ["-P", "0", "-x", "status"], ["-P", "70000"],
        ["-P", "1", "-P", "2"], ["-t", "0", "-x", "status"], ["-t", "soon"], ["--events", "ALL"], ["-q", "-x", "status"],
        ["--", "-x"], ["a", "b"], ["--execute"], ["--bogus"], ["-Hpbx"], ["--host=pbx", "--record", "f"],
        ["-p", "a", "-p", "b"], ["-u", "a", "-u", "b"], ["-T", "1", "-T", "2"], ["-t", "1", "-t", "2"],
        ["--escape", "sometimes", "-x", "status"], ["--escape", "auto", "--escape", "never"],
    ])
    func leavesTheRestToArgumentParser(_ arguments: [String]) {
        #expect(QuickParse.parse(arguments) == nil)
    }

    /// The table's names and arity against the declaration, as ArgumentParser itself describes it.
    @Test func tableMatchesTheDeclaration() throws {
        let dump = try #require(ESLShell.self._dumpHelp().data(using: .utf8))
        let root = try #require(try JSONSerialization.jsonObject(with: dump) as? [String: Any])
        let command = try #require(root["command"] as? [String: Any])
        let arguments = try #require(command["arguments"] as? [[String: Any]])
        for option in QuickParse.options {
            let match = arguments.first { argument in
                let names = argument["names"] as? [[String: String]] ?? []
                return names.contains { $0["kind"] == "long" && $0["name"] == option.long }
            }
            let declared = try #require(match, "--\(option.long) is not declared")
            #expect(declared["kind"] as? String == "option", "--\(option.long) must take a value")
            let shorts = (declared["names"] as? [[String: String]] ?? []).filter { $0["kind"] == "short" }.compactMap { $0["name"] }
            #expect(shorts == option.short.map { [String($0)] } ?? [], "-\(option.short.map(String.init) ?? "") for --\(option.long)")
        }
        // One positional (the profile) on the root command.
        #expect(arguments.filter { $0["kind"] as? String == "positional" }.count == 1)
    }
}
