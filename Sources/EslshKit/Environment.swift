#if canImport(Glibc)
import Glibc
#endif

/// A variable of the process environment.
package func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
