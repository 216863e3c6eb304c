import Testing
@testable import eslsh

/// argv[0] as fs_cli: by its last path component, the one `split(separator: "/").last` gives.
@Suite struct ProgramNameTests {
    @Test(arguments: ["fs_cli", "/usr/bin/fs_cli", "./fs_cli", "bin//fs_cli", "dir/fs_cli/", "fs_cli//"])
    func fsCli(_ path: String) {
        #expect(ProgramName.isFsCli(path))
        #expect(ProgramName.isFsCli(path) == (path.split(separator: "/").last == "fs_cli"))
    }

    @Test(arguments: ["", "/", "eslsh", "/usr/bin/eslsh", "fs_cli.sh", "/opt/fs_cli/eslsh", "xfs_cli", "fs_clix/"])
    func notFsCli(_ path: String) {
        #expect(!ProgramName.isFsCli(path))
        #expect(ProgramName.isFsCli(path) == (path.split(separator: "/").last == "fs_cli"))
    }
}
