import PHIScan

/// What a JSON key name says about the value under it: the label the value is scanned after, so that
/// `{"ssn": "402198877"}` is judged as an SSN the way `SSN: 402198877` is in a log line.
///
/// Keys are normalised (ASCII letters and digits only, lower case: `patient_DOB` -> `patientdob`) and matched
/// against a table of exact names and distinctive fragments. A key with no entry gives no label; its value is
/// still scanned on its own.
public struct KeyContext: Sendable, Equatable {
    /// The bytes scanned in front of the value (e.g. `SSN: `). Findings inside it are dropped.
    public var label: [UInt8]
    /// For generic keys (`name`, `display_name`), which also name files, models and projects: the label applies
    /// only to a value shaped like a person's full name (2 to 4 capitalised words, letters only).
    public var personNameOnly = false

    /// A string under a key that names structured data (`id`, `count`, `note`): scanned after one space, so that
    /// the value never opens its line (see `JSONKeys.messageText`).
    public static let structured = KeyContext(label: [0x20])

    public init(label: [UInt8], personNameOnly: Bool = false) {
        self.label = label
        self.personNameOnly = personNameOnly
    }

    /// The label to scan `value` after, or nil when this context does not apply to it.
    public func label(for value: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if personNameOnly && !KeyContext.looksLikeFullName(value) { return nil }
        return label
    }

    /// 2 to 4 words of letters (and `'`, `-`, a trailing `.` for initials), each starting with a capital, single
    /// spaces between: "Jane Roe", "Ola K. Nygaard". Not "Report.pdf", "Sonnet", "gpt-4o mini".
    static func looksLikeFullName(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        guard v.count >= 3, v.count <= 80 else { return false }
        var words = 0
        var atWordStart = true
        var i = 0
        while i < v.count {
            let b = v[i]
            if atWordStart {
                guard b >= 0x41 && b <= 0x5A else { return false }
                words += 1
                atWordStart = false
            } else if b == 0x20 {
                guard v[i - 1] != 0x20 else { return false }
                atWordStart = true
            } else if b == UInt8(ascii: ".") {
                // Only after a single capital (an initial), and then a space or the end.
                guard i >= 1, v[i - 1] >= 0x41 && v[i - 1] <= 0x5A, i == 1 || v[i - 2] == 0x20,
                      i + 1 == v.count || v[i + 1] == 0x20 else { return false }
            } else if !((b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "'")
                        || b == UInt8(ascii: "-")) {
                return false
            }
            i += 1
        }
        return !atWordStart && (2...4).contains(words)
    }

    /// The context for a normalised key, or nil.
    public static func forKey(normalized key: [UInt8]) -> KeyContext? {
        if key.isEmpty || key.count > 64 { return nil }
        if let label = exactBytes[key] { return KeyContext(label: label, personNameOnly: genericNames.contains(key)) }
        // A numbered repeat (`npi_2`, `phone2`) has its base key's context.
        var k = key
        while let last = k.last, last >= 0x30 && last <= 0x39 { k.removeLast() }
        if let label = exactBytes[k] { return KeyContext(label: label) }
        for (fragment, label) in fragmentBytes where contains(k, fragment) { return KeyContext(label: label) }
        for (suffix, label) in suffixBytes where k.count > suffix.count && k.suffix(suffix.count).elementsEqual(suffix) {
            return KeyContext(label: label)
        }
        return nil
    }

    private static func contains(_ k: [UInt8], _ f: [UInt8]) -> Bool {
        guard k.count >= f.count else { return false }
        for i in 0...(k.count - f.count) where k[i] == f[0] {
            var j = 1
            while j < f.count && k[i + j] == f[j] { j += 1 }
            if j == f.count { return true }
        }
        return false
    }

    private static let exactBytes: [[UInt8]: [UInt8]] =
        Dictionary(uniqueKeysWithValues: exact.map { (Array($0.key.utf8), Array($0.value.utf8)) })
    private static let fragmentBytes: [([UInt8], [UInt8])] = fragments.map { (Array($0.0.utf8), Array($0.1.utf8)) }
    private static let suffixBytes: [([UInt8], [UInt8])] = suffixes.map { (Array($0.utf8), Array(exact[$0]!.utf8)) }

    /// Lower-case ASCII letters and digits of a decoded key.
    public static func normalize(_ key: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(key.count)
        for b in key {
            switch b {
            case 0x41...0x5A: out.append(b | 0x20)
            case 0x61...0x7A, 0x30...0x39: out.append(b)
            default: continue
            }
        }
        return out
    }

    static let nameLabel = "Name: "
    /// For keys that hold a name part or a person as often as other things (`last`, `first`, `from`, `owner`): the
    /// value is scanned after a cue that introduces a person, so it takes a dictionary name that is no common word
    /// (`"last": "Smith"`, `"from": "Artur Teterycz"`; not `"first": "Page"`, `"owner": "Platform Team"`), as the
    /// filter's name cues do for such a key in a JSON line.
    static let personCueLabel = "spoke with "

    /// Keys that name things as often as people.
    static let genericNames: Set<[UInt8]> = [Array("name".utf8), Array("displayname".utf8)]

    /// Whole keys. Person names: a capitalised name after `Name:` is what the name-label rule finds.
    static let exact: [String: String] = {
        var t: [String: String] = [:]
        for k in ["name", "fullname", "patientname", "patient", "firstname", "lastname", "middlename", "givenname",
                  "familyname", "surname", "legalname", "preferredname", "maidenname", "displayname", "guardian",
                  "guardianname", "nextofkin", "emergencycontact", "emergencycontactname", "contactname",
                  "physician", "physicianname", "doctor", "doctorname", "attending", "attendingphysician",
                  "referringphysician", "pcp", "nurse", "caregiver", "spouse", "prescriber", "subscribername",
                  "insuredname", "membername", "policyholder", "signedby", "authoredby"] {
            t[k] = nameLabel
        }
        for k in ["first", "last", "middle", "fname", "lname", "forename", "given", "family", "from", "sender",
                  "recipient", "caller", "author", "owner", "assignee", "reviewer", "approver", "requester", "requestor",
                  "submitter", "cc"] {
            t[k] = personCueLabel
        }
        for k in ["age", "patientage", "ageyears"] { t[k] = "Age: " }
        for k in ["tel", "cell", "cellnumber", "contactnumber"] { t[k] = "Phone: " }
        for k in ["mail"] { t[k] = "Email: " }
        for k in ["patientid", "ptid", "chartid", "chartnumber", "chartno", "recordnumber", "emrid", "ehrid"] {
            t[k] = "MRN: "
        }
        for k in ["dos", "servicedate", "dateofservice", "visitdate", "encounterdate"] { t[k] = "Date of service: " }
        for k in ["admitdate", "admissiondate", "admitted", "admittedon", "admissiontime"] { t[k] = "Admitted: " }
        for k in ["dischargedate", "discharged", "dischargedon"] { t[k] = "Discharge date: " }
        for k in ["deathdate", "dateofdeath", "deceased", "deceaseddate", "died"] { t[k] = "Date of death: " }
        for k in ["npi", "npinumber", "providernpi"] { t[k] = "NPI: " }
        for k in ["dea", "deanumber"] { t[k] = "DEA: " }
        for k in ["mbi", "medicareid", "medicarenumber", "medicarembi"] { t[k] = "Medicare MBI: " }
        for k in ["vin", "vehicleid"] { t[k] = "VIN: " }
        for k in ["imei", "udi", "deviceid", "deviceserial", "serial", "serialnumber", "serialno", "sn"] {
            t[k] = "Serial number: "
        }
        for k in ["ip", "ipaddress", "clientip", "remoteip", "remoteaddr", "sourceip", "srcip"] { t[k] = "IP address: " }
        for k in ["mac", "macaddress", "hwaddr"] { t[k] = "MAC address: " }
        for k in ["account", "accountnumber", "accountno", "acct", "acctnumber", "acctno", "bankaccount"] {
            t[k] = "Account number: "
        }
        for k in ["routing", "routingnumber", "aba", "abanumber"] { t[k] = "Routing number: " }
        for k in ["taxid", "tin", "itin", "taxpayerid"] { t[k] = "Tax ID: " }
        for k in ["memberid", "memberno", "membernumber", "subscriberid", "subscribernumber", "policynumber", "policyid",
                  "policyno", "insuranceid", "insurancenumber", "healthplanid", "planid", "groupnumber", "beneficiaryid"] {
            t[k] = "Member ID: "
        }
        for k in ["license", "licensenumber", "licenseno", "licence", "licencenumber", "driverslicense",
                  "driverlicense", "dl"] {
            t[k] = "License number: "
        }
        for k in ["zip", "zipcode", "postalcode", "postcode", "zip4"] { t[k] = "ZIP: " }
        return t
    }()

    /// Exact names that also count at the end of a longer key (`patient_npi`, `device_mac`, `home_zip`); only
    /// those no common word ends with (not `age`: page, usage; not `name`: hostname, filename).
    static let suffixes = ["npi", "zip", "zipcode", "mac", "macaddress", "mbi", "vin", "imei", "udi"]

    /// Fragments anywhere in the key, tried in order after the exact names (`home_phone`, `patient_ssn`,
    /// `dateOfBirth`).
    static let fragments: [(String, String)] = [
        ("ssn", "SSN: "), ("socialsecurity", "SSN: "),
        ("dob", "DOB: "), ("dateofbirth", "DOB: "), ("birthdate", "DOB: "), ("birthday", "DOB: "),
        ("mrn", "MRN: "), ("medicalrecord", "MRN: "),
        ("fax", "Fax: "),
        ("phone", "Phone: "), ("mobile", "Phone: "), ("telephone", "Phone: "),
        ("email", "Email: "),
        ("zipcode", "ZIP: "), ("postalcode", "ZIP: "),
        ("ipaddress", "IP address: "), ("macaddress", "MAC address: "),
        ("address", "Address: "), ("street", "Address: "),
        ("memberid", "Member ID: "), ("subscriberid", "Member ID: "), ("policynumber", "Member ID: "),
        ("insuranceid", "Member ID: "), ("accountnumber", "Account number: "), ("routingnumber", "Routing number: "),
        ("licensenumber", "License number: "), ("driverslicense", "License number: "), ("npinumber", "NPI: "),
        ("firstname", nameLabel), ("lastname", nameLabel), ("fullname", nameLabel), ("patientname", nameLabel),
        ("middlename", nameLabel), ("givenname", nameLabel), ("familyname", nameLabel), ("surname", nameLabel),
    ]
}

/// The keys of the rule packs' field rules (`field:` in a pack: `city`, `sms number`, `guarantor`, with their glued
/// prefixes), for JSON keys that `KeyContext`'s table does not know: such a value is scanned after its key written
/// as a label (`city: Salem`), which is what the field rule finds in a log line, so a key added to a pack counts
/// in batch as in the filter. Matched on normalised keys: the key itself, or a prefix glued to it (`patientCity`,
/// `home_city`); a `not_after` word before it (`ip_address`) gives no context.
struct FieldKeyIndex: Sendable {
    private var labels: [[UInt8]: [UInt8]] = [:]

    init(rules: [Rule]) {
        var excluded: Set<[UInt8]> = []
        for rule in rules where rule.isField {
            for key in rule.fieldKeys {
                let k = KeyContext.normalize(Array(key.utf8))
                let label = Array(key.utf8) + Array(": ".utf8)
                if labels[k] == nil { labels[k] = label }
                for prefix in rule.fieldPrefixes {
                    let pk = KeyContext.normalize(Array(prefix.utf8)) + k
                    if labels[pk] == nil { labels[pk] = label }
                }
                for word in rule.fieldNotAfter { excluded.insert(KeyContext.normalize(Array(word.utf8)) + k) }
            }
        }
        for k in excluded { labels[k] = nil }
    }

    /// The context for a normalised key that names a field rule's key, or nil.
    func context(forKey key: [UInt8]) -> KeyContext? {
        labels[key].map { KeyContext(label: $0) }
    }
}

