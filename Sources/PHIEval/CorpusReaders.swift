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

/// North American numbering: what separates US phone numbers from the other countries' in a general PII set.
enum NANP {
    /// Ten digits (eleven with a leading 1) before any extension (`x123`, `ext 12`), area code and exchange not
    /// starting with 0 or 1.
    /// The digit groups must be laid out as NANP numbers are written: 10 or 11 digits in one run, 3-3-4, 1-3-3-4
    /// or 3-7 (so a Brazilian `(71) 4233-6306` is not taken for one).
    static func shaped(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        var digits: [Int] = []
        var groups: [Int] = []
        var inGroup = false
        for u in scalars {
            if u == "x" || u == "X" || u == "e" || u == "E" { break }
            if u.isASCII, let d = Int(String(u)) {
                digits.append(d)
                if inGroup { groups[groups.count - 1] += 1 } else { groups.append(1) }
                inGroup = true
            } else {
                inGroup = false
            }
        }
        guard [[10], [11], [3, 3, 4], [1, 3, 3, 4], [3, 7]].contains(groups) else { return false }
        if digits.count == 11 {
            guard digits[0] == 1 else { return false }
            digits.removeFirst()
        }
        return digits.count == 10 && digits[0] >= 2 && digits[3] >= 2
    }
}

/// Reads the Presidio research format (`presidio-research` synthetic sets): a JSON array of records
/// `{full_text, spans: [{entity_type, entity_value, start_position, end_position}], ...}`. Positions there are
/// Unicode code point indices into `full_text`; they are converted to UTF-8 byte offsets, and each span is checked
/// to select exactly its `entity_value` (a mismatch means the offsets are not what this reader assumes).
/// Phone numbers that are not North American are labelled `PHONE_INTL`, so US phone recall is reported on its
/// own; a PHONE finding on one still counts as correct (`Scorer.score(coarse:)`).
public enum PresidioReader {
    public static func read(_ bytes: [UInt8], name: String) throws(EvalError) -> EvalCorpus {
        guard let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else {
            throw EvalError(.malformed, "\(name): not a JSON array of records")
        }
        var documents: [[UInt8]] = []
        var gold: [LabelledSpan] = []
        var places: [LabelledSpan] = []
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
                if type == EntityNames.presidioPlace {
                    places.append(LabelledSpan(doc: i, start: byteAt[s], end: byteAt[e], entity: type))
                }
                guard var entity = EntityNames.canonical(type) else { continue }
                if entity == "PHONE", !NANP.shaped(scalars[s..<e]) { entity = EntityNames.internationalPhone }
                gold.append(LabelledSpan(doc: i, start: byteAt[s], end: byteAt[e], entity: entity))
            }
            documents.append(Array(text.utf8))
        }
        return EvalCorpus(name: name, documents: documents, gold: gold, unscoredPlaces: places)
    }
}
