/// Text from a caller (a role name, a tool name) put into a message for a terminal or a log line: control bytes
/// (newlines, escape sequences, NUL, DEL, C1 controls; not tabs) become `\u{..}` escapes, so a name cannot forge another
/// line of output or drive the terminal.
public func escapedForDisplay(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        let v = scalar.value
        if (v < 0x20 && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 {
            out += "\\u{" + String(v, radix: 16) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
