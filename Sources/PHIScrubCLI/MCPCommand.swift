import ArgumentParser
import Foundation
import PHICompliance
import PHIMCP
import PHIScan
import PHIScrub
import PHITransform

/// `phiscrub mcp`: a Model Context Protocol server over stdio with `scan`, `redact` and `reveal` tools, or with
/// `--proxy -- CMD ARGS`, a proxy that scrubs everything another MCP server returns before the host sees it.
struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve MCP tools (scan, redact, reveal) over stdio, or scrub another MCP server's results (--proxy).",
        discussion: """
            phiscrub mcp [--config phiscrub.yaml --role ROLE]: an MCP server on standard input and output. \
            phiscrub mcp --proxy [--config phiscrub.yaml --role ROLE] -- CMD ARGS: starts the MCP server CMD and \
            passes messages both ways; every string the server returns (tool results, resources, prompts, log \
            messages) is scanned and transformed for ROLE (or redacted without a configuration) before the host \
            sees it, each tools/call is checked against the role first, and with the configuration's audit log \
            each call and each answer leaves an audit record. See docs/mcp.md.
            """)

    @Flag(name: .customLong("proxy"), help: "Wrap the MCP server given after -- and scrub what it returns.")
    var proxy = false

    @Option(name: .customLong("role"), help: ArgumentHelp("The host's role in --config.", valueName: "role"))
    var role: String?

    @Option(name: .customLong("user"), help: ArgumentHelp("The user recorded in audit records.", valueName: "name"))
    var user: String = ""

    @Flag(name: .customLong("allow-binary"), help: "With --proxy: pass images, audio and blob resources through unscanned (default: withheld).")
    var allowBinary = false

    @OptionGroup var rules: RuleOptions
    @OptionGroup var keys: KeyOptions
    @OptionGroup var transform: TransformOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("With --proxy: the MCP server's command and arguments.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if proxy && command.isEmpty { throw ValidationError("--proxy needs the server's command after --: phiscrub mcp --proxy -- CMD ARGS") }
        if !proxy && !command.isEmpty { throw ValidationError("a command after -- needs --proxy") }
        if role != nil && transform.configPath == nil { throw ValidationError("--role needs --config (the roles are in it)") }
        if transform.configPath != nil && role == nil { throw ValidationError("--config needs --role (whose view and calls the audit log records)") }
    }

    func run() throws {
        let service = try ServeCommand.makeService(rules: rules, keys: keys, transform: transform)
        if proxy {
            var options = MCPProxy.Options()
            options.role = role
            options.user = user
            options.allowBinary = allowBinary
            let status = try MCPProxy(service: service, options: options).run(command: command)
            if status != 0 { throw ExitCode(status) }
            return
        }
        MCPServer(service: service, role: role).run()
    }
}
