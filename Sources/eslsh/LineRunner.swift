import ConsoleUI
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// Runs lines (from -x or standard input) in order on one connection, printing each result as it
/// arrives, and works out the exit status.
struct LineRunner {
    let connection: Connection
    let replyTimeout: Duration?
    /// Print events and log lines that arrive (not for -x, which only wants its commands' output).
    let showInbound: Bool
    let renderer = Renderer()

    func run(lines: [String]) -> ExitStatus {
        var status = ExitStatus.ok
        for line in lines {
            let (result, stop) = runLine(line)
            status = max(status, result)
            if stop { break }
        }
        return status
    }

    func run(reader: StandardInputLines) -> ExitStatus {
        var status = ExitStatus.ok
        while let line = reader.next() {
            let (result, stop) = runLine(line)
            status = max(status, result)
            if stop { break }
        }
        printInbound()
        return status
    }

    /// One line: its status, and whether the run must end (connection gone, or an exit command).
    private func runLine(_ line: String) -> (ExitStatus, Bool) {
        let action: LineAction
        do {
            action = try LineGrammar.parse(line)
        } catch {
            Output.error(error.description)
            return (.commandFailed, false)
        }
        switch action {
        case .skip:
            return (.ok, false)
        case .local(let name, _):
            if name == "exit" { return (.ok, true) }
            Output.error("/\(name) is a console command; it does nothing here")
            return (.usage, false)
        case .send(let command):
            defer { printInbound() }
            do {
                let response = try connection.send(command, timeout: replyTimeout)
                Output.out(renderer.render(response))
                return (response.isError ? .commandFailed : .ok, false)
            } catch {
                Output.error(error.description)
                switch error {
                case .timedOut: return (.timedOut, false)
                case .encoding: return (.commandFailed, false)
                case .cancelled: return (.commandFailed, false)
                case .closed, .protocolError: return (.connectionLost, true)
                }
            }
        }
    }

    /// Events and log lines received so far, printed as fs_cli prints them.
    private func printInbound() {
        while let item = connection.inbound.poll() {
            guard showInbound else { continue }
            switch item {
            case .message(.log(let line)):
                if line.text != "\n" { Output.out(renderer.terminated(line.text)) }
            case .message(.event(let event, _)):
                Output.out(renderer.plainEvent(event))
            case .dropped(let count):
                Output.error("\(count) events or log lines dropped: output too slow")
            default:
                break
            }
        }
    }
}

/// Lines of standard input, read plainly (no line editor).
struct StandardInputLines {
    func next() -> String? { readLine(strippingNewline: true) }
}
