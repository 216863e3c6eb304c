#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// Waits until something listens on a TCP port, without connecting to it: a probe connection would
/// count as a call to `eslsh --listen`. Reads the kernel's socket tables (/proc/net/tcp, tcp6).
public func waitUntilListening(port: Int, seconds: Int = 10) -> Bool {
    let deadline = Deadline.after(.seconds(seconds))
    var hex = String(port, radix: 16, uppercase: true)
    while hex.count < 4 { hex = "0" + hex }
    let wanted = ":" + hex
    while !deadline.hasPassed {
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let bytes = FileBytes.read(table) else { continue }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                if fields.count > 3, fields[1].hasSuffix(wanted), fields[3] == "0A" { return true }
            }
        }
        usleep(20_000)
    }
    return false
}
