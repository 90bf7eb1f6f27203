/// First pass over a JSON text: checks the syntax and marks which objects describe a tool or function (a
/// `tool_use` block, a `function` call, a `role: tool` message). In those, `name` is a tool's name, not a person's,
/// so the rewriter does not scan it after a `Name:` label. Objects are numbered in the order they open.
struct JSONStructure: JSONVisitor {
    let text: UnsafeBufferPointer<UInt8>
    let keys: JSONKeyTable
    /// Per object, in opening order: whether it describes a tool.
    var toolLike: [Bool] = []
    private var stack: [(object: Int, isObject: Bool)] = []
    private var lastKey: UInt8 = 0  // the flags of the last key read

    /// Keys whose presence makes an object a tool description or call.
    static let toolKeys: Set<[UInt8]> = Set(["arguments", "input", "parameters", "inputschema", "tooluseid",
                                             "toolcallid", "functioncall"].map { Array($0.utf8) })
    /// Values of `type` or `role` that make an object a tool description or call.
    static let toolTypes: Set<[UInt8]> = Set(["tooluse", "servertooluse", "mcptooluse", "function", "tool",
                                              "functioncall", "toolcall"].map { Array($0.utf8) })

    init(_ text: UnsafeBufferPointer<UInt8>, keys: JSONKeyTable) {
        self.text = text
        self.keys = keys
        // A record's objects and nesting fit (one allocation each instead of one per doubling).
        toolLike.reserveCapacity(32)
        stack.reserveCapacity(16)
    }

    /// Checks `text` and returns the per-object marks; `keys` answers what each key means.
    static func analyse(_ text: UnsafeBufferPointer<UInt8>, keys: JSONKeyTable) throws(JSONSyntaxError) -> [Bool] {
        var v = JSONStructure(text, keys: keys)
        var walker = JSONWalker(text)
        try walker.walk(&v)
        return v.toolLike
    }

    mutating func beginObject(at offset: Int) {
        stack.append((toolLike.count, true))
        toolLike.append(false)
    }
    mutating func endObject() { stack.removeLast() }
    mutating func beginArray() { stack.append((-1, false)) }
    mutating func endArray() { stack.removeLast() }

    mutating func key(_ content: Range<Int>, hasEscapes: Bool) {
        lastKey = keys.info(UnsafeBufferPointer(rebasing: text[content]), hasEscapes: hasEscapes).flags
        if let top = stack.last, lastKey & JSONKeyInfo.toolKey != 0 { toolLike[top.object] = true }
    }

    mutating func string(_ content: Range<Int>, hasEscapes: Bool) {
        guard let top = stack.last, top.isObject, content.count <= 32 else { return }
        guard lastKey & JSONKeyInfo.typeOrRole != 0 else { return }
        if keys.info(UnsafeBufferPointer(rebasing: text[content]), hasEscapes: hasEscapes).has(JSONKeyInfo.toolType) {
            toolLike[top.object] = true
        }
    }

    mutating func scalar(_ range: Range<Int>) {}
}

/// Key helpers shared by both passes.
enum JSONKeys {
    static let type = Array("type".utf8)
    static let role = Array("role".utf8)
    static let name = Array("name".utf8)
    /// Parent keys whose object describes a tool, whatever its own keys: `"function": {"name": ...}`.
    static let toolParents: Set<[UInt8]> = Set(["function", "tools", "toolchoice", "functioncall", "tool"]
        .map { Array($0.utf8) })

    /// Keys whose string is a message's own text (a chat turn, a tool's output, a prompt): a value there is scanned
    /// as a line of its own, so an identifier that is the whole message is found (`ssn-alone` and the other
    /// `*-alone` rules: the answer "A12803456" to "What is your member ID?"). Under any other key with no context
    /// of its own (`id`, `count`, `note`) the string is structured data, and the same digits are an id, a count or
    /// a code: it is scanned after one space (`KeyContext.structured`), which such a rule never takes.
    static let messageText: Set<[UInt8]> = Set(["content", "text", "value", "message", "msg", "body", "output",
                                                "result", "response", "answer", "reply", "prompt", "input", "query",
                                                "question", "transcript", "utterance", "completion", "parts"]
        .map { Array($0.utf8) })

    /// The normalised form (`KeyContext.normalize`) of the string whose raw (escaped) content is `raw`.
    static func normalized(_ raw: UnsafeBufferPointer<UInt8>, hasEscapes: Bool) -> [UInt8] {
        if !hasEscapes { return KeyContext.normalize(raw) }
        var decoded: [UInt8] = []
        var units: [Int32] = []
        JSONString.decode(raw, into: &decoded, units: &units)
        return KeyContext.normalize(decoded)
    }
}
