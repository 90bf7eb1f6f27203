import Foundation

/// Reads phiscrub's gold and prediction files: JSON Lines, one object per span,
/// `{"start": 12, "end": 23, "entity": "SSN"}` (UTF-8 byte offsets, end exclusive, optional `"doc": n` for
/// multi-document corpora), or a hard negative `{"start": .., "end": .., "negative": "uuid"}`.
/// Scan findings (`phiscrub scan` JSON Lines, with `offset`/`length`) are read too.
public enum GoldReader {
    /// Parses `bytes` (the file's content). `documentSizes` bounds the offsets; errors name the file and line.
    public static func read(_ bytes: [UInt8], file: String, documentSizes: [Int]) throws(EvalError)
        -> (spans: [LabelledSpan], negatives: [HardNegative]) {
        var spans: [LabelledSpan] = []
        var negatives: [HardNegative] = []
        var lineNumber = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let where_ = "\(file):\(lineNumber)"
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any] else {
                throw EvalError(.malformed, "\(where_): not a JSON object")
            }
            func int(_ key: String) -> Int? { object[key] as? Int }
            let doc = int("doc") ?? 0
            var start = int("start"), end = int("end")
            if start == nil, let offset = int("offset"), let length = int("length") {
                start = offset
                end = offset + length
            }
            guard let start, let end else {
                throw EvalError(.malformed, "\(where_): needs integer 'start' and 'end' (or 'offset' and 'length')")
            }
            guard doc >= 0, doc < documentSizes.count else {
                throw EvalError(.outOfRange, "\(where_): document \(doc) does not exist (\(documentSizes.count) documents)")
            }
            guard start >= 0, start < end, end <= documentSizes[doc] else {
                throw EvalError(.outOfRange,
                                "\(where_): span \(start)..<\(end) is empty or outside the document (\(documentSizes[doc]) bytes)")
            }
            if let kind = object["negative"] as? String {
                negatives.append(HardNegative(doc: doc, start: start, end: end, kind: kind))
            } else if let entity = object["entity"] as? String ?? object["entity_type"] as? String, !entity.isEmpty {
                guard let name = EntityNames.canonical(entity) else { continue }
                spans.append(LabelledSpan(doc: doc, start: start, end: end, entity: name))
            } else {
                throw EvalError(.malformed, "\(where_): needs 'entity' (a string) or 'negative'")
            }
        }
        return (spans, negatives)
    }
}

/// Reads the Presidio research format (`presidio-research` synthetic sets): a JSON array of records
/// `{full_text, spans: [{entity_type, entity_value, start_position, end_position}], ...}`. Positions there are
/// Unicode code point indices into `full_text`; they are converted to UTF-8 byte offsets, and each span is checked
/// to select exactly its `entity_value` (a mismatch means the offsets are not what this reader assumes).
public enum PresidioReader {
    public static func read(_ bytes: [UInt8], name: String) throws(EvalError) -> EvalCorpus {
        guard let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else {
            throw EvalError(.malformed, "\(name): not a JSON array of records")
        }
        var documents: [[UInt8]] = []
        var gold: [LabelledSpan] = []
        for (i, record) in array.enumerated() {
            guard let text = record["full_text"] as? String, let spans = record["spans"] as? [[String: Any]] else {
                throw EvalError(.malformed, "\(name): record \(i) needs 'full_text' and 'spans'")
            }
            // byteAt[k] = UTF-8 offset of code point k (and of the end).
            var byteAt: [Int] = []
            byteAt.reserveCapacity(text.unicodeScalars.count + 1)
            var offset = 0
            for u in text.unicodeScalars {
                byteAt.append(offset)
                offset += UTF8.width(u)
            }
            byteAt.append(offset)
            let scalars = Array(text.unicodeScalars)
            for (j, span) in spans.enumerated() {
                guard let type = span["entity_type"] as? String, let s = span["start_position"] as? Int,
                      let e = span["end_position"] as? Int else {
                    throw EvalError(.malformed, "\(name): record \(i) span \(j) needs entity_type, start_position, end_position")
                }
                guard s >= 0, s < e, e < byteAt.count else {
                    throw EvalError(.outOfRange, "\(name): record \(i) span \(j) is outside its text")
                }
                if let value = span["entity_value"] as? String {
                    var selected = String.UnicodeScalarView()
                    selected.append(contentsOf: scalars[s..<e])
                    if String(selected) != value {
                        throw EvalError(.malformed, "\(name): record \(i) span \(j): the positions do not select the labelled value (are they code points?)")
                    }
                }
                guard let entity = EntityNames.canonical(type) else { continue }
                gold.append(LabelledSpan(doc: i, start: byteAt[s], end: byteAt[e], entity: entity))
            }
            documents.append(Array(text.utf8))
        }
        return EvalCorpus(name: name, documents: documents, gold: gold)
    }
}
