import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

extension LineEditor {
    /// fs_cli binds both escape sets: xterm's (`ESC O P`…, `ESC [15~`…) and the vt ones (`ESC [11~`…).
    static let functionKeySequences: [[String]] = [
        ["\\eOP", "\\e[11~"], ["\\eOQ", "\\e[12~"], ["\\eOR", "\\e[13~"], ["\\eOS", "\\e[14~"],
        ["\\eOT", "\\e[15~"], ["\\eOU", "\\e[17~"], ["\\eOV", "\\e[18~"], ["\\eOW", "\\e[19~"],
        ["\\eOX", "\\e[20~"], ["\\eOY", "\\e[21~"], ["\\eOZ", "\\e[23~"], ["\\eO[", "\\e[24~"],
    ]

    // A C callback cannot capture which key it is for, so each key has its own.
    private static let handlers: [eslsh_command_fn] = [
        { el, _ in key(el, 1) }, { el, _ in key(el, 2) }, { el, _ in key(el, 3) }, { el, _ in key(el, 4) },
        { el, _ in key(el, 5) }, { el, _ in key(el, 6) }, { el, _ in key(el, 7) }, { el, _ in key(el, 8) },
        { el, _ in key(el, 9) }, { el, _ in key(el, 10) }, { el, _ in key(el, 11) }, { el, _ in key(el, 12) },
    ]

    private static func key(_ el: OpaquePointer?, _ number: Int) -> UInt8 {
        guard let el, let data = eslsh_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().functionKey(number)
    }

    func bindFunctionKeys(_ el: OpaquePointer) {
        for (index, sequences) in Self.functionKeySequences.enumerated() {
            let name = "eslsh-f\(index + 1)"
            eslsh_el_addfn(el, name, "Run the command of F\(index + 1)", Self.handlers[index])
            for sequence in sequences { eslsh_el_bind(el, sequence, name) }
        }
    }
}

/// Unbuffered writes to the terminal (stdout), from the main thread only.
public enum Terminal {
    public static func write(_ text: String, fd: Int32 = 1) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else { return }
            }
        }
    }
}
