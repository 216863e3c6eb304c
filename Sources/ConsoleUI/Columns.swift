/// Lists words in columns, top to bottom then left to right, as shells list completions.
public enum Columns {
    public static func layout(_ words: [String], width: Int) -> String {
        guard !words.isEmpty else { return "" }
        let cell = (words.map { DisplayWidth.of($0) }.max() ?? 0) + 2
        let columns = max(1, width / cell)
        let rows = (words.count + columns - 1) / columns
        var out = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < words.count else { break }
                let word = words[index]
                let last = column == columns - 1 || (column + 1) * rows + row >= words.count
                line += last ? word : word + String(repeating: " ", count: cell - DisplayWidth.of(word))
            }
            out += line + "\n"
        }
        return out
    }
}
