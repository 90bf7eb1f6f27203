/// How a predicted span must meet a gold span to count.
public enum MatchMode: String, Sendable, CaseIterable, Codable {
    /// Same start, same end, same entity.
    case exact
    /// Same entity and at least one shared byte.
    case overlap
}

/// Precision, recall and F1 for one entity (or overall, micro-averaged).
public struct EntityScore: Sendable, Hashable, Codable {
    public var entity: String
    /// Gold spans of this entity, and how many of them a prediction found.
    public var gold: Int
    public var goldFound: Int
    /// Predicted spans of this entity, and how many of them match a gold span.
    public var predicted: Int
    public var predictedCorrect: Int

    public init(entity: String, gold: Int = 0, goldFound: Int = 0, predicted: Int = 0, predictedCorrect: Int = 0) {
        self.entity = entity
        self.gold = gold
        self.goldFound = goldFound
        self.predicted = predicted
        self.predictedCorrect = predictedCorrect
    }

    /// Correct predictions over predictions (1 when nothing was predicted).
    public var precision: Double { predicted == 0 ? 1 : Double(predictedCorrect) / Double(predicted) }
    /// Found gold spans over gold spans (1 when there is no gold).
    public var recall: Double { gold == 0 ? 1 : Double(goldFound) / Double(gold) }
    public var f1: Double {
        let p = precision, r = recall
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    enum CodingKeys: String, CodingKey { case entity, gold, goldFound, predicted, predictedCorrect, precision, recall, f1 }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entity, forKey: .entity)
        try c.encode(gold, forKey: .gold)
        try c.encode(goldFound, forKey: .goldFound)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(predictedCorrect, forKey: .predictedCorrect)
        try c.encode(Self.round(precision), forKey: .precision)
        try c.encode(Self.round(recall), forKey: .recall)
        try c.encode(Self.round(f1), forKey: .f1)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entity = try c.decode(String.self, forKey: .entity)
        gold = try c.decode(Int.self, forKey: .gold)
        goldFound = try c.decode(Int.self, forKey: .goldFound)
        predicted = try c.decode(Int.self, forKey: .predicted)
        predictedCorrect = try c.decode(Int.self, forKey: .predictedCorrect)
    }

    static func round(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
}

/// Scores of one match mode: per entity and overall.
public struct ModeScores: Sendable, Hashable, Codable {
    public var entities: [EntityScore]
    public var overall: EntityScore

    /// The score of `entity`, if it occurs in gold or predictions.
    public subscript(entity: String) -> EntityScore? { entities.first { $0.entity == entity } }
}

/// How many hard negatives of one kind there were, and how many a prediction overlapped (false positives).
public struct NegativeScore: Sendable, Hashable, Codable {
    public var kind: String
    public var total: Int
    public var reported: Int

    public init(kind: String, total: Int, reported: Int) {
        self.kind = kind
        self.total = total
        self.reported = reported
    }
}

/// The result of scoring predictions against a corpus's gold spans. Holds counts only, never text.
public struct EvalReport: Sendable, Codable {
    public var corpus: String
    public var documents: Int
    public var bytes: Int
    public var exact: ModeScores
    public var overlap: ModeScores
    /// confusion[gold entity][predicted entity] = count, matched by largest overlap. The row `(none)` holds
    /// predictions that overlap no gold span; the column `(missed)` holds gold spans no prediction overlaps.
    public var confusion: [String: [String: Int]]
    public var negatives: [NegativeScore]
    /// CITY findings left out of scoring: each overlaps a place the corpus labels without scoring
    /// (`EvalCorpus.unscoredPlaces`) and no scored gold span.
    public var unscoredPlaces: Int = 0

    public func scores(_ mode: MatchMode) -> ModeScores { mode == .exact ? exact : overlap }
}

/// Scores predicted spans against gold spans.
public enum Scorer {
    public static let none = "(none)"
    public static let missed = "(missed)"

    /// Scores `predicted` against `corpus.gold`. With `coarse`, finer phiscrub types are folded into the general
    /// ones a PII set uses (`EntityNames.coarse`: FAX counts as PHONE) on both sides, and CITY and ZIP findings
    /// count on ADDRESS spans (`EntityNames.compatible`).
    public static func score(_ corpus: EvalCorpus, predicted: [LabelledSpan], coarse: Bool = false) -> EvalReport {
        func fold(_ spans: [LabelledSpan]) -> [LabelledSpan] {
            guard coarse else { return spans }
            return spans.map { s in
                var s = s
                s.entity = EntityNames.coarse[s.entity] ?? s.entity
                return s
            }
        }
        let gold = fold(corpus.gold)
        let goldIndex = SpanIndex(gold)
        // A CITY finding on a place the corpus labels but does not score is neither counted right nor wrong.
        let placeIndex = SpanIndex(corpus.unscoredPlaces)
        let pred = fold(predicted).filter { p in
            p.entity != EntityNames.placeFinding || placeIndex.overlapping(p).isEmpty || !goldIndex.overlapping(p).isEmpty
        }
        let predIndex = SpanIndex(pred)
        let goldSet = Set(gold)
        let predSet = Set(pred)

        var exact: [String: EntityScore] = [:]
        var overlap: [String: EntityScore] = [:]
        func bump(_ table: inout [String: EntityScore], _ entity: String, _ update: (inout EntityScore) -> Void) {
            var s = table[entity] ?? EntityScore(entity: entity)
            update(&s)
            table[entity] = s
        }
        var confusion: [String: [String: Int]] = [:]

        for g in gold {
            bump(&exact, g.entity) { $0.gold += 1; if predSet.contains(g) { $0.goldFound += 1 } }
            let hits = predIndex.overlapping(g)
            bump(&overlap, g.entity) { s in
                s.gold += 1
                if hits.contains(where: { EntityNames.compatible(predicted: $0.entity, gold: g.entity, coarse: coarse) }) {
                    s.goldFound += 1
                }
            }
            // Largest overlap wins; on a tie the same entity.
            let best = hits.max { a, b in
                let la = a.overlapLength(g), lb = b.overlapLength(g)
                if la != lb { return la < lb }
                return a.entity != g.entity && b.entity == g.entity
            }
            confusion[g.entity, default: [:]][best?.entity ?? missed, default: 0] += 1
        }
        for p in pred {
            bump(&exact, p.entity) { s in
                s.predicted += 1
                var intl = p
                intl.entity = EntityNames.internationalPhone
                if goldSet.contains(p) || (coarse && p.entity == "PHONE" && goldSet.contains(intl)) { s.predictedCorrect += 1 }
            }
            let hits = goldIndex.overlapping(p)
            bump(&overlap, p.entity) { s in
                s.predicted += 1
                if hits.contains(where: { EntityNames.compatible(predicted: p.entity, gold: $0.entity, coarse: coarse) }) {
                    s.predictedCorrect += 1
                }
            }
            if hits.isEmpty { confusion[none, default: [:]][p.entity, default: 0] += 1 }
        }

        var negatives: [String: NegativeScore] = [:]
        for n in corpus.negatives {
            let probe = LabelledSpan(doc: n.doc, start: n.start, end: n.end, entity: "")
            var s = negatives[n.kind] ?? NegativeScore(kind: n.kind, total: 0, reported: 0)
            s.total += 1
            if !predIndex.overlapping(probe).isEmpty { s.reported += 1 }
            negatives[n.kind] = s
        }

        func finish(_ table: [String: EntityScore]) -> ModeScores {
            let entities = table.values.sorted { $0.entity < $1.entity }
            var all = EntityScore(entity: "ALL")
            for e in entities {
                all.gold += e.gold
                all.goldFound += e.goldFound
                all.predicted += e.predicted
                all.predictedCorrect += e.predictedCorrect
            }
            return ModeScores(entities: entities, overall: all)
        }
        return EvalReport(corpus: corpus.name, documents: corpus.documents.count,
                          bytes: corpus.documents.reduce(0) { $0 + $1.count },
                          exact: finish(exact), overlap: finish(overlap), confusion: confusion,
                          negatives: negatives.values.sorted { $0.kind < $1.kind },
                          unscoredPlaces: predicted.count - pred.count)
    }
}

/// Spans of one corpus grouped by document and sorted by start, for overlap queries.
struct SpanIndex {
    private var byDoc: [Int: [LabelledSpan]] = [:]
    private var longest = 0

    init(_ spans: [LabelledSpan]) {
        for s in spans {
            byDoc[s.doc, default: []].append(s)
            longest = max(longest, s.end - s.start)
        }
        for k in byDoc.keys { byDoc[k]!.sort { ($0.start, $0.end) < ($1.start, $1.end) } }
    }

    /// Spans sharing at least one byte with `probe`.
    func overlapping(_ probe: LabelledSpan) -> [LabelledSpan] {
        guard let list = byDoc[probe.doc] else { return [] }
        // First span starting at or after probe.end; candidates lie before it, starting no earlier than
        // probe.start - longest.
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].start < probe.end { lo = mid + 1 } else { hi = mid }
        }
        var out: [LabelledSpan] = []
        var i = lo - 1
        while i >= 0 && list[i].start > probe.start - longest - 1 {
            if list[i].end > probe.start { out.append(list[i]) }
            i -= 1
        }
        return out
    }
}
