/// Calendar-valid dates in common numeric and month-name formats.
///
/// Accepted shapes (the whole span must match; 2-digit years are any year,
/// 4-digit years must be 1900…2100):
/// - `MM/DD/YYYY`, `M/D/YY`, … with '/' or '-': valid if either month-first or day-first reading is valid;
/// - `DD.MM.YYYY` / `D.M.YYYY`: day-first only, 4-digit year only;
/// - `YYYY-MM-DD`, `YYYY/MM/DD` (1- or 2-digit month and day);
/// - `YYYYMMDD` (eight digits; only a field rule's value is ever that shape);
/// - `Month D, YYYY`, `Mon D YYYY`, `Mon. D YYYY`, `D Month YYYY`, `15-Jan-2020`, `Sept 3rd, 2021`:
///   full or 3-letter month names (plus "Sept"), any case, optional st/nd/rd/th on the day,
///   separated by 1–3 of ' ', ',', '-', '/', '.', '+'. A day is required ("March 2020" is rejected).
enum DateCheck {
    /// Longest span worth parsing; real dates are far shorter.
    private static let maxLength = 40

    static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, bytes.count <= maxLength else { return false }
        if ValidationASCII.isDigit(first) {
            return numericDate(bytes) || dayFirstNamedDate(bytes) || compactDate(bytes)
        }
        return monthFirstNamedDate(bytes)
    }

    // MARK: Shapes

    private static func numericDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var c = DateCursor(bytes)
        let a = c.digits()
        guard (1...4).contains(a.length), let sep = c.take(),
              sep == UInt8(ascii: "/") || sep == UInt8(ascii: "-") || sep == UInt8(ascii: ".") else { return false }
        let b = c.digits()
        guard (1...2).contains(b.length), c.take() == sep else { return false }
        let last = c.digits()
        guard c.atEnd else { return false }

        if a.length == 4 {  // YYYY-MM-DD, YYYY/MM/DD
            guard sep != UInt8(ascii: "."), (1...2).contains(last.length) else { return false }
            return isCalendarDate(year: a, month: b.value, day: last.value)
        }
        guard a.length <= 2 else { return false }
        if sep == UInt8(ascii: ".") {  // DD.MM.YYYY; a 2-digit year would admit version numbers like 1.2.10
            return last.length == 4 && isCalendarDate(year: last, month: b.value, day: a.value)
        }
        return isCalendarDate(year: last, month: a.value, day: b.value)
            || isCalendarDate(year: last, month: b.value, day: a.value)
    }

    /// `YYYYMMDD` (`19750303`): eight digits, no separator. Only field rules produce such spans (a value under a
    /// date-named key: `dob=19750303`); in free text eight digits are more often an ID.
    private static func compactDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 8, bytes.allSatisfy(ValidationASCII.isDigit) else { return false }
        func number(_ from: Int, _ count: Int) -> Int {
            bytes[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        return isCalendarDate(year: (number(0, 4), 4), month: number(4, 2), day: number(6, 2))
    }

    /// `Month D, YYYY`, `Mon. D YYYY`, `Sept 3rd 2021`, …
    private static func monthFirstNamedDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var c = DateCursor(bytes)
        guard let month = c.monthName(), c.separator() else { return false }
        guard let day = c.day(), c.separator() else { return false }
        let year = c.digits()
        return c.atEnd && isCalendarDate(year: year, month: month, day: day)
    }

    /// `D Month YYYY`, `15 Jan 2020`, `15-Jan-2020`, `3rd March, 2021`, …
    private static func dayFirstNamedDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var c = DateCursor(bytes)
        guard let day = c.day(), c.separator() else { return false }
        guard let month = c.monthName(), c.separator() else { return false }
        let year = c.digits()
        return c.atEnd && isCalendarDate(year: year, month: month, day: day)
    }

    // MARK: Calendar

    private static func isCalendarDate(year: (value: Int, length: Int), month: Int, day: Int) -> Bool {
        let fullYear: Int
        switch year.length {
        case 4:
            guard (1900...2100).contains(year.value) else { return false }
            fullYear = year.value
        case 2:
            fullYear = 2000 + year.value  // century unknown: 20yy is leap iff yy % 4 == 0, the permissive reading
        default:
            return false
        }
        guard (1...12).contains(month) else { return false }
        return day >= 1 && day <= daysIn(month: month, year: fullYear)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    // MARK: Month names

    fileprivate static func monthName(_ month: Int) -> StaticString {
        switch month {
        case 1: return "january"
        case 2: return "february"
        case 3: return "march"
        case 4: return "april"
        case 5: return "may"
        case 6: return "june"
        case 7: return "july"
        case 8: return "august"
        case 9: return "september"
        case 10: return "october"
        case 11: return "november"
        default: return "december"
        }
    }
}

/// A forward-only reader over the date span.
private struct DateCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { index >= bytes.count }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func take() -> UInt8? {
        guard let b = current else { return nil }
        index += 1
        return b
    }

    /// Consumes a run of digits; `length` is 0 when there is none. The value saturates.
    mutating func digits() -> (value: Int, length: Int) {
        var value = 0
        var length = 0
        while let b = current, let d = ValidationASCII.digit(b) {
            value = min(value * 10 + d, 100_000)
            length += 1
            index += 1
        }
        return (value, length)
    }

    /// A 1–2 digit day with an optional st/nd/rd/th suffix.
    mutating func day() -> Int? {
        let d = digits()
        guard (1...2).contains(d.length) else { return nil }
        if index + 1 < bytes.count,
           let s0 = ValidationASCII.lowerLetter(bytes[index]),
           let s1 = ValidationASCII.lowerLetter(bytes[index + 1]),
           Self.isOrdinalSuffix(s0, s1) {
            index += 2
        }
        return d.value
    }

    private static func isOrdinalSuffix(_ a: UInt8, _ b: UInt8) -> Bool {
        switch (a, b) {
        case (UInt8(ascii: "s"), UInt8(ascii: "t")), (UInt8(ascii: "n"), UInt8(ascii: "d")),
             (UInt8(ascii: "r"), UInt8(ascii: "d")), (UInt8(ascii: "t"), UInt8(ascii: "h")):
            return true
        default:
            return false
        }
    }

    /// 1–3 bytes drawn from ' ', ',', '-', '/', '.'.
    mutating func separator() -> Bool {
        var length = 0
        while let b = current, Self.isSeparator(b) {
            length += 1
            index += 1
        }
        return (1...3).contains(length)
    }

    private static func isSeparator(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."),
             UInt8(ascii: "+"):  // a query string's space (`birth_date=15+Sep+1999`)
            return true
        default:
            return false
        }
    }

    /// Consumes a run of letters and returns its month number when it names a month
    /// (full name, 3-letter abbreviation, or "sept").
    mutating func monthName() -> Int? {
        let start = index
        while let b = current, ValidationASCII.isLetter(b) { index += 1 }
        let length = index - start
        guard length >= 3 else { return nil }
        for month in 1...12 {
            let matched = DateCheck.monthName(month).withUTF8Buffer { name -> Bool in
                let abbreviationOK = length == 3 || (month == 9 && length == 4)
                guard abbreviationOK || length == name.count else { return false }
                for i in 0..<length where ValidationASCII.lowerLetter(bytes[start + i]) != name[i] {
                    return false
                }
                return true
            }
            if matched { return month }
        }
        return nil
    }
}
