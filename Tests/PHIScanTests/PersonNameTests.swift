import CScanKernels
import Foundation
import Testing
@testable import PHIScan

/// The person-name detector (rules/names.yaml, Sources/CScanKernels/names.c) through the whole scanner: each case is
/// fed whole, byte by byte, split at random and split inside every name (StandardVerifier), so the batch pass, the
/// per-line path and chunking all agree.
@Suite("Person names")
struct PersonNameTests {
    static let found: [String] = [
        "My name is ⟦John Smith⟧ and I need help.",
        "Draft a letter to ⟦Priya Raghunathan⟧ at the clinic.",
        "I can call ⟦Kwame Mensah⟧ at 4155550199",
        "Name: ⟦Åsa Laine⟧",
        "⟦José Hernández-Ruiz⟧ called back",
        "referred by ⟦Pieter van der Berg⟧.",
        "seen with ⟦Faina D. Yefremova⟧ today",
        "list: ⟦Nguyen, Minh⟧ (bed 4)",
        "hey, my name is ⟦maria gonzalez⟧",
        "ask ⟦Will Baker⟧ about it",
        "Why is ⟦Katrine⟧ so quiet?",
        "Mrs. ⟦Siobhán O'Brien⟧ was admitted",
        "Hi, I'm ⟦Avelin Dunmorrow⟧ and I need my records",
        "the record for ⟦Orwen Grimsditch⟧ (born Sep 22, 1940)",
        "⟦Wrenna⟧ is a 96-year-old seen for I10",
        "\"member\": \"⟦Jordan Okafor⟧\"",
        // A label padded with spaces, a question, and a form's next label that ends the name.
        "Patient Name:    ⟦Anna Josefsen⟧  Ward: 4B",
        "What's your last name? ⟦Magnusson⟧",
        // A given name after a common word that opens the sentence, joined to a pair.
        "Both ⟦Dylan⟧ and ⟦Ensio Virtanen⟧ were tested.",
        // A greeting and a given name that is also a month or a city.
        "Hi ⟦April⟧, thanks for the update",
        "hey ⟦Sydney⟧, can you check the labs",
        // A cue word as a JSON key, plain and inside a JSON string (a tool result).
        "{\"from\": \"⟦Artur Teterycz⟧\", \"to\": \"Care Team\"}",
        "{\"result\":\"{\\\"caller\\\":\\\"⟦Artur Teterycz⟧\\\"}\"}",
        // Name parts under bare keys, beside each other.
        "{\"patient\": {\"first\": \"⟦Robert⟧\", \"last\": \"⟦Smith⟧\", \"phone\": null}}",
        // FHIR HumanName on one line: family beside given, the given names in one finding (rules/fields.yaml).
        "{\"name\":[{\"use\":\"official\",\"family\":\"⟦Quennel⟧\",\"given\":[\"⟦Alvar\",\"Teodor⟧\"]}]}",
        "⟦Tomomi Nishiyama⟧ lives at the end of the road",
        "Yesterday ⟦Zoë Ångström⟧ was born in Oslo",
        // A dictionary given name and a surname the dictionary lacks, by its letters or its ending.
        "seen with ⟦Anna Björgvinsdóttir⟧ today",
        "then ⟦Maria Ibragimova⟧ joined the call",
        "\"We are ready,\" says ⟦Jana Pátková⟧ in the note",
        // Lists of names, each name its own span; middle initials with and without a dot.
        "our 3 founders: ⟦Kónya⟧, ⟦Becker⟧ and ⟦Vasquez⟧.",
        "They had 4: ⟦Gaetane⟧, ⟦Hannah⟧, ⟦Anthony⟧, and ⟦Leo⟧.",
        "⟦Mohmad R. Vizirov⟧ will be talking in room 2",
        "My name is ⟦Ruth R Montez⟧.",
        "⟦Julieta S Almeida⟧  Staff development",
        // A given name that is also a calendar word, before a surname.
        "Follow up with ⟦Jan Jílek⟧ in a couple of months",
        // Kinship nouns state a name; Gaelic prefixes and foreign endings make a surname; a word that starts no name
        // alone (King, Marshall) still ends one; a state or month before a surname is a given name.
        "I would like to remove my kid ⟦Tadzio⟧ from the will.",
        "\"Planned obsolescence,\" says ⟦Hannah McConnan⟧ in an interview",
        "My grandfather was called ⟦Theodore Marshall⟧, and my grandmother ⟦Erin⟧",
        "please change it to ⟦Ivan King⟧",
        "Follow up with ⟦Satsita Umkhayev⟧ in a couple of months",
        "⟦Florida Whitlock⟧ asked whether the clinic opens in June.",
        // Particles between a given name or a surname and another word; a column gap after a shaped surname.
        "⟦Dyan van Gijn⟧  864 Piazzetta",
        "⟦Mary de Vries⟧ Employment manager",
        "⟦Maria Ibragimova⟧  Ward 4",
        // Chat typed in lower case after a strong cue, a kinship noun or a title.
        "my son ⟦ethan⟧ has a fever since tuesday",
        "talked to dr ⟦patel⟧ yesterday",
        "i'm ⟦john smith⟧ and need my records",
        "pls remind mr ⟦okafor⟧ about his refill",
        "My son ⟦ethan⟧ is sick",
        // Forms and headers in capitals after a label, a cue or a title.
        "NAME: ⟦MARIA GONZALEZ⟧ DOB: pending",
        "Attn: ⟦JOHN A SMITH⟧, MD",
        "Provider: DR. ⟦ANITA SORENSEN⟧",
        "Dear MR. ⟦PATEL⟧,",
        // Line breaks escaped inside a JSON string: a sign-off or label on one line, the name on the next.
        "{\"text\":\"Best regards,\\n⟦Tamsin Quillfeather⟧\"}",
        "{\"text\":\"Patient:\\n⟦Oksana Petrenko⟧\\nDOB pending\"}",
        // The name heading a contact record: a column break after it, then an address, phone or e-mail.
        "⟦Ilmari Vaskelo⟧  4818 P.O. Box 242  Suite 787",
        "⟦Gyrd Ossiantal⟧ >Acme Data >2210 Lark Lane",
        "⟦maren tolvasdóttir⟧  nurse  phone: 555-0142",
        "⟦Allan Björk⟧ Scale Unlimited Unit 5022 Box 1225",
        // Speakers of a dialogue, people addressed, a surname alone, two words no dictionary knows as English.
        "⟦Ubba⟧: What a day. ⟦Nicole⟧: Remember me?",
        "Remember me, ⟦Mary⟧? I never forgot.",
        "⟦Ásbjörn⟧, can I speak to your boss?",
        "Unlike the ⟦Christiansen⟧ novel, it is short",
        "⟦Weronika Martinsen⟧ will be talking",
        // Another mention of a name found on the line; suffixes; a possessive ends a name.
        "⟦Alvir⟧ spent a year as the assistant to ⟦Alvir D. Pušaver⟧",
        "the letter from ⟦Kevin Veitonen II⟧ arrived",
        "based on ⟦Kent Beck⟧'s Smalltalk framework",
        "Dr. ⟦Lindqvist⟧ saw us; the Lindqvist Stripes played; ⟦Lindqvist⟧ left",
        // The name on the line after a sign-off, however the text is cut.
        "Thanks for the update.\n\nBest regards,\n⟦Sabrel Yarnold⟧\nCare coordinator",
        "Sincerely,\r\n⟦Nerissa Grimsditch⟧, RN\r\n",
        // A sign-off word that is a surname too, before a JSON string's escaped line break: the name under it whole
        // (not "Best, Ladli" as Surname, Given).
        #"{"content": "See attached.\n\nBest,\n⟦Ladli Sur⟧\n3125550152"}"#,
        // "Surname, Given" after a cue: a surname that is a common word or a tool's name, a given name that is a word of
        // some city's name as well (St. Paul, St. Leonard), a given name that is a state's name after the cue "Patient".
        "Patient ⟦Salmon, Lucas⟧ needs a prior auth; Patient ⟦Martins, Paul⟧ needs one; Patient ⟦Thompson, Dakota⟧ too",
        "the summary for ⟦Jenkins, Joseph⟧: stable; a letter for ⟦Potoczek, Leonard⟧: draft; Hi ⟦Lips, Selina S⟧., hi",
        // Lower case after a phrase that states a name: a given name that is a month, a city or a frequent word before
        // a surname (after particles, too), a middle initial with its dot, a Vietnamese surname first.
        "her name is ⟦ester de fernandes⟧ and she; my name is ⟦april estrada⟧ and i; his name is ⟦jun tan⟧, he's 67",
        "her name is ⟦audrey e. rodriguez⟧ and she; his name is ⟦phạm mai huy⟧, he's 67",
        // Common-word pairs after a letter's or a follow-up's "for", and before an address after a comma.
        "a draft letter for ⟦Sterling Silver⟧: hi; a letter to ⟦Faith Hope⟧, 12 Elm St; a follow-up for ⟦Faith Hope⟧ next",
        // A Chinese name in its own script after "that" or "match", or opening a sentence before a verb only a person
        // takes.
        "I've noted that ⟦王玉英⟧ prefers mornings; failed to match ⟦武健⟧ to an existing record",
        "⟦徐龙⟧ missed her appointment on Thursday. ⟦李明⟧ called back",
        // A Vietnamese surname, a comma and given names whose folded forms are a place's word or an English word.
        "pull the chart for ⟦Đặng, Đức Quân⟧, seen; I can call ⟦Trần, Thế Phương L⟧. at 9",
        // Mac between a given name and a surname (the computer's name starts none).
        "Remind ⟦Judith Mac Cohen⟧ to fast; ⟦Christopher Mac Baldwin⟧ is 63; my name is ⟦rachel mac serrano⟧ and i",
        // Middle initials between names that are also rare English words or that start no name alone (Maria, Costa);
        // a given name before a word no list holds; surnames that are also English words in a list.
        "we need to add ⟦Maria P Lopez⟧ as guardian; add ⟦Ryan P. Costa⟧ too",
        "You can tell ⟦Jouni⟧ was a huge ⟦Jouni Hahli⟧ fan.",
        "our 3 founders: ⟦Monjeau⟧, ⟦Graves⟧ and ⟦Reed⟧.",
        // Lower case after a label or a phrase that states a name: initials, and words no list holds.
        "name:    ⟦hyuuma t. maida⟧ address: unit 4526",
        "name: ⟦maria t. gonzalez⟧",
        "sometimes people call me ⟦maria⟧",
        "sometimes people call me ⟦višeslav⟧",
        // A line written without capitals: given name and surname (both also English words only after a cue), a list
        // of given names; the line is searched whatever the chunking.
        "follow up with ⟦patricia desrosiers⟧ in a couple of months.",
        "⟦benjamin a seiler⟧ called back",
        "they had 3: ⟦silvana⟧, ⟦kristina⟧ and ⟦caleb⟧.",
        "can you email ⟦john smith⟧ about the results",
        "cache ok\nthanks, ms. ⟦varnum⟧\nall good",
        "⟦emidio p lombardo⟧ called twice; ⟦leidy t muris⟧ labor relations",
        "follow up with ⟦monika žilková⟧ soon",
        "they had 4: ⟦leonti⟧, ⟦terrence⟧, ⟦pamela⟧ and ⟦brian⟧.",
        // An initial before the one capitalised word after a strong cue; a form in capitals after a cue label.
        "Signed: ⟦J. Smith⟧, MD",
        "PATIENT: ⟦JOHN SMITH⟧  DOB: 03/14/1961",
        "Patient: ⟦JOHN SMITH⟧, DOB 03/14/1961; Member: ⟦MARIA T GONZALEZ⟧",
        // A lower-case name after "I'm" in a line with capitals.
        "Hi, I'm ⟦jane smith⟧ and my number changed",
        // Lower-case names after a capitalised cue in a line with capitals.
        "Caller: ⟦dustin potter⟧",
        "Patient: ⟦monika desrosiers⟧ (bed 2); Contact ⟦maria gonzalez⟧ today",
        // A surname that is also a street word, after a given name that is no English word, with no cue.
        "I met ⟦Karen Hill⟧ yesterday",
        #"2025-07-13T09:20:11Z INFO ticket.update owner="⟦David Green⟧" status=open"#,
        // Names written in another script in English text: after a cue, or two or three words of it alone.
        "Referred by Dr. ⟦Μυρσίνη Καπανταϊδάκη⟧ for evaluation.",
        "Can you summarize the chart for ⟦Изот Никитина⟧?",
        "⟦Рюрик Орлова⟧ is a 67-year-old man with COPD.",
        "Results reviewed with ⟦تاليا العفيفي⟧ and her son.",
        "Pt seen today with her daughter ⟦גורי אוחנה⟧, who will drive her home.",
        "patient ⟦王秀英⟧ was seen today",
        // Lower-case chat in a quoted string of a JSON line whose other strings are capitalised.
        #"{"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"hey can you email ⟦maria gonzalez⟧ about the refill"}]}"#,
        #"{"System":"Be brief","text":"pls move ⟦patricia desrosiers⟧ to friday \"thanks\""}"#,
        // A name no list holds after a person verb, then a personal pronoun.
        "Tell ⟦Priyanka⟧ her labs look fine.",
        // A word no list holds after a strong cue in a line without capitals, in ASCII as with diacritics.
        "people call me ⟦rubija⟧, nice to meet you",
        // Punctuation outside ASCII beside a name: glued to it (the front end cannot see that word start), or apart.
        "OK “⟦Maria Lopez⟧” called back",
        "OK —⟦Maria Lopez⟧ called back",
        "OK — ⟦Maria Lopez⟧ called back …",
        "Best regards,\n⟦Tamsin Oyelaran⟧ ✅",
        // A cue inside a quoted string (a log's message='...'): the quote is no part of the cue word.
        "sent 'Attn: ⟦Zorblat Quennel⟧' ok",
        "q='Attn ⟦Zorblat Qwerty⟧'",
        // A name in capitals after a sign-off and its comma; a hyphenated surname the dictionary holds in parts only.
        "Best regards, ⟦JOHN SMITH⟧",
        "met ⟦Zorblat Hernandez-Quennel⟧ today",
        // CamelCase identifiers around a name do not hide it (the front end dismisses the identifiers themselves).
        "ThreadPoolExecutor: my name is ⟦Zorblat⟧, NioEventLoop",
        // A line without capitals after long log lines: the scan stops at its end wherever the line falls in the
        // 32-byte chunks (the newlines of lines with a capital are passed over without a stop).
        "2026-11-26T15:20:46.475Z INFO [auth] GC pause 77.332ms heap=2188MiB\n2026-11-26T15:20:46.479Z DEBUG x\n"
            + "follow up with ⟦patricia desrosiers⟧ in a couple of months.\nWARN done\nok\nthey had 3: ⟦silvana⟧, "
            + "⟦kristina⟧ and ⟦caleb⟧.",
        // A contact card's or a letter's head alone on its line: a given name and a word no list holds, a middle
        // initial, particles, a quoted e-mail's '>' mark.
        "⟦Philippe Guernon⟧\n\n0104 Hafnarstraeti 5",
        ">⟦Stephan M Urner⟧\n>Suite 179",
        "⟦Maika van de Noort⟧\nEmployment manager",
        "⟦Landerico B Hidalgo⟧",
        // A surname that is also a street word (Hill, Lane, Dale) after a cue and a given name.
        "Dear ⟦Mary Hill⟧,",
        "My name is ⟦Erin Dale⟧.",
        "a woman named ⟦Mary Lane⟧ called",
        // Particles right after a title; an Arabic article glued by a hyphen; a URL's encoded space.
        "seen by Dr. ⟦van der Berg⟧ today",
        "Contact: ⟦Ahmed bin Rashid al-Mansouri⟧",
        "GET /api/patients?name=⟦Hugo%20Lindqvist⟧&x=1",
        // A possessive before a kinship noun.
        "It was between him and ⟦Asya⟧'s kid.",
        // A greeting before a word no list holds; a given name, an initial and an English word alone on a line.
        "Dear ⟦Zorblat⟧,\nyour results are ready",
        "Hi ⟦Quennel⟧! the refill is in",
        "⟦Lelah I Larkspur⟧\nLaboratory animal technician",
        // A dialogue's next speaker, on the line after a named speaker's line: a given name that is also a word, a
        // word no list holds (the line before is read across any cut of the text).
        "⟦Ella⟧: What a wife.\n⟦Destiny⟧: Remember me",
        "⟦Nicole⟧: hi there\n⟦Ubul⟧: What a wife.",
        // A demonym that is a given name is still one before a surname or after a cue.
        "⟦German Lopez⟧ called back; Dear ⟦German⟧, thanks",
        // "Surname, Given" after a cue, and with a surname that is also a state's or country's word.
        "The report was signed by ⟦Oneal, Heather⟧ today",
        "cc: ⟦Dominguez, Holly⟧",
        "Please contact ⟦Washington, Eric⟧ about it",
        "⟦Marshall, Brittany⟧ (bed 4)",
        "seen by Mr. Dr. ⟦Roe⟧ today",
        // After a cue the surname of "Surname, Given" may be one no list holds, and a sign-off's comma is no list's.
        "My name is ⟦Chachaj, Leon M⟧. and I need to reschedule.",
        "Best regards, ⟦Pichardo, Genaro T⟧.",
        "Please pull the chart for ⟦Gryszkiewicz, Maurycy⟧, seen last Tuesday.",
        // A form's "SURNAME, GIVEN" in capitals, with the middle initial that ends the value; surname first without
        // the comma; "Surname, Given I" in title case.
        "Patient: ⟦HERNANDEZ, CARLOS⟧",
        "PATIENT: ⟦SMITH, JOHN A⟧ 03/14/1961",
        "Attn: ⟦HERNANDEZ CARLOS⟧",
        "Patient: ⟦Hernandez, Carlos A⟧",
        // Initials before a surname after a cue or alone; a possessive and a person noun before a word no list
        // holds; particles and a surname after a name, also past a run's word limit; a query string's plus.
        "Pt. ⟦K. Yamamoto⟧ called back.",
        "Forward to ⟦J.R. Martinez⟧",
        "Discussed with Ms. ⟦Okafor⟧ and her son ⟦Chidi⟧.",
        "my husband ⟦Tunde⟧, who drove",
        "⟦Ana María López de la Cruz⟧ was seen",
        "Dr. ⟦Pieter Jansen van der Berg⟧ reviewed",
        "GET /api/search?patient=⟦John+Smith⟧&zip=1",
        // After "my name is" in lower case: a surname that is a place's word or a frequent English word too, where
        // the name ends; a word written outside ASCII whatever it folds to (gaś: gas).
        "my name is ⟦katherine marshall⟧ and i have a question",
        "my name is ⟦ana clara martins⟧ and i have a question",
        "my name is ⟦gayathri s. pal⟧, thanks",
        "my name is ⟦szymon gaś⟧ and i have a question",
        // "Surname, Given": lower-case particles before it, a given name that is a frequent word before an initial or
        // after a cue.
        "Please pull the chart for ⟦de Jager, Pippa M⟧., seen last Tuesday.",
        "Please call ⟦van Gils, Myrthe T⟧. on Monday.",
        "Please pull the chart for ⟦Göransson, Tor J⟧., seen last Tuesday.",
        "Patient ⟦Lu, Min⟧ needs a prior auth.",
        "Electronically signed by ⟦Solé, María Ángeles J⟧., MD on Wednesday.",
        // Not a frequent word after a given name that the sentence goes on with; "do" before a name is no particle.
        "my name is ⟦anna⟧ will you help; my name is ⟦anna⟧ may i ask",
        "Please do ⟦Smith, John⟧ first",
        // After a greeting, a given name that is also a place word or a frequent word; after "Okay," or "Thanks," one
        // that a sentence mark ends.
        "Hi ⟦Dale⟧, just checking in; Hi ⟦Brook⟧, thanks",
        "Okay, ⟦Carolina⟧. I can help you with that. Thanks, ⟦Jasmine⟧!",
        // Vietnamese names with their middle name Văn or Thị, whatever the given name spells in English.
        "⟦Nguyễn Văn An⟧ missed her appointment; ⟦Vũ Thị Linh⟧ called; ⟦Nguyễn Thị Thu Hà⟧ too",
        "a patient called ⟦Nguyễn Văn An⟧ came in; Dr. ⟦Trần Văn Minh⟧ saw her",
        // One Han or Hangul word opening with a listed surname, after a word that sends or concerns someone.
        "Forward this to ⟦윤은영⟧ and cc ⟦Angelika Wilmsen⟧.",
        "Sure - here is a draft letter for ⟦이숙자⟧:",
        "The SSN for ⟦김영환⟧ is on file; cc ⟦欧阳娜娜⟧ too",
    ]

    static let clean: [String] = [
        // A sign-off or a cue before a comma and capitalised words that are no name.
        "Best regards, Support, Team",
        "Patient Stable, Doing well",
        "2024-01-02 INFO OrderService started in 35 ms for tenant acme",
        "User logged in from Kafka consumer group; Redis cluster OK",
        "Take Lisinopril 10 mg daily; Parkinson Disease follow-up on Monday.",
        "Will Power and Faith Hope",
        "Visit Jordan today.",
        "Hi Texas, welcome aboard",
        "{\"event\": \"Kafka Consumer\", \"to\": \"Care Team\", \"from\": \"Billing Service\"}",
        "{\"first\": \"Page\", \"next\": \"Done\"}",
        "{\"user_agent\":{\"family\":\"Chrome\",\"major\":\"120\"},\"os\":{\"family\":\"Mac OS X\"}}",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Mobile/15E148",
        "Mark as read and move to Archive",
        "Dear Team, the Patient Portal is down",
        "build for Jenkins finished",
        "Martinez Mall, Inna Loop and Miller Ltd",
        "McKinsey AppServer GetUserName",
        "April 2024 report: revenue up, churn down",
        "What is your name? Yes, I told you already",
        "STATUS: ACTIVE, PENDING; LOCATION: MAIN, NORTH",
        "my email Zendesk Support is down",
        "Go to A. Main Street",
        "Is that the name on file? No",
        "The patient lives in a group home; She is from out of town",
        "Maria Database crashed; Julia Stein Group merged",
        "the health check says OK; \"done,\" says The Times",
        "Vitamin D Levels were low; Hepatitis B Vaccine given",
        "Jan 5 report; May Day parade",
        "We use Kafka, Docker and Jira",
        "offices in Boston, Austin and Denver",
        "King Charles visited; the Marshall Islands; Georgia Power; Virginia Beach",
        "Apt. 461  Soto del Barco   Spain; 2229 Wolmarans St Caxias do Sul, RS; Milford New Zealand",
        "my son is 4 and my wife and I are fine",
        "i'm fine thanks; im sorry; took 12 ms total; dr. who; my dog ate it",
        "ERROR: CONNECTION REFUSED; Name: PENDING; Attn: BILLING DEPT; Contact: IT HELPDESK; MR SCAN done",
        "{\"msg\":\"done\\nRetry later\\tOK\"}",
        // Record-shaped lines, code, places and proper adjectives that are no people.
        "Contact Us  Phone: 555-0100",
        "Grafana Loki  3.1.0 released",
        "Porto Alegre , RS  Brazil; 808 Kálmán Imre u. 12.; Pärna 33",
        "class Proto(Protocol): pass; traces exported to Jaeger and Zipkin; Flink job restarted",
        "the Russian government said; Pearson's correlation",
        "Hello, World! Thanks, can you check; Teladoc, can you reschedule? Humana, please call back.",
        "Kafka: connected. Redis: ok. User: hello. Bot: hi there",
        "Kind regards,\nThe Billing Team\nRegards,\nClinic Staff\nyes,\nHello There",
        "Red, White and Blue; Shopify, Vercel and Stripe; call me back later; let me know; give me metrics",
        "03751 Gerrit Achterberghove 137 Colorado Springs; Cite El Farik; Gemma Scope; Alma Linux",
        "mark down the price; will smith; grace period; rose garden; served with brown rice and sterling silver",
        "2026-11-26 app.cache - cache miss key=inventory:sku-22634 ttl=363s\n    order = repo.get(order_id)\ncapa capa()",
        "helper to reindent a multi-line statement; use a, b and c; we use sed, awk and grep; sort by name, date and size",
        "PATIENT: STABLE\nMEMBER: ACTIVE SINCE 2020\nCLIENT: ACME CORP\nERROR: CONNECTION REFUSED",
        "Patient: MAY\nMember: BLUE CROSS\nPatient: NPO AFTER MIDNIGHT\nStatus: JOHN SMITH\nPatient: WILL CALL BACK",
        "Hi, I'm fine thanks; I'm will do it; Image pulled, Import done",
        "the quick brown fo\nthe quick brown fox jumps over a lazy dog",
        // Lower-case words after a capitalised cue that are English words or no pair of names.
        "Patient: grace period ends; Contact support team; Patient: will smith; Call back tomorrow",
        // Street words after a given name that is an English word, or with a house number, stay places.
        "Rose Hill Cemetery; Penny Lane is a song; turn onto Park Lane; I live at 12 Erin Dale; Chapel Hill",
        // Words of another script that start no name: lower-case Cyrillic, one word alone, a line not in English.
        "the phrase добрый день means good afternoon; we shipped the Москва release; I love 東京 trips",
        // A Han or Hangul word after such a word but opening with no listed surname, too long, or in a sentence of
        // that script.
        "Forward this to 鬼塚 please; send it to 김영환김영환 today; 이 사람에게 보내 주세요",
        "Привет, меня зовут Иван Петров",
        // Quoted lower-case strings in a line with capitals keep the lower-case line rules: English words, months.
        #"{"role":"system","content":"You are kind."},{"role":"user","content":"mark down the price; will smith; april may"}"#,
        "Tell Zendesk it is down; call Comcast about their outage",
        // Punctuation, symbols and emoji outside ASCII in a line are no names.
        "build #42 passed ✅ — 12 tests → 0 failures … 25 °C “ok”",
        // Lines of two or three capitalised words that are no person: English words, a town, a street after its
        // number, a street word after a word that is no given name, a possessive that is no one's name.
        "Connection Reset\nVisual Studio\nHello World\nKind Regards\nJenkins Pipeline\nPorto Alegre\nSydney Australia",
        "I live at 12 Erin Dale; call Park Lane; named Erin Dale Road",
        "My mother's sister; The patient's wife called; Everyone's kids; use el-Select component",
        "Note: restart the pod\nError: disk full\nWarning: low memory\nCaused by: timeout",
        "Dear Team,\nHi all,\nDear Valued Customer,\nHello World\nDear Hiring Manager,\nHi There,\nSection A Overview",
        // Demonyms that are given names too, alone (rules/names.yaml `given_not_alone`).
        "There's this nice new German place downtown. It serves great Danish food; an Irish pub; Georgian wine",
        // A state's word before a comma and a word that is no given name, or a place after it.
        "signed by Washington, State\nlives in Marshall, Texas\nWashington, Virginia",
        // A title after a title is no name (the name, if any, follows the last one).
        "Mr. Mr. Mr. Mr. Dr. Dr.",
        // A given name that is a frequent word after a caption's comma.
        "See Table 4, Min values are low; see Figure, Min 3",
        // After "Okay," or "Thanks," a word that is no given name, or a given name the sentence goes on after.
        "Okay, Google; Okay, Great. Next step; Thanks, Will do.; Hey Siri, play music; Hi All,",
        // A word with letters outside ASCII that spells an English word folded, in no name's shape.
        "Café Rouge opens at 9; Résumé attached; the Naïve Bayes model",
        // After a cue: a surname-shaped word before a given name that is a common word, a tool's name before another,
        // a town no list holds before its state.
        "Patient Well, Will call back; Patient Stable, Doing well; Built for Jenkins, Docker and Kafka",
        "Pt moved to Brindlemoor, Florida last spring",
        // A city in Han characters whose first is a surname too, before "is" or "was".
        "北京 is a big city. 東京 was fun, and I love 東京 trips",
        // After "my name is" in lower case, a month or a frequent word that the sentence goes on after.
        "my name is may i ask something; my name is will and i need help",
        // Mac the computer, before capitalised product words.
        "I use a Mac Pro; install on Mac OS X and Mac Mini; Mac users should update Safari; Big Mac Index",
    ]

    @Test(arguments: found)
    func namesAreFoundWhateverTheChunking(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.entity == "NAME" }
    }

    @Test(arguments: clean)
    func nonNamesAreLeftAlone(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.entity == "NAME" }
    }

    /// The baseline scan (two SSE2 halves) finds what the AVX2 one finds, on every case here and on seeded
    /// multi-line text of log lines, chat in lower case, names and identifiers (the C fuzz in
    /// .ci/kernel-sanitizers.sh does the same on hostile bytes).
    @Test func theBaselineScanFindsWhatTheVectorScanFinds() throws {
        let words = ["INFO", "Nov", "26", "ThreadPoolExecutor", "my", "name", "is", "Zorblat", "Kwame", "Mensah",
                     "patricia", "desrosiers", "metrics", "me", "call", "Attn:", "'Attn:", "Åsa", "Laine", "—",
                     "\n", "\n", ",", "and", "kristina", "Dear", "Maria", "Lopez", "img", "national", "x=1"]
        var rng = SplitMix64(seed: 0x5EED_A2A2)
        var texts = Self.found.map { $0.replacingOccurrences(of: "⟦", with: "").replacingOccurrences(of: "⟧", with: "") }
        texts += Self.clean
        for _ in 0..<60 {
            var t = ""
            for _ in 0..<Int.random(in: 20...400, using: &rng) {
                t += words[Int.random(in: 0..<words.count, using: &rng)]
                t += Bool.random(using: &rng) ? " " : ""
            }
            texts.append(t)
        }
        let scanner = LineScanner(ruleSet: TestRules.defaults)
        defer { phs_names_allow_avx2(1) }
        for text in texts {
            let bytes = Array(text.utf8)
            phs_names_allow_avx2(1)
            let vector = scanner.scan(bytes).filter { $0.entity == "NAME" }.map { [$0.start, $0.end] }
            phs_names_allow_avx2(0)
            let baseline = scanner.scan(bytes).filter { $0.entity == "NAME" }.map { [$0.start, $0.end] }
            #expect(vector == baseline, "\(text.prefix(80))")
        }
    }

    /// A line with more words than one detector window (1,024) and more names than the first span buffer (64).
    @Test func aLongLineOfNamesIsSearchedToTheEnd() throws {
        let piece = "Kwame Mensah met Åsa Laine and then some filler words follow here; "
        let line = String(repeating: piece, count: 300)
        let scanner = LineScanner(ruleSet: TestRules.defaults)
        let names = scanner.scan(Array(line.utf8)).filter { $0.entity == "NAME" }
        #expect(names.count == 600)
        let bytes = Array((line + "\n").utf8)
        let outcome = try StandardVerifier.standard.run(bytes, cuts: [7, 700, 15_000])
        #expect(outcome.findings.filter { $0.entity == "NAME" }.count == 600)
    }

    /// A line with thousands of names of two lengths (more candidates than sorted insertion handles) keeps every
    /// name once, in order, as the same text cut into short lines does.
    @Test func aLineWithThousandsOfNamesKeepsEachOnce() throws {
        let piece = "Nicole: hi. Ubba: yo, Nicole. Kwame Mensah met Åsa Laine. "
        let scanner = LineScanner(ruleSet: TestRules.defaults)
        let short = scanner.scan(Array(piece.utf8)).filter { $0.entity == "NAME" }
        let line = String(repeating: piece, count: 2000)
        let names = scanner.scan(Array(line.utf8)).filter { $0.entity == "NAME" }
        #expect(names.count == short.count * 2000)
        let width = piece.utf8.count
        for (i, f) in names.enumerated() {
            let s = short[i % short.count]
            #expect(f.start == s.start + (i / short.count) * width && f.end - f.start == s.end - s.start)
            if f.start != s.start + (i / short.count) * width { break }
        }
    }

    /// Hostile input: random mixes of name words, cue words, broken UTF-8 and random bytes, fed whole and split,
    /// never crash the detector and never give a span outside the line. (The C detector was also run on such lines
    /// under AddressSanitizer and UndefinedBehaviorSanitizer; see the closing note of issue 12.)
    @Test func randomLinesNeverBreakTheDetector() throws {
        let words = ["Mrs.", "Dr", "my", "name", "is", "van", "der", "Åsa", "José", "O'Brien", "Hernández-Ruiz", "Smith,",
                     "John", "\u{FFFD}", "Jan", "and", "to", "Dear", "Çağla", "  ", "X.", "名前", "-", "'", "123", "_a"]
        var rng = SplitMix64(seed: 0x5EED_0012)
        let scanner = LineScanner(ruleSet: TestRules.defaults)
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            let target = Int.random(in: 1...3000, using: &rng)
            while bytes.count < target {
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    bytes.append(UInt8.random(in: 0...255, using: &rng))
                } else {
                    bytes += Array(words[Int.random(in: 0..<words.count, using: &rng)].utf8)
                    if Bool.random(using: &rng) { bytes.append(0x20) }
                }
            }
            bytes.removeAll { $0 == 0x0A }
            for f in scanner.scan(bytes) { #expect(f.start >= 0 && f.start < f.end && f.end <= bytes.count) }
        }
    }

    /// A new empty folder under the temporary directory (the caller removes it).
    static func scratchFolder(_ prefix: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aRosterIsMatchedWithCaseAndDiacriticsFolded() throws {
        let dir = try Self.scratchFolder("roster")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("roster.txt")
        try "# site roster\nVesk Tarrow\nJOSE GARCIA\n".write(to: file, atomically: true, encoding: .utf8)
        let set = try RuleSet.load(rosters: [file.path])
        let scanner = LineScanner(ruleSet: set)
        let text = Array("seen: vesk tarrow and José García today".utf8)
        let names = scanner.scan(text).filter { $0.ruleID == RulePacks.rosterRuleID }
        #expect(names.map { String(decoding: text[$0.start..<$0.end], as: UTF8.self) } == ["vesk tarrow", "José García"])
    }

    /// A roster turns the candidate front end off (every line is searched word by word), so the front end's
    /// dismissals cannot hide a false positive of the word-by-word search: the clean cases stay clean with one.
    @Test func theCleanCasesStayCleanWithARoster() throws {
        let dir = try Self.scratchFolder("roster-clean")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("roster.txt")
        try "Zzyzx Qwertyuiop\n".write(to: file, atomically: true, encoding: .utf8)
        let scanner = LineScanner(ruleSet: try RuleSet.load(rosters: [file.path]))
        let units = "done in 848 ms. D.O.B. 9/21/1969; lag=389ms D.O.B. 7/27/1974; backoff=598ms e-mail: x; cache miss key=a"
        for text in Self.clean + [units] {
            let names = scanner.scan(Array(text.utf8)).filter { $0.entity == "NAME" }
            #expect(names.isEmpty, "\(text): \(names.map { ($0.ruleID, $0.start, $0.end) })")
        }
    }

    @Test func aMissingRosterIsAClearError() throws {
        #expect(throws: RuleLoadError.self) { try RuleSet.load(rosters: ["/nonexistent/roster.txt"]) }
        do {
            _ = try RuleSet.load(rosters: ["/nonexistent/roster.txt"])
        } catch {
            #expect(error.description.contains("/nonexistent/roster.txt"))
            #expect(error.description.contains("cannot read the roster file"))
        }
    }

    @Test func aMalformedDictionaryNamesItsLine() throws {
        let dir = try Self.scratchFolder("dict")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "# test\nvesk\tg\ntarrow\tq\n".write(to: dir.appendingPathComponent("d.tsv"), atomically: true, encoding: .utf8)
        let pack = """
            pack: t
            detectors:
              person_names: {dictionary: d.tsv}
            rules:
              - id: t-names
                entity: NAME
                category: names
                detector: {kind: person_names, mode: dictionary}
                max_length: 100
                examples: {match: ['⟦Vesk Tarrow⟧'], nomatch: ['x']}
            """
        try pack.write(to: dir.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try RuleSet.load(paths: [dir.path], includeDefaults: false)
            Issue.record("a malformed dictionary loaded")
        } catch {
            #expect(error.description.contains("d.tsv:3"), "\(error.description)")
            #expect(error.description.contains("unknown flag"))
        }
    }

    @Test func detectorMistakesAreListedTogether() throws {
        let text = """
            pack: t
            detectors:
              person_names: {dictionary: d.tsv, colours: [red], surname_endings: [sson, o, "ov1"],
                             script_surnames: [김, 欧阳, Kim, 诸葛亮]}
            rules:
              - id: a
                entity: NAME
                category: names
                detector: {kind: faces, mode: cue}
                max_length: 10
                examples: {match: ['x'], nomatch: ['y']}
              - id: b
                entity: NAME
                category: names
                detector: {kind: person_names, mode: cue}
                max_length: 10
                examples: {match: ['x'], nomatch: ['y']}
              - id: c
                entity: NAME
                category: names
                detector: {kind: person_names, mode: dictionary}
                pattern: 'x'
                max_length: 10
                examples: {match: ['x'], nomatch: ['y']}
            """
        var diagnostics: [RuleDiagnostic] = []
        _ = RuleLoader.parse(text, file: "t.yaml", diagnostics: &diagnostics)
        let messages = diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("unknown key 'colours'") })
        #expect(messages.contains { $0.contains("surname ending 'o' must be 2 to 8 ASCII letters") })
        #expect(messages.contains { $0.contains("surname ending 'ov1' must be") })
        #expect(!messages.contains { $0.contains("'sson'") })
        #expect(messages.contains { $0.contains("script surname 'Kim' must be one or two Han or Hangul characters") })
        #expect(messages.contains { $0.contains("script surname '诸葛亮'") })
        #expect(!messages.contains { $0.contains("'김'") || $0.contains("'欧阳'") })
        #expect(messages.contains { $0.contains("unknown detector kind 'faces'") })
        #expect(messages.contains { $0.contains("needs a non-empty 'cues' list") })
        #expect(messages.contains { $0.contains("a 'pattern' or a 'detector', not both") })
    }
}
