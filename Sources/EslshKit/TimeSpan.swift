/// A time given on the command line: milliseconds by default (fs_cli's unit), or with a unit:
/// `500ms`, `2s`, `1.5s`, `1m`.
package struct TimeSpan: Equatable, Sendable {
    package var milliseconds: Int

    package init(milliseconds: Int) { self.milliseconds = milliseconds }

    package init?(argument: String) {
        let text = argument.lowercased()
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value >= 0, value.isFinite, value * scale < Double(Int32.max) else { return nil }
        milliseconds = Int(value * scale)
    }

    package var duration: Duration { .milliseconds(milliseconds) }
}
