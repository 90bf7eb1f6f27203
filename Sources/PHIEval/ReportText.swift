/// Renders an `EvalReport` as aligned plain-text tables for people (the JSON form is for scripts).
public enum ReportText {
    public static func render(_ r: EvalReport) -> String {
        var out = "== \(r.corpus): \(r.documents) document(s), \(r.bytes) bytes, \(r.exact.overall.gold) gold spans, "
        out += "\(r.exact.overall.predicted) findings\n"
        let header = ["entity", "gold", "found", "P exact", "R exact", "F1 exact", "P overlap", "R overlap", "F1 overlap"]
        var rows: [[String]] = []
        for e in r.exact.entities {
            let o = r.overlap[e.entity] ?? e
            rows.append([e.entity, "\(e.gold)", "\(e.predicted)", f(e.precision), f(e.recall), f(e.f1),
                         f(o.precision), f(o.recall), f(o.f1)])
        }
        let a = r.exact.overall, b = r.overlap.overall
        rows.append([a.entity, "\(a.gold)", "\(a.predicted)", f(a.precision), f(a.recall), f(a.f1),
                     f(b.precision), f(b.recall), f(b.f1)])
        out += table(header, rows)
        if !r.negatives.isEmpty {
            out += "hard negatives reported (false positives by kind): "
            out += r.negatives.map { "\($0.kind) \($0.reported)/\($0.total)" }.joined(separator: ", ") + "\n"
        }
        if r.unscoredPlaces > 0 {
            out += "\(r.unscoredPlaces) CITY finding(s) on places the corpus labels without scoring (GPE) left out\n"
        }
        let predictedNames = Set(r.confusion.values.flatMap(\.keys)).subtracting([Scorer.missed]).sorted()
        let columns = predictedNames + [Scorer.missed]
        let goldNames = r.confusion.keys.filter { $0 != Scorer.none }.sorted() + (r.confusion[Scorer.none] == nil ? [] : [Scorer.none])
        var crows: [[String]] = []
        for g in goldNames {
            let row = r.confusion[g] ?? [:]
            crows.append([g] + columns.map { row[$0].map(String.init) ?? "." })
        }
        out += "confusion (rows: gold, columns: found; largest overlap):\n"
        out += table(["gold \\ found"] + columns, crows)
        return out
    }

    static func f(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 1000
        var s = "\(v)"
        while s.count < 5 { s += "0" }
        return s
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == 0 ? c + String(repeating: " ", count: widths[i] - c.count)
                       : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ") + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
