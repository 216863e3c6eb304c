#if canImport(Glibc)
import Glibc
#endif

signal(SIGPIPE, SIG_IGN)
let status = ESLShell.runFromCommandLine()
exit(status.rawValue)
