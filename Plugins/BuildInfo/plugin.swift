import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` (the version and git commit `phiscrub --version` prints) before every build, with
/// `scripts/build-info.sh`: from `$PHISCRUB_COMMIT`, else `git rev-parse` in the package, else the `COMMIT` file
/// that `git archive` fills in (a source tarball), else "unknown". The file is rewritten only when it changes,
/// so an unchanged commit recompiles nothing.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let package = context.package.directoryURL
        return [.prebuildCommand(
            displayName: "phiscrub build info (version and commit)",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [package.appending(path: "scripts/build-info.sh").path, package.path, output.path],
            outputFilesDirectory: output)]
    }
}
