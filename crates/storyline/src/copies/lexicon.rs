//! What synonym spinners leave behind in news text, written from how they
//! work (DSpin, Zhang et al., NDSS 2014: dictionary substitution of words
//! and phrases, blind to grammar and to the collocations of news writing).
//!
//! These lists are the detector's own. The labelled evaluation set is made
//! by a separate generator with its own word lists (`bench/spin/`), so the
//! measured figures do not reward a detector for knowing the generator.

/// Long or formal forms that spinners substitute for the names news
/// writing uses, with the usual form. Agency names that style guides
/// spell out at first mention ("Federal Bureau of Investigation (FBI)")
/// are not here. Seeing the long form next to the
/// usual one in a single article ("Russia" and "Russian Federation") is a
/// mixed-variant signal; the long form alone is a weaker one.
pub const NAME_VARIANTS: &[(&str, &[&str])] = &[
    ("Russian Federation", &["Russia"]),
    ("North Atlantic Treaty Organisation", &["NATO", "Nato"]),
    ("North Atlantic Treaty Organization", &["NATO", "Nato"]),
    ("United States of America", &["United States", "U.S.", "US"]),
    (
        "United Kingdom of Great Britain",
        &["Britain", "UK", "U.K."],
    ),
    ("People's Republic of China", &["China"]),
    ("Federal Republic of Germany", &["Germany"]),
    ("Islamic Republic of Iran", &["Iran"]),
    ("Syrian Arab Republic", &["Syria"]),
    ("Democratic People's Republic of Korea", &["North Korea"]),
];

/// Country names used as adjectives before a noun, where news writing uses
/// the usual short form ("the USA ambassador" for "the US ambassador").
pub const ODD_MODIFIERS: &[&str] = &["USA", "United States of America", "Russian Federation"];

/// Collocations of news writing and the spun forms a thesaurus produces
/// from them. A spun form is ordinary English word by word but almost never
/// written by a journalist.
pub const SPUN_PHRASES: &[(&str, &str)] = &[
    ("worldwide law", "international law"),
    ("global law", "international law"),
    ("worldwide community", "international community"),
    ("worldwide investigation", "international investigation"),
    ("worldwide issues", "international issues"),
    ("worldwide affairs", "international affairs"),
    ("worldwide observers", "international observers"),
    ("worldwide monitors", "international monitors"),
    ("worldwide inspectors", "international inspectors"),
    ("worldwide criminal court", "international criminal court"),
    ("worldwide airport", "international airport"),
    ("worldwide relations", "international relations"),
    ("previous year", "last year"),
    ("previous week", "last week"),
    ("previous month", "last month"),
    ("final year", "last year"),
    ("final week", "last week"),
    ("protection council", "security council"),
    ("safety council", "security council"),
    ("prime priest", "prime minister"),
    ("top minister", "prime minister"),
    ("overseas minister", "foreign minister"),
    ("international minister", "foreign minister"),
    ("overseas ministry", "foreign ministry"),
    ("overseas policy", "foreign policy"),
    ("secretary of country", "secretary of state"),
    ("human privileges", "human rights"),
    ("chemical guns", "chemical weapons"),
    ("chemical arms", "chemical weapons"),
    ("nuclear guns", "nuclear weapons"),
    ("air foundation", "air base"),
    ("press convention", "press conference"),
    ("information convention", "news conference"),
    ("news convention", "news conference"),
    ("white home", "White House"),
    ("supreme courtroom", "supreme court"),
    ("police pressure", "police force"),
    ("civil battle", "civil war"),
    ("chilly war", "cold war"),
    ("bloodless war", "cold war"),
    ("stock trade", "stock exchange"),
    ("interest charges", "interest rates"),
    ("central financial institution", "central bank"),
    ("election marketing campaign", "election campaign"),
    ("presidential selection", "presidential election"),
    ("general public health", "public health"),
    ("in accordance to", "according to"),
    ("as properly as", "as well as"),
    ("as nicely as", "as well as"),
    ("ahead of schedule this year", "earlier this year"),
    ("earlier this 12 months", "earlier this year"),
    ("this 12 months", "this year"),
    ("final 12 months", "last year"),
    ("past 12 months", "past year"),
    ("the day gone by", "yesterday"),
];

/// Words that start with a vowel letter but a consonant sound ("a
/// university", "a one-day visit"): prefixes, lower-case.
pub const VOWEL_LETTER_CONSONANT_SOUND: &[&str] = &[
    "uni", "unan", "use", "usu", "uti", "uto", "utah", "ura", "ure", "uro", "eu", "ewe", "one",
    "once", "ubiq", "uk", "u.s", "u.n", "u-", "ufo",
];

/// Words before which both articles are standard English: an "h" some
/// writers sound and some drop ("an historic" and "a historic").
pub const EITHER_ARTICLE: &[&str] = &["histor", "hotel", "heroic"];

/// Words that start with a consonant letter but a vowel sound ("an hour").
pub const CONSONANT_LETTER_VOWEL_SOUND: &[&str] =
    &["hour", "honest", "honor", "honour", "heir", "herb"];

/// Paragraph openers that lean on something said before them.
pub const CONNECTIVES: &[&str] = &[
    "But",
    "However",
    "Rather",
    "Also",
    "And",
    "Yet",
    "Instead",
    "Nevertheless",
    "Moreover",
    "Furthermore",
    "Still",
    "Besides",
    "Thus",
    "Therefore",
    "Otherwise",
    "Nonetheless",
];
