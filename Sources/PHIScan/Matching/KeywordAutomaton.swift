/// A keyword found on a line.
public struct KeywordHit: Sendable {
    public var keyword: Int32
    /// Offset of the keyword's first byte (lines longer than 2 GiB are cut well before that).
    public var start: Int32
}

/// Aho-Corasick automaton over case-folded ASCII keywords, compiled to a DFA over byte classes.
///
/// One pass over a line reports which keywords occur as whole words (the byte before and after a keyword is not
/// a letter or digit when the keyword starts or ends with one). Used for the keyword triggers of context-led rules.
public struct KeywordAutomaton: Sendable {
    /// Keywords, lower-cased.
    public let keywords: [[UInt8]]
    /// Byte to class (letters folded to lower case); class 0 is "no keyword uses this byte".
    let classOf: [UInt8]
    let classCount: Int
    /// transitions[state * classCount + class]
    let transitions: [UInt16]
    /// States at or above this number have outputs.
    let firstAcceptingState: Int
    /// For accepting state a (numbered from firstAcceptingState): keyword indices outputList[outputStart[a]..<outputStart[a+1]].
    let outputStart: [Int32]
    let outputList: [Int32]
    /// Keyword lengths, and whole-word checks (bit 0: byte before, bit 1: byte after).
    let lengths: [Int32]
    let edgeChecks: [UInt8]

    public init(keywords input: [String]) {
        let keywords = input.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        self.keywords = keywords
        // Byte classes.
        var classOf = [UInt8](repeating: 0, count: 256)
        var next: UInt8 = 1
        for kw in keywords {
            for b in kw where classOf[Int(b)] == 0 {
                classOf[Int(b)] = next
                next += 1
            }
        }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { classOf[Int(b)] = classOf[Int(b | 0x20)] }
        let classCount = Int(next)
        // Trie.
        var goto: [[Int]] = [[Int](repeating: -1, count: classCount)]
        var out: [[Int32]] = [[]]
        for (k, kw) in keywords.enumerated() {
            var s = 0
            for b in kw {
                let c = Int(classOf[Int(b)])
                if goto[s][c] < 0 {
                    goto[s][c] = goto.count
                    goto.append([Int](repeating: -1, count: classCount))
                    out.append([])
                }
                s = goto[s][c]
            }
            out[s].append(Int32(k))
        }
        // Failure links, breadth first; fill the DFA.
        let n = goto.count
        var fail = [Int](repeating: 0, count: n)
        var delta = [Int](repeating: 0, count: n * classCount)
        var queue: [Int] = []
        for c in 0..<classCount {
            let t = goto[0][c]
            if t >= 0 {
                fail[t] = 0
                delta[c] = t
                queue.append(t)
            } else {
                delta[c] = 0
            }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            out[s].append(contentsOf: out[fail[s]])
            for c in 0..<classCount {
                let t = goto[s][c]
                if t >= 0 {
                    fail[t] = delta[fail[s] * classCount + c]
                    delta[s * classCount + c] = t
                    queue.append(t)
                } else {
                    delta[s * classCount + c] = delta[fail[s] * classCount + c]
                }
            }
        }
        // Class 0 (bytes no keyword uses) always returns to the root.
        // Renumber so accepting states come last.
        let order = (0..<n).filter { out[$0].isEmpty } + (0..<n).filter { !out[$0].isEmpty }
        var newNumber = [Int](repeating: 0, count: n)
        for (i, s) in order.enumerated() { newNumber[s] = i }
        precondition(n < Int(UInt16.max), "too many keyword states")
        var transitions = [UInt16](repeating: 0, count: n * classCount)
        for s in 0..<n {
            for c in 0..<classCount {
                transitions[newNumber[s] * classCount + c] = UInt16(newNumber[delta[s * classCount + c]])
            }
        }
        let firstAccepting = order.firstIndex { !out[$0].isEmpty } ?? n
        self.classOf = classOf
        self.classCount = classCount
        self.transitions = transitions
        self.firstAcceptingState = firstAccepting
        var outputStart: [Int32] = [0]
        var outputList: [Int32] = []
        for st in order[firstAccepting...] {
            outputList.append(contentsOf: out[st])
            outputStart.append(Int32(outputList.count))
        }
        self.outputStart = outputStart
        self.outputList = outputList
        self.lengths = keywords.map { Int32($0.count) }
        self.edgeChecks = keywords.map { kw in
            (KeywordAutomaton.isAlnum(kw[0]) ? 1 : 0) | (KeywordAutomaton.isAlnum(kw[kw.count - 1]) ? 2 : 0)
        }
        // Root must stay state 0 after renumbering (it has no outputs, keywords are non-empty).
        precondition(newNumber[0] == 0)
    }

    /// Appends `(keywordIndex, startOffset)` for every whole-word occurrence of a keyword in `line` to `hits`.
    @inline(__always)
    public func collect(in line: UnsafeBufferPointer<UInt8>, into hits: inout [KeywordHit]) {
        guard !keywords.isEmpty, let base = line.baseAddress else { return }
        let n = line.count
        classOf.withUnsafeBufferPointer { cls in
            transitions.withUnsafeBufferPointer { delta in
                outputStart.withUnsafeBufferPointer { ostart in
                    outputList.withUnsafeBufferPointer { olist in
                        lengths.withUnsafeBufferPointer { lens in
                            edgeChecks.withUnsafeBufferPointer { checks in
                                var state = 0
                                let nc = classCount
                                let accept = firstAcceptingState
                                var i = 0
                                while i < n {
                                    state = Int(delta[state &* nc &+ Int(cls[Int(base[i])])])
                                    if state >= accept {
                                        let a = state - accept
                                        for o in Int(ostart[a])..<Int(ostart[a + 1]) {
                                            let k = Int(olist[o])
                                            let start = i - Int(lens[k]) + 1
                                            let check = checks[k]
                                            if check & 1 != 0, start > 0, KeywordAutomaton.isAlnum(base[start - 1]) { continue }
                                            if check & 2 != 0, i + 1 < n, KeywordAutomaton.isAlnum(base[i + 1]) { continue }
                                            hits.append(KeywordHit(keyword: Int32(k), start: Int32(truncatingIfNeeded: start)))
                                        }
                                    }
                                    i &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
    }

    @inline(__always)
    static func isWholeWord(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ end: Int, _ kw: [UInt8]) -> Bool {
        if isAlnum(kw[0]), start > 0, isAlnum(p[start - 1]) { return false }
        if isAlnum(kw[kw.count - 1]), end < n, isAlnum(p[end]) { return false }
        return true
    }
}
