/// The eighteen identifier categories of the HIPAA Safe Harbor de-identification rule, 45 CFR 164.514(b)(2).
public enum SafeHarborCategory: String, CaseIterable, Sendable, Codable {
    case names
    case geographic            // street address, city, county, ZIP (beyond the first three digits)
    case dates                 // dates (except year) related to an individual; ages over 89
    case telephone
    case fax
    case email
    case ssn
    case medicalRecord = "medical_record"
    case healthPlan = "health_plan"
    case account
    case license               // certificate and license numbers
    case vehicle               // vehicle identifiers and serial numbers, licence plates
    case device                // device identifiers and serial numbers
    case url
    case ipAddress = "ip_address"
    case biometric
    case photo
    case otherUnique = "other_unique"
}
