import EslshKit
#if canImport(Glibc)
import Glibc
#endif

// A parent may start us with signals blocked (test runners, some supervisors); a blocked SIGINT or
// SIGTERM would wait forever. Start with none blocked, before any thread inherits the mask.
var unblocked = sigset_t()
sigemptyset(&unblocked)
pthread_sigmask(SIG_SETMASK, &unblocked, nil)
signal(SIGPIPE, SIG_IGN)
// The common one-shot shapes skip the argument parser's reflection (QuickParse); the rest is its.
let status = QuickParse.parse(Array(CommandLine.arguments.dropFirst()))?.run() ?? ESLShell.runFromCommandLine()
exit(status.rawValue)
