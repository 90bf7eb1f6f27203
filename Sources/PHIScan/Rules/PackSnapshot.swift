import Foundation

/// The default packs, already parsed: `rules/packs.snapshot` holds, for each shipped pack file, the rules
/// `RuleLoader.parse` makes of it, so that a start-up decodes them instead of parsing their YAML (parsing was a third
/// of start-up: libyaml over 350 KB of patterns, the node tree, then the checks of every key).
///
/// A pack is taken from the snapshot only when its bytes are those the snapshot was made from (their FNV-1a digest
/// and length, as `VerifiedPacks` identifies a pack); any other pack, an edited one included, is parsed. The
/// snapshot is only ever a faster way to the same rules: `PackSnapshotTests` fails when the shipped snapshot is not
/// byte for byte the one the current loader makes of `rules/`, and checks that decoding gives the parsed rules, so a
/// loader change that forgets to remake it fails the suite (`phiscrub rules snapshot` remakes it). A snapshot that
/// is missing, damaged or of another format is ignored, with the same result: the YAML is parsed.
///
/// The file is length-prefixed text: one value a line, a string as `<byte count>:<bytes>`, so it needs no escaping
/// and a reader never scans past a length it was given. Each pack's entry carries the digest of its own bytes too:
/// a damaged entry is parsed from YAML, never decoded into other rules. Paths a detector reads (its dictionary, place list, name
/// files) are stored relative to the pack's folder and resolved against the folder it is loaded from, as the
/// loader resolves them; a pack naming a file outside its folder is left out of the snapshot.
enum PackSnapshot {
    /// The snapshot's file name in the default pack directory.
    static let fileName = "packs.snapshot"
    /// The first line of a snapshot of this format: change the number with the format (the reader and writer
    /// below). Each rule also ends with a `.` line, so a snapshot of another layout that kept the number fails to
    /// decode (and its packs are parsed) instead of decoding into other rules.
    static let header = "phiscrub pack snapshot 3\n"
    /// The most a snapshot may hold (the shipped one is well under 1 MB).
    static let maxBytes = 64 << 20

    /// The snapshot read from `directory`, or nil when it is missing, too large or not of this format.
    static func load(directory: URL) -> Snapshot? {
        let path = directory.appendingPathComponent(fileName).path
        var st = stat()
        guard stat(path, &st) == 0, st.st_size <= maxBytes,
              let bytes = PackFile.bytes(atPath: path), bytes.count <= maxBytes else { return nil }
        return Snapshot(bytes: bytes)
    }

    /// The snapshot of every pack file in `directory` (as `RulePacks.packFiles` lists them) that parses with no
    /// problem and reads no file outside the directory. Throws the problems of a pack that does not parse.
    static func make(directory: URL) throws(RuleLoadError) -> [UInt8] {
        let files: [URL]
        do { files = try RulePacks.packFiles(in: directory) } catch {
            throw RuleLoadError(diagnostics: [RuleDiagnostic(location: SourceLocation(file: directory.path, line: 0),
                                                             ruleID: nil, message: "cannot list directory")])
        }
        var out = Writer()
        out.bytes.append(contentsOf: header.utf8)
        for file in files {
            guard let bytes = PackFile.bytes(atPath: file.path), let text = String(validating: bytes, as: UTF8.self) else {
                throw RuleLoadError(diagnostics: [RuleDiagnostic(location: SourceLocation(file: file.path, line: 0),
                                                                 ruleID: nil, message: "cannot read file")])
            }
            var diagnostics: [RuleDiagnostic] = []
            let rules = RuleLoader.parse(text, file: file.path, diagnostics: &diagnostics)
            if !diagnostics.isEmpty { throw RuleLoadError(diagnostics: diagnostics) }
            var pack = Writer()
            pack.folder = URL(fileURLWithPath: file.path).deletingLastPathComponent().standardized.path + "/"
            pack.int(rules.count)
            for rule in rules { pack.rule(rule) }
            if pack.outsideFolder { continue }
            let digest = bytes.withUnsafeBytes(VerifiedPacks.digest)
            let check = pack.bytes.withUnsafeBytes(VerifiedPacks.digest)
            out.bytes.append(contentsOf:
                "pack \(String(digest, radix: 16)) \(bytes.count) \(pack.bytes.count) \(String(check, radix: 16))\n".utf8)
            out.bytes.append(contentsOf: pack.bytes)
        }
        return out.bytes
    }

    /// A snapshot file's packs, by the digest and length of the pack bytes they were made from.
    struct Snapshot: Sendable {
        let bytes: [UInt8]
        /// The range of each pack's rules in `bytes` and their digest, by `"<digest> <length>"` of the pack's bytes.
        let packs: [String: (range: Range<Int>, check: UInt64)]

        init?(bytes: [UInt8]) {
            guard bytes.starts(with: PackSnapshot.header.utf8) else { return nil }
            var packs: [String: (range: Range<Int>, check: UInt64)] = [:]
            var i = PackSnapshot.header.utf8.count
            while i < bytes.count {
                guard let nl = bytes[i...].firstIndex(of: 0x0A) else { return nil }
                let fields = bytes[i..<nl].split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
                guard fields.count == 5, fields[0] == "pack", let size = Int(fields[3]), size >= 0,
                      size <= bytes.count - (nl + 1), let check = UInt64(fields[4], radix: 16) else { return nil }
                packs[fields[1] + " " + fields[2]] = ((nl + 1)..<(nl + 1 + size), check)
                i = nl + 1 + size
            }
            self.bytes = bytes
            self.packs = packs
        }

        /// The rules of the pack file `file` whose bytes have this digest (`VerifiedPacks.digest`) and length, as
        /// `RuleLoader.parse` makes them there; nil when the snapshot has no such pack, or its entry's bytes are not
        /// those written (a damaged file), or they do not decode.
        func rules(packDigest: UInt64, packLength: Int, file: String) -> [Rule]? {
            let key = String(packDigest, radix: 16) + " \(packLength)"
            guard let (range, check) = packs[key],
                  bytes.withUnsafeBytes({ VerifiedPacks.digest(UnsafeRawBufferPointer(rebasing: $0[range])) }) == check
            else { return nil }
            var reader = Reader(bytes: bytes, at: range.lowerBound, end: range.upperBound,
                                file: file, folder: URL(fileURLWithPath: file).deletingLastPathComponent())
            do {
                let count = try reader.int()
                guard count >= 0, count <= range.count else { return nil }
                var rules: [Rule] = []
                rules.reserveCapacity(count)
                for _ in 0..<count { rules.append(try reader.rule()) }
                return reader.at == range.upperBound ? rules : nil
            } catch {
                return nil
            }
        }
    }

    /// A value that does not decode: the snapshot is damaged or of another loader (the pack is parsed instead).
    struct Damaged: Error {}

    /// Appends values in the snapshot's format.
    struct Writer {
        var bytes: [UInt8] = []
        /// The pack's folder with a trailing slash: detector paths are written relative to it.
        var folder = ""
        /// A detector path outside `folder` was met: the pack cannot be stored.
        var outsideFolder = false

        mutating func line(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(0x0A)
        }
        mutating func int(_ v: Int) { line(String(v)) }
        mutating func bool(_ v: Bool) { line(v ? "1" : "0") }
        mutating func double(_ v: Double) { line(String(v.bitPattern, radix: 16)) }
        mutating func string(_ s: String) {
            bytes.append(contentsOf: "\(s.utf8.count):".utf8)
            bytes.append(contentsOf: s.utf8)
            bytes.append(0x0A)
        }
        /// The count, then each item as `write` writes it.
        mutating func list<T>(_ items: [T], _ write: (inout Writer, T) -> Void) {
            int(items.count)
            for item in items { write(&self, item) }
        }
        mutating func strings(_ items: [String]) { list(items) { $0.string($1) } }
        mutating func ints(_ items: [Int]) { list(items) { $0.int($1) } }
        /// A present optional is its value after a `+` line; an absent one is a `~` line.
        mutating func optional<T>(_ v: T?, _ write: (inout Writer, T) -> Void) {
            guard let v else { return line("~") }
            line("+")
            write(&self, v)
        }
        mutating func path(_ p: String) {
            guard p.hasPrefix(folder), !folder.isEmpty else {
                outsideFolder = true
                return string(p)
            }
            string(String(p.dropFirst(folder.count)))
        }

        mutating func rule(_ r: Rule) {
            string(r.id); string(r.entity); string(r.category.rawValue); string(r.pattern)
            int(r.group); int(r.maxLength)
            optional(r.validator) { $0.string($1.rawValue) }
            trigger(r.trigger)
            strings(r.contextWords); int(r.contextWindow); double(r.contextBoost)
            strings(r.negativeContext); double(r.contextPenalty)
            strings(r.allow); strings(r.deny); bool(r.isDenyList)
            optional(r.detector) { $0.detector($1) }
            strings(r.fieldKeys); strings(r.fieldPrefixes); strings(r.fieldNotAfter)
            optional(r.fieldValue) { $0.string($1) }
            ints(r.hl7Fields)
            string(r.tier.rawValue)
            optional(r.traits) { w, t in
                w.bool(t.identifier); w.bool(t.date)
                w.optional(t.generalization) { $0.string($1.rawValue) }
            }
            double(r.confidence); int(r.priority)
            strings(r.matchExamples); strings(r.nomatchExamples)
            int(r.source.line)
            line(".")
        }

        mutating func trigger(_ t: Trigger) {
            optional(t.digits) { $0.int($1) }
            optional(t.dots) { $0.int($1) }
            ints(t.separators.map(Int.init))
            list(t.groups) { $0.ints($1) }
            int(t.after)
            strings(t.keywords); bool(t.caseSensitive); bool(t.anchored)
            ints(t.bytes.map(Int.init))
            optional(t.before) { $0.int($1) }
            ints(t.alnumRun)
            optional(t.dashedAlnum) { $0.int($1) }
            optional(t.dashedAlnumMax) { $0.int($1) }
            int(t.runLetters); int(t.runDigits); int(t.runUpper)
            bool(t.hexColon); bool(t.lineStartNumber)
        }

        mutating func detector(_ d: DetectorSpec) {
            string(d.kind.rawValue); string(d.mode.rawValue)
            strings(d.cues); strings(d.names)
            list(d.nameFiles) { $0.path($1) }
            optional(d.dictionary) { $0.path($1) }
            strings(d.particles); strings(d.notNames); strings(d.givenNotAlone); strings(d.placeWords)
            strings(d.suffixes)
            optional(d.notCities) { $0.path($1) }
            strings(d.surnameEndings)
            strings(d.scriptSurnames)
        }
    }

    /// Reads values in the snapshot's format from `bytes[at..<end]`; throws `Damaged` on anything unexpected.
    struct Reader {
        let bytes: [UInt8]
        var at: Int
        let end: Int
        /// The pack file the rules are loaded from (their `source.file`).
        let file: String
        /// Its folder, against which detector paths are resolved.
        let folder: URL

        /// The bytes up to the next line feed, which is consumed.
        mutating func token() throws(Damaged) -> ArraySlice<UInt8> {
            var i = at
            while i < end && bytes[i] != 0x0A { i += 1 }
            guard i < end else { throw Damaged() }
            defer { at = i + 1 }
            return bytes[at..<i]
        }
        mutating func int() throws(Damaged) -> Int {
            guard let v = Int(String(decoding: try token(), as: UTF8.self)) else { throw Damaged() }
            return v
        }
        mutating func count() throws(Damaged) -> Int {
            let n = try int()
            guard n >= 0, n <= end - at else { throw Damaged() }
            return n
        }
        mutating func bool() throws(Damaged) -> Bool {
            switch try token().first {
            case 0x31: return true
            case 0x30: return false
            default: throw Damaged()
            }
        }
        mutating func double() throws(Damaged) -> Double {
            guard let bits = UInt64(String(decoding: try token(), as: UTF8.self), radix: 16) else { throw Damaged() }
            return Double(bitPattern: bits)
        }
        mutating func string() throws(Damaged) -> String {
            var i = at, n = 0
            while i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39 && n <= end {
                n = n * 10 + Int(bytes[i] - 0x30)
                i += 1
            }
            guard i > at, i < end, bytes[i] == 0x3A, n <= end - i - 2, bytes[i + 1 + n] == 0x0A,
                  let s = String(validating: bytes[(i + 1)..<(i + 1 + n)], as: UTF8.self) else { throw Damaged() }
            at = i + 2 + n
            return s
        }
        /// A count, then that many values `read` reads.
        mutating func list<T>(_ read: (inout Reader) throws(Damaged) -> T) throws(Damaged) -> [T] {
            let n = try count()
            var out: [T] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try read(&self)) }
            return out
        }
        mutating func strings() throws(Damaged) -> [String] { try list { r throws(Damaged) in try r.string() } }
        mutating func ints() throws(Damaged) -> [Int] { try list { r throws(Damaged) in try r.int() } }
        mutating func bytesList() throws(Damaged) -> [UInt8] {
            try ints().map { v throws(Damaged) -> UInt8 in
                guard let b = UInt8(exactly: v) else { throw Damaged() }
                return b
            }
        }
        mutating func optional<T>(_ read: (inout Reader) throws(Damaged) -> T) throws(Damaged) -> T? {
            let mark = try token()
            if mark.elementsEqual("~".utf8) { return nil }
            guard mark.elementsEqual("+".utf8) else { throw Damaged() }
            return try read(&self)
        }
        mutating func raw<T: RawRepresentable>(_: T.Type) throws(Damaged) -> T where T.RawValue == String {
            guard let v = T(rawValue: try string()) else { throw Damaged() }
            return v
        }
        mutating func path() throws(Damaged) -> String {
            let relative = try string()
            guard !relative.hasPrefix("/") else { throw Damaged() }
            return folder.appendingPathComponent(relative).standardized.path
        }

        mutating func rule() throws(Damaged) -> Rule {
            let id = try string(), entity = try string()
            let category = try raw(SafeHarborCategory.self)
            let pattern = try string()
            let group = try int(), maxLength = try int()
            let validator = try optional { r throws(Damaged) in try r.raw(ValidatorKind.self) }
            let trigger = try trigger()
            let contextWords = try strings(), contextWindow = try int(), contextBoost = try double()
            let negative = try strings(), penalty = try double()
            let allow = try strings(), deny = try strings()
            var rule = Rule(id: id, entity: entity, category: category, pattern: pattern, group: group,
                            maxLength: maxLength, validator: validator, trigger: trigger, contextWords: contextWords,
                            contextWindow: contextWindow, contextBoost: contextBoost, negativeContext: negative,
                            contextPenalty: penalty, allow: allow, deny: deny)
            rule.isDenyList = try bool()
            rule.detector = try optional { r throws(Damaged) in try r.detector() }
            rule.fieldKeys = try strings()
            rule.fieldPrefixes = try strings()
            rule.fieldNotAfter = try strings()
            rule.fieldValue = try optional { r throws(Damaged) in try r.string() }
            rule.hl7Fields = try ints()
            rule.tier = try raw(RuleTier.self)
            rule.traits = try optional { r throws(Damaged) in
                EntityTraits(identifier: try r.bool(), date: try r.bool(),
                             generalization: try r.optional { r throws(Damaged) in try r.raw(EntityTraits.Generalization.self) })
            }
            rule.confidence = try double()
            rule.priority = try int()
            rule.matchExamples = try strings()
            rule.nomatchExamples = try strings()
            rule.source = SourceLocation(file: file, line: try int())
            guard try token().elementsEqual(".".utf8) else { throw Damaged() }
            return rule
        }

        mutating func trigger() throws(Damaged) -> Trigger {
            var t = Trigger()
            t.digits = try optional { r throws(Damaged) in try r.int() }
            t.dots = try optional { r throws(Damaged) in try r.int() }
            t.separators = try bytesList()
            t.groups = try list { r throws(Damaged) in try r.ints() }
            t.after = try int()
            t.keywords = try strings()
            t.caseSensitive = try bool()
            t.anchored = try bool()
            t.bytes = try bytesList()
            t.before = try optional { r throws(Damaged) in try r.int() }
            t.alnumRun = try ints()
            t.dashedAlnum = try optional { r throws(Damaged) in try r.int() }
            t.dashedAlnumMax = try optional { r throws(Damaged) in try r.int() }
            t.runLetters = try int()
            t.runDigits = try int()
            t.runUpper = try int()
            t.hexColon = try bool()
            t.lineStartNumber = try bool()
            return t
        }

        mutating func detector() throws(Damaged) -> DetectorSpec {
            var d = DetectorSpec(kind: try raw(DetectorSpec.Kind.self), mode: try raw(DetectorSpec.NameMode.self))
            d.cues = try strings()
            d.names = try strings()
            d.nameFiles = try list { r throws(Damaged) in try r.path() }
            d.dictionary = try optional { r throws(Damaged) in try r.path() }
            d.particles = try strings()
            d.notNames = try strings()
            d.givenNotAlone = try strings()
            d.placeWords = try strings()
            d.suffixes = try strings()
            d.notCities = try optional { r throws(Damaged) in try r.path() }
            d.surnameEndings = try strings()
            d.scriptSurnames = try strings()
            return d
        }
    }
}

extension RulePacks {
    /// The name of the snapshot of parsed packs in the default pack directory (`snapshot(directory:)`).
    public static let snapshotFileName = PackSnapshot.fileName

    /// The bytes of a snapshot of the packs in `directory` (what `phiscrub rules snapshot` writes to
    /// `snapshotFileName` there): their rules as parsed, which later loads of byte-identical packs decode instead of
    /// parsing. Throws the problems of a pack that does not parse; run `loadAndCheck` first to check examples too.
    public static func snapshot(directory: URL) throws(RuleLoadError) -> [UInt8] {
        try PackSnapshot.make(directory: directory)
    }
}
