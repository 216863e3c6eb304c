import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

/// Terminal columns taken by text: CJK characters take two, combining marks none. Counting characters
/// instead leaves stale rows behind when wide input wraps.
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        var total = 0
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                if scalar.value >= 0x20 && scalar.value != 0x7F { total += 1 }
                continue
            }
            let width = wcwidth(wchar_t(bitPattern: scalar.value))
            total += width < 0 ? 1 : Int(width)
        }
        return total
    }

    /// Text with escape sequences between `\u{1}` markers (the prompt's colour codes) left out.
    public static func visible(_ prompt: String) -> String {
        var out = ""
        var hidden = false
        for character in prompt {
            if character == "\u{1}" { hidden.toggle() } else if !hidden { out.append(character) }
        }
        return out
    }

    /// Rows above the cursor that the prompt and the line occupy, so that output can be written over them:
    /// the terminal wraps at `columns`.
    public static func rowsAboveCursor(promptWidth: Int, textWidthBeforeCursor: Int, columns: Int) -> Int {
        guard columns > 0 else { return 0 }
        return (promptWidth + textWidthBeforeCursor) / columns
    }
}
