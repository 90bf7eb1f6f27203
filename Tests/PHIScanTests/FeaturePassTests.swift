import CScanKernels
import Foundation
import Testing

@testable import PHIScan

/// The fast, bitmap-driven feature pass must report exactly what the simple reference pass reports: the same
/// keyword hits and the same numeric, alnum, dashed and IPv6-like regions, in the same order. Any difference would
/// change which rules run on which bytes, so it is compared item by item.
@Suite("Feature pass: fast equals reference")
struct FeaturePassTests {
    static func items(_ f: phs_features) -> [String] {
        var out: [String] = []
        for i in 0..<Int(f.hit_count) { out.append("hit \(f.hits[i].keyword)@\(f.hits[i].start)") }
        func regions(_ name: String, _ l: phs_list) {
            for i in 0..<Int(l.count) {
                let r = l.items[i]
                out.append("\(name) \(r.start)..<\(r.end) c\(r.count) d\(r.dots) x\(r.extra) g\(r.digits) u\(r.upper) s\(r.shape)")
            }
        }
        regions("numeric", f.numeric)
        regions("alnum", f.alnum)
        regions("dashed", f.dashed)
        regions("hexcolon", f.hexcolon)
        return out
    }

    /// Differences between the two passes on `line`, or nil when they agree.
    static func difference(_ ruleSet: RuleSet, _ line: [UInt8], fast: FeatureKernel, reference: FeatureKernel) -> String? {
        line.withUnsafeBufferPointer { buf in
            fast.compute(buf, needs: ruleSet.rawNeeds, keywords: ruleSet.keywords)
            reference.compute(buf, needs: ruleSet.rawNeeds, keywords: ruleSet.keywords, reference: true)
            let a = items(fast.out), b = items(reference.out)
            return a == b ? nil : "fast \(a) reference \(b)"
        }
    }

    /// Seeded lines built from the pieces the walks treat specially: digit groups joined by one, two or three
    /// separators, times of day, dotted quads, dash-joined tokens of every length, long tokens, keywords and
    /// context words in random case, hex with colons, and padding that moves everything across 64-byte words.
    static func randomLines(_ count: Int, seed: UInt64, ruleSet: RuleSet) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        var words: [String] = []
        for r in ruleSet.rules { words += r.rule.trigger.keywords + r.rule.contextWords }
        let separators = ["-", ".", " ", "/", "(", ")", "+", "--", "..", " - ", "-.", ":", ", ", "_", "#", "\t", "@", "="]
        func pick(_ a: [String]) -> String { a[Int.random(in: 0..<a.count, using: &rng)] }
        func run(_ alphabet: String, _ n: ClosedRange<Int>) -> String {
            let chars = Array(alphabet)
            return String((0..<Int.random(in: n, using: &rng)).map { _ in chars[Int.random(in: 0..<chars.count, using: &rng)] })
        }
        var lines: [[UInt8]] = []
        for _ in 0..<count {
            var line = String(repeating: " ", count: Int.random(in: 0...70, using: &rng))
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                line += pick(separators)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: line += run("0123456789", 1...20)
                case 1: line += run("0123456789", 1...4) + pick(["-", ".", " ", "/"]) + run("0123456789", 1...5)
                case 2: line += "\(run("0123456789", 1...2)):\(run("0123456789", 2...2)):\(run("0123456789", 2...2))"
                case 3: let w = pick(words); line += Bool.random(using: &rng) ? w.uppercased() : w
                case 4: line += (0..<Int.random(in: 1...6, using: &rng)).map { _ in run("ABCDEFGHJKMNPRTVWXY0123456789abc", 1...9) }.joined(separator: "-")
                case 5: line += run("ABCDEFGHJKLMNPRSTUVWXYZabcdefx0123456789", 1...70)
                case 6: line += run("0123456789abcdef:", 1...40)
                case 7: line += (0..<4).map { _ in run("0123456789", 1...3) }.joined(separator: ".")
                case 8: line += run("0123456789-.", 1...30)
                default: line += run("abcdefghijklmnopqrstuvwxyz", 1...12)
                }
            }
            lines.append(Array(line.utf8))
        }
        return lines
    }

    /// Every byte classifier: AVX-512BW and AVX2 (where the CPU has them; a narrower one runs where it has not) and the
    /// baseline one. Either way the output is the same, so tests running meanwhile are not affected by the switch.
    @Test(arguments: [64, 32, 0] as [Int32])
    func seededLinesAgree(vectorWidth: Int32) throws {
        phs_features_set_vector_width(vectorWidth)
        defer { phs_features_set_vector_width(64) }
        let ruleSet = try RuleSet.loadDefault()
        let fast = FeatureKernel(initialCapacity: 2), reference = FeatureKernel(initialCapacity: 2)
        var problems: [String] = []
        for line in Self.randomLines(20_000, seed: 0x5EED_FEA7, ruleSet: ruleSet) {
            if let d = Self.difference(ruleSet, line, fast: fast, reference: reference) {
                problems.append("'\(String(decoding: line, as: UTF8.self))': \(d)")
            }
        }
        #expect(problems.isEmpty, "\(problems.count) lines differ, e.g. \(problems.prefix(3))")
    }

    /// Whole blocks of many lines (as the stream scanner's batch mode passes them), including the sample log, and
    /// lengths around every multiple of 64 so tokens and runs end exactly on word boundaries.
    @Test(arguments: [64, 32, 0] as [Int32])
    func blocksAndWordBoundariesAgree(vectorWidth: Int32) throws {
        phs_features_set_vector_width(vectorWidth)
        defer { phs_features_set_vector_width(64) }
        let ruleSet = try RuleSet.loadDefault()
        let fast = FeatureKernel(), reference = FeatureKernel()
        var blocks = [Array(Self.randomLines(300, seed: 7, ruleSet: ruleSet).joined(separator: [0x0A]))]
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("corpora/sample-app.log")
        blocks.append(Array(try Data(contentsOf: sample)))
        // The fast pass works in line-aligned windows of 16 KiB: lines longer than a window, and items just
        // before and after each window's last newline.
        let lines = Self.randomLines(400, seed: 11, ruleSet: ruleSet)
        let long = Array(lines.prefix(150).joined(separator: [0x20]))
        blocks.append(Array([lines[0], long, lines[1], long, lines[2]].joined(separator: [0x0A])))
        blocks.append(long)
        var mixed: [UInt8] = []
        for (i, line) in lines.enumerated() { mixed += line + (i % 37 == 0 ? [] : [0x0A]) }
        blocks.append(mixed)
        let unit = Array("MRN 123-45-6789 A1B2C3D4E5F6G7H8J 10.0.0.1-".utf8)
        for length in [63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257] {
            for fill in [UInt8(ascii: "7"), UInt8(ascii: "a"), UInt8(ascii: "-"), UInt8(ascii: ".")] {
                blocks.append(Array((Array(repeating: fill, count: length) + unit).prefix(length)))
                blocks.append(Array(repeating: fill, count: length - unit.count) + unit)
            }
        }
        for (i, block) in blocks.enumerated() {
            let d = Self.difference(ruleSet, block, fast: fast, reference: reference)
            #expect(d == nil, "block \(i) (\(block.count) bytes): \(d ?? "")")
        }
    }

    /// The token walk picks the tokens a keyword can start by their first bytes: none starting with a digit when no
    /// keyword does, only those holding a letter ("90yo") when no keyword's first token is digits only, every one
    /// when some is ("911"). Each kind of keyword set, on lines full of digit tokens glued to letters, agrees with
    /// the reference pass.
    @Test(arguments: [["mrn", "Dr"], ["90yo", "mrn"], ["911", "4B", "mrn"]])
    func tokensStartingWithDigitsAgree(keywords: [String]) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let pack = "pack: t\nrules:\n" + ruleYAML(id: "kw", extra: "    trigger: {keywords: [\(keywords.joined(separator: ", "))]}",
                                                  examples: "{match: ['\(keywords[0]) TK1234'], nomatch: ['TK12']}")
        let ruleSet = try RuleSet.load(paths: [try dir.write("pack.yaml", pack)], includeDefaults: false)
        var rng = SplitMix64(seed: 0xD161_7500)
        let pieces = ["911", "9110", "911x", "90yo", "90YO", "90yox", "4B", "4b", "44B", "2188MiB", "332ms", "7", "mrn",
                      "MRN4", "4mrn", "Dr", "dr7", "x911", "0", "12345678901234567890", "1a", "a1", "99999999yo"]
        let separators = [" ", "-", ".", ":", "_", "/", "\n", "", "  "]
        for vectorWidth: Int32 in [64, 32, 0] {
            phs_features_set_vector_width(vectorWidth)
            defer { phs_features_set_vector_width(64) }
            let fast = FeatureKernel(), reference = FeatureKernel()
            var problems: [String] = []
            for _ in 0..<3_000 {
                var line = String(repeating: " ", count: Int.random(in: 0...70, using: &rng))
                for _ in 0..<Int.random(in: 1...30, using: &rng) {
                    line += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
                    line += separators[Int.random(in: 0..<separators.count, using: &rng)]
                }
                if let d = Self.difference(ruleSet, Array(line.utf8), fast: fast, reference: reference) {
                    problems.append("'\(line)': \(d)")
                }
            }
            #expect(problems.isEmpty, "vector width \(vectorWidth): \(problems.count) lines differ, e.g. \(problems.prefix(2))")
        }
    }

    /// Line-start numbers (the `line_start_number` trigger) are found with bitmaps in the fast pass and byte by byte
    /// in the reference: indents of every kind and length, numbers that are too long or glued to letters, letters
    /// inside and outside ASCII after them, and lines that start anywhere in a 64-byte word, in blocks of many lines
    /// and lines alone; with the default packs' keywords beside them.
    @Test(arguments: [false, true])
    func lineStartNumbersAgree(defaults: Bool) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let pack = "pack: t\nrules:\n" + ruleYAML(id: "card", pattern: "(?<=^)[0-9]{1,6} [A-Z][a-z]{1,20}", maxLength: 30,
                                                   extra: "    trigger: {line_start_number: true}",
                                                   examples: "{match: ['⟦727 Gesterby⟧'], nomatch: ['x 727 Gesterby']}")
        let ruleSet = try RuleSet.load(paths: [try dir.write("pack.yaml", pack)], includeDefaults: defaults)
        let keyword = ruleSet.rawNeeds.pointee.line_number_keyword
        #expect(keyword != PHS_NO_LINE_NUMBER)
        var rng = SplitMix64(seed: 0x11E5_7A27)
        let indents = ["", " ", "  ", "\t", ">", ">>", "> ", "??? ", "?", "      ", "x ", "- ", ". "]
        let numbers = ["727", "7", "03220", "123456", "1234567", "12a", "4B", "0", "2024-01-15", "12,", "12.5"]
        let after = [" Gesterbyntie 68", " ombù 9", " Ørsted 4", "  Main St", " 9 Main", " \u{00C9}cole 3", " é",
                     "", " ", "\t Elm 4", " Πλατεία 204", " x", " Z"]
        for vectorWidth: Int32 in [64, 32, 0] {
            phs_features_set_vector_width(vectorWidth)
            defer { phs_features_set_vector_width(64) }
            let fast = FeatureKernel(), reference = FeatureKernel()
            var problems: [String] = []
            var block = ""
            for i in 0..<4_000 {
                let line = String(repeating: "y", count: Int.random(in: 0...3, using: &rng) * Int.random(in: 0...40, using: &rng) % 70)
                    + "\n" + indents[Int.random(in: 0..<indents.count, using: &rng)]
                    + numbers[Int.random(in: 0..<numbers.count, using: &rng)] + after[Int.random(in: 0..<after.count, using: &rng)]
                if let d = Self.difference(ruleSet, Array(line.utf8), fast: fast, reference: reference) {
                    problems.append("'\(line)': \(d)")
                }
                block += line
                if i % 50 == 49 {
                    if let d = Self.difference(ruleSet, Array(block.utf8), fast: fast, reference: reference) {
                        problems.append("block: \(d)")
                    }
                    block = ""
                }
            }
            #expect(problems.isEmpty, "vector width \(vectorWidth): \(problems.count) differ, e.g. \(problems.prefix(2))")
        }
        // And where they are: the first digit of the line's first token, nowhere else.
        let text = Array("727 Gesterbyntie 68\n>3654 Brixtonlaan 380\nx 12 Elm 4\n1234567 Long 3\n  ??? 9 Øster 2\n12a Oak 4".utf8)
        let starts = text.withUnsafeBufferPointer { buf -> [Int32] in
            fast(ruleSet, buf)
        }
        #expect(starts == [0, 21, 74])
    }

    private func fast(_ ruleSet: RuleSet, _ buf: UnsafeBufferPointer<UInt8>) -> [Int32] {
        let kernel = FeatureKernel()
        kernel.compute(buf, needs: ruleSet.rawNeeds, keywords: ruleSet.keywords)
        let keyword = ruleSet.rawNeeds.pointee.line_number_keyword
        return (0..<Int(kernel.out.hit_count)).compactMap { kernel.out.hits[$0].keyword == keyword ? kernel.out.hits[$0].start : nil }
    }

    /// The C context-word walk, both as the hot path asks it (`present`: any word?) and as explanations ask it
    /// (`all`: which words, how near), agrees with a plain reading of the rule (every word, every position of the
    /// window, whole words only) on every rule's context and negative-context words, around seeded spans of seeded
    /// lines.
    @Test func contextWordSearchAgrees() throws {
        let ruleSet = try RuleSet.loadDefault()
        var rng = SplitMix64(seed: 0xC0_47E7)
        let lines = Self.randomLines(3_000, seed: 5, ruleSet: ruleSet)
        var problems: [String] = []
        var found = 0
        let withWords = ruleSet.rules.filter { !$0.context.isEmpty || !$0.negativeContext.isEmpty }
        for var line in lines where line.count > 2 {
            let rule = withWords[Int.random(in: 0..<withWords.count, using: &rng)]
            // Most lines get one of the rule's words, in any case, glued to a neighbour or not, so the window holds
            // words to find (and words that only start or end like one).
            let words = rule.context.words + rule.negativeContext.words
            if Int.random(in: 0..<4, using: &rng) > 0, let word = words.randomElement(using: &rng) {
                let at = Int.random(in: 0...line.count, using: &rng)
                let cased = word.map { Bool.random(using: &rng) && (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }
                let before: [UInt8] = [[0x20], [0x3D], [0x61], []][Int.random(in: 0..<4, using: &rng)]
                let after: [UInt8] = [[0x20], [0x3A], [0x37], []][Int.random(in: 0..<4, using: &rng)]
                line.insert(contentsOf: before + cased + after, at: at)
            }
            let a = Int.random(in: 0..<line.count, using: &rng), b = Int.random(in: a...line.count, using: &rng)
            let window = Int.random(in: 0...64, using: &rng)
            for (index, after) in [(rule.context, true), (rule.negativeContext, false)] {
                let span = after ? a..<b : a..<a
                let expected = Self.contextWords(index.words, in: line, around: span, window: window, after: after)
                line.withUnsafeBufferPointer { buf in
                    let all = ContextWords.all(index, in: buf.baseAddress!, buf.count, around: span, window: window,
                                               after: after)
                    let present = ContextWords.present(index, in: buf.baseAddress!, buf.count, around: span,
                                                       window: window, after: after)
                    if all.words != expected.words || all.distance != expected.distance || present != !expected.words.isEmpty {
                        problems.append("\(rule.rule.id) \(span) w\(window): expected \(expected) all \(all) present \(present)")
                    }
                }
                found += expected.words.isEmpty ? 0 : 1
            }
        }
        #expect(found > 100, "the seeded lines put context words near too few spans to compare: \(found)")
        #expect(problems.isEmpty, "\(problems.count) differ, e.g. \(problems.prefix(3))")
    }
}

extension FeaturePassTests {
    /// Context words near `span` read straight from the rule: word k counts when it occurs, compared
    /// case-insensitively, starting a whole word in the window (`after`: up to `window` bytes past the span too),
    /// not inside the span and not running into it, and ending a word when its last byte is a letter or digit.
    /// Returns the words found (declaration order) and the fewest bytes between one of them and the span.
    static func contextWords(_ words: [[UInt8]], in line: [UInt8], around span: Range<Int>, window: Int,
                             after: Bool) -> (words: [Int], distance: Int?) {
        func alnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        let lo = max(0, span.lowerBound - window)
        let hi = after ? min(line.count, span.upperBound + window) : span.lowerBound
        var found: [Int] = []
        var distance: Int?
        for (k, w) in words.enumerated() where !w.isEmpty {
            var any = false
            var i = lo
            while i + w.count <= hi {
                defer { i += 1 }
                if span.contains(i) || (i < span.lowerBound && i + w.count > span.lowerBound) { continue }
                guard alnum(line[i]), i == 0 || !alnum(line[i - 1]) else { continue }
                let lowered = line[i..<i + w.count].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
                guard lowered.elementsEqual(w) else { continue }
                if alnum(w[w.count - 1]), i + w.count < line.count, alnum(line[i + w.count]) { continue }
                any = true
                let d = i + w.count <= span.lowerBound ? span.lowerBound - (i + w.count) : i - span.upperBound
                distance = min(distance ?? d, d)
            }
            if any { found.append(k) }
        }
        return (found, distance)
    }
}
