import Foundation

/// Locates the built `qbsync` binary next to the test bundle (.build/<config>/qbsync).
enum CLIBinary {
    static var url: URL {
        if let override = ProcessInfo.processInfo.environment["QBSYNC_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("qbsync")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/qbsync")
    }
}
