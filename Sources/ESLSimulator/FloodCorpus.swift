import ESLProtocol

/// The events of the recorded call, serialised once per format, for flood mode: real headers and sizes
/// (2.2 KB on average), so benchmarks measure what a busy switch sends.
enum FloodCorpus {
    static func frames(format: EventFormat, hostname: String) -> [[UInt8]] {
        let script = CallScript.setup + "\n\n" + CallScript.hangup
        var placeholders = [("{CORE}", UUIDText.random()), ("{HOST}", hostname), ("{DEST}", "9196")]
        for index in 1...CallScript.placeholderCount { placeholders.append(("{U\(index)}", UUIDText.random())) }
        return script.split(separator: "\n\n").map { body in
            var text = String(body)
            for (placeholder, value) in placeholders { text = text.replacing(placeholder, with: value) }
            let event = (try? Event.decode(Array((text + "\n\n").utf8), format: .plain)) ?? Event(name: "CUSTOM")
            return event.frame(as: format).bytes
        }
    }
}
