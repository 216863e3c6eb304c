/// What eslsh was started as (argv[0]).
enum ProgramName {
    /// Invoked as fs_cli (a symlink or a copy): the last path component is `fs_cli`. Empty components
    /// are skipped, so `dir/fs_cli/` counts, as `split(separator: "/").last` reads it.
    ///
    /// Shaped for start-up, which every one-shot run pays: a function here rather than a closure in
    /// main.swift, whose top-level code is main-actor isolated (a closure from it passed to a
    /// nonisolated function such as `Optional.map` has its isolation checked at run time: the
    /// concurrency runtime's executor look-up, three page faults); and no `split`, whose
    /// `[Substring]` is the first use of that array type (14k instructions, callgrind).
    static func isFsCli(_ path: String) -> Bool {
        var name = Substring(path)
        while name.hasSuffix("/") { name = name.dropLast() }
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        return name == "fs_cli"
    }
}
