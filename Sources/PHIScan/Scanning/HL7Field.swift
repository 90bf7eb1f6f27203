/// Finds the values of fields of an HL7 version 2 segment, for rules declared with `hl7:` (rules/README.md, "HL7
/// rules"): their pattern finds the segment's name (`PID|`), and the findings are the fields' values, which carry no
/// label of their own.
///
/// Fields are parted by `|` (a value never holds one: HL7 writes it `\F\`); a segment ends at a carriage return or
/// a line feed, as written or escaped in a JSON string (`\r`, `\n`), or at the end of the text the rule may read
/// (its `max_length` past the segment's name). A log line may go on after a segment's last field: a tab or two
/// blanks end a value, and a date or an SSN is the value's first word. Only the separators HL7 recommends are read
/// (`|^~\&`).
enum HL7Field {
    /// What a field's value must look like to be reported, from the rule's entity and validator.
    enum Shape: Sendable {
        /// An HL7 timestamp's date (`YYYYMMDD`, then perhaps a time and a zone): the eight digits are the span.
        case date
        /// Nine digits with or without the dashes of an SSN, the whole field.
        case ssn
        /// Seven or more digits anywhere in the field (a phone in any of HL7's layouts), the whole field.
        case phone
        /// Two or more letters or digits anywhere in the field (a name, an address, an identifier), the whole field.
        case text

        init(entity: String, validator: ValidatorKind?) {
            switch validator {
            case .date?: self = .date
            case .ssn?: self = .ssn
            default: self = entity == "PHONE" || entity == "FAX" ? .phone : .text
            }
        }
    }

    /// Calls `each` with the span of every field of `fields` (ascending, as HL7 counts them: `PID-5` is the fifth
    /// field after `PID|`) of the segment whose first field starts at `start` in `p[0..<limit]` that holds a value of
    /// `shape`; the segment is walked once, up to its end or the last of `fields`.
    static func spans(_ p: UnsafePointer<UInt8>, limit: Int, start: Int, fields: [Int], shape: Shape,
                      _ each: (Range<Int>) -> Void) {
        var i = start, field = 1
        for number in fields {
            // Skip the fields before it.
            while field < number {
                while i < limit && p[i] != 0x7C {
                    if endsSegment(p, limit, i) { return }
                    i += 1
                }
                if i >= limit { return }
                i += 1
                field += 1
            }
            if let span = value(p, limit: limit, start: i, shape: shape) { each(span) }
        }
    }

    /// The value of the field that starts at `i`, if it is of `shape`.
    private static func value(_ p: UnsafePointer<UInt8>, limit: Int, start i: Int, shape: Shape) -> Range<Int>? {
        // The value ends at the next field, the segment's end, a tab or two blanks (a log's own text after the
        // segment's last field), without the blanks before that.
        var end = i
        while end < limit && p[end] != 0x7C && p[end] != 0x09 && !endsSegment(p, limit, end)
                && !(p[end] == 0x20 && end + 1 < limit && p[end + 1] == 0x20) { end += 1 }
        while end > i && p[end - 1] == 0x20 { end -= 1 }
        if end == i { return nil }
        // A date or an SSN is the value's first word.
        var word = i
        while word < end && p[word] != 0x20 { word += 1 }
        switch shape {
        case .date:
            guard word - i >= 8, (i..<i + 8).allSatisfy({ ByteClass.isDigit(p[$0]) }),
                  (i + 8..<word).allSatisfy({ isTimestampByte(p[$0]) })
            else { return nil }
            return i..<i + 8
        case .ssn:
            var digits = 0
            for k in i..<word {
                if ByteClass.isDigit(p[k]) { digits += 1 } else if p[k] != 0x2D { return nil }
            }
            return digits == 9 ? i..<word : nil
        case .phone:
            var digits = 0
            for k in i..<end where ByteClass.isDigit(p[k]) { digits += 1 }
            return digits >= 7 ? i..<end : nil
        case .text:
            var alnum = 0
            for k in i..<end where ByteClass.isAlnum(p[k]) || p[k] >= 0x80 { alnum += 1 }
            return alnum >= 2 ? i..<end : nil
        }
    }

    /// A carriage return or line feed at `i`, as written or as a JSON escape (`\r`, `\n`).
    @inline(__always)
    private static func endsSegment(_ p: UnsafePointer<UInt8>, _ limit: Int, _ i: Int) -> Bool {
        let b = p[i]
        if b == 0x0D || b == 0x0A { return true }
        return b == 0x5C && i + 1 < limit && (p[i + 1] == 0x72 || p[i + 1] == 0x6E)
    }

    /// The rest of an HL7 timestamp after its date: time digits, a fraction, a zone, or a component separator.
    @inline(__always)
    private static func isTimestampByte(_ b: UInt8) -> Bool {
        ByteClass.isDigit(b) || b == 0x2E || b == 0x2B || b == 0x2D || b == 0x5E
    }
}
