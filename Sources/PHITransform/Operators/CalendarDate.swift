/// A date as it was written: its fields, where they sit in the text and how they look, so an operator can change
/// the day and write it back in the same format (`03/14/1961`, `1961-03-14`, `14.03.1961`, `March 14, 1961`,
/// `14-Mar-61`, `Sept. 3rd, 1958`).
struct WrittenDate {
    enum Piece {
        case literal([UInt8])
        case year(width: Int)
        case month(width: Int, padded: Bool)
        case monthName(style: MonthNameStyle)
        case day(width: Int, padded: Bool)
        case ordinalSuffix(upper: Bool)
    }

    enum MonthNameStyle {
        case full(Case), abbreviated(Case), sept(Case)
    }

    enum Case { case lower, upper, capitalized }

    var year: Int
    var month: Int
    var day: Int
    var pieces: [Piece]

    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                             "october", "november", "december"]

    /// Parses the shapes the date rules find; nil for anything else (the caller then redacts).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, pivotYear: Int = 2030) -> WrittenDate? {
        // Split into digit runs, letter runs and separators.
        enum Token { case digits([UInt8]), letters([UInt8]), other([UInt8]) }
        var tokens: [Token] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            var j = i + 1
            if isDigit(b) {
                while j < bytes.count, isDigit(bytes[j]) { j += 1 }
                tokens.append(.digits(Array(bytes[i..<j])))
            } else if isLetter(b) {
                while j < bytes.count, isLetter(bytes[j]) { j += 1 }
                tokens.append(.letters(Array(bytes[i..<j])))
            } else {
                while j < bytes.count, !isDigit(bytes[j]), !isLetter(bytes[j]) { j += 1 }
                tokens.append(.other(Array(bytes[i..<j])))
            }
            i = j
        }
        var numbers: [(index: Int, text: [UInt8])] = []
        var monthWord: (index: Int, month: Int, style: MonthNameStyle)?
        for (k, t) in tokens.enumerated() {
            switch t {
            case .digits(let d): numbers.append((k, d))
            case .letters(let l):
                if let m = monthName(l) {
                    guard monthWord == nil else { return nil }
                    monthWord = (k, m.month, m.style)
                } else if isOrdinal(l), k > 0, case .digits = tokens[k - 1] {
                    continue
                } else {
                    return nil
                }
            case .other: continue
            }
        }
        func value(_ d: [UInt8]) -> Int { d.reduce(0) { $0 * 10 + Int($1 - 48) } }
        func fullYear(_ d: [UInt8]) -> Int {
            let v = value(d)
            guard d.count == 2 else { return v }
            return v + (2000 + v <= pivotYear ? 2000 : 1900)
        }
        var yearIndex = -1, monthIndex = -1, dayIndex = -1
        var y = 0, m = 0, d = 0
        if let monthWord {
            guard numbers.count == 2 else { return nil }
            // The year is the number with 4 digits, else the later one.
            let yearFirst = numbers[0].text.count == 4 && numbers[1].text.count <= 2
            let (yn, dn) = yearFirst ? (numbers[0], numbers[1]) : (numbers[1], numbers[0])
            guard dn.text.count <= 2, yn.text.count == 4 || yn.text.count == 2 else { return nil }
            (yearIndex, dayIndex, monthIndex) = (yn.index, dn.index, monthWord.index)
            (y, m, d) = (fullYear(yn.text), monthWord.month, value(dn.text))
        } else {
            guard numbers.count == 3 else { return nil }
            let (a, b, c) = (numbers[0], numbers[1], numbers[2])
            let separator: [UInt8]
            if case .other(let s) = tokens[a.index + 1] { separator = s } else { return nil }
            if a.text.count == 4 {
                guard b.text.count <= 2, c.text.count <= 2 else { return nil }
                (yearIndex, monthIndex, dayIndex) = (a.index, b.index, c.index)
                (y, m, d) = (value(a.text), value(b.text), value(c.text))
            } else {
                guard a.text.count <= 2, b.text.count <= 2, c.text.count == 4 || c.text.count == 2 else { return nil }
                y = fullYear(c.text)
                yearIndex = c.index
                let monthFirstValid = isValid(y, value(a.text), value(b.text))
                if separator != Array(".".utf8) && monthFirstValid {
                    (monthIndex, dayIndex, m, d) = (a.index, b.index, value(a.text), value(b.text))
                } else {
                    (monthIndex, dayIndex, m, d) = (b.index, a.index, value(b.text), value(a.text))
                }
            }
        }
        guard isValid(y, m, d) else { return nil }
        // A two-digit day or month is zero-padded if it starts with 0, or (when it cannot tell, e.g. 14) if the
        // other numeric field is two digits too: `03/14` pads, `3/14` does not, `March 14` does not.
        func digitText(_ index: Int) -> [UInt8]? {
            if index >= 0, case .digits(let d) = tokens[index] { return d }
            return nil
        }
        func padded(_ index: Int, other: Int) -> Bool {
            guard let d = digitText(index), d.count == 2 else { return false }
            if d[0] == UInt8(ascii: "0") { return true }
            guard let o = digitText(other) else { return false }
            return o.count == 2
        }
        let monthPadded = padded(monthIndex, other: dayIndex), dayPadded = padded(dayIndex, other: monthIndex)
        var pieces: [Piece] = []
        for (k, t) in tokens.enumerated() {
            switch t {
            case .digits(let digits):
                if k == yearIndex { pieces.append(.year(width: digits.count)) }
                else if k == monthIndex { pieces.append(.month(width: digits.count, padded: monthPadded)) }
                else if k == dayIndex { pieces.append(.day(width: digits.count, padded: dayPadded)) }
                else { return nil }
            case .letters(let l):
                if k == monthIndex, let monthWord { pieces.append(.monthName(style: monthWord.style)) }
                else { pieces.append(.ordinalSuffix(upper: l.allSatisfy { $0 < 0x61 })) }
            case .other(let o): pieces.append(.literal(o))
            }
        }
        return WrittenDate(year: y, month: m, day: d, pieces: pieces)
    }

    /// The date moved by `days`, written in its original format.
    func shifted(byDays days: Int) -> [UInt8] {
        let (ny, nm, nd) = Self.civil(fromDays: Self.days(year: year, month: month, day: day) + days)
        var moved = self
        (moved.year, moved.month, moved.day) = (ny, nm, nd)
        return moved.render()
    }

    func render() -> [UInt8] {
        var out: [UInt8] = []
        for p in pieces {
            switch p {
            case .literal(let l): out += l
            case .year(let width): out += Self.digits(width == 2 ? year % 100 : year, width: width == 2 ? 2 : 4)
            case .month(_, let padded): out += Self.digits(month, width: padded ? 2 : 1)
            case .day(_, let padded): out += Self.digits(day, width: padded ? 2 : 1)
            case .monthName(let style): out += Self.monthText(month, style: style)
            case .ordinalSuffix(let upper):
                let suffix: String
                switch (day % 100, day % 10) {
                case (11...13, _): suffix = "th"
                case (_, 1): suffix = "st"
                case (_, 2): suffix = "nd"
                case (_, 3): suffix = "rd"
                default: suffix = "th"
                }
                out += Array((upper ? suffix.uppercased() : suffix).utf8)
            }
        }
        return out
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian; Howard Hinnant's days-from-civil)

    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func isValid(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        guard (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= lengths[m - 1]
    }

    // MARK: - Text helpers

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    private static func isOrdinal(_ l: [UInt8]) -> Bool {
        ["st", "nd", "rd", "th"].contains(String(decoding: l, as: UTF8.self).lowercased())
    }

    private static func letterCase(_ l: [UInt8]) -> Case {
        if l.allSatisfy({ $0 >= 0x61 }) { return .lower }
        if l.count > 1 && l.allSatisfy({ $0 < 0x61 }) { return .upper }
        return .capitalized
    }

    private static func monthName(_ l: [UInt8]) -> (month: Int, style: MonthNameStyle)? {
        let lower = String(decoding: l, as: UTF8.self).lowercased()
        let c = letterCase(l)
        if let full = monthNames.firstIndex(of: lower) { return (full + 1, lower.count == 3 ? .abbreviated(c) : .full(c)) }
        if lower == "sept" { return (9, .sept(c)) }
        if lower.count == 3, let abbr = monthNames.firstIndex(where: { $0.hasPrefix(lower) }) { return (abbr + 1, .abbreviated(c)) }
        return nil
    }

    private static func monthText(_ month: Int, style: MonthNameStyle) -> [UInt8] {
        let full = monthNames[month - 1]
        let (text, c): (String, Case)
        switch style {
        case .full(let k): (text, c) = (full, k)
        case .abbreviated(let k): (text, c) = (String(full.prefix(3)), k)
        case .sept(let k): (text, c) = (month == 9 ? "sept" : String(full.prefix(3)), k)
        }
        switch c {
        case .lower: return Array(text.utf8)
        case .upper: return Array(text.uppercased().utf8)
        case .capitalized: return Array((text.prefix(1).uppercased() + text.dropFirst()).utf8)
        }
    }

    private static func digits(_ v: Int, width: Int) -> [UInt8] {
        var s = String(v)
        while s.count < width { s = "0" + s }
        return Array(s.utf8)
    }
}
