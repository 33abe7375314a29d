//! Word lists the rules read: reporting verbs, pronouns, titles, role
//! nouns and organisation words. Lower-cased; matched as compiled `match`es.

/// How a reporting verb takes its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueClass {
    /// "said (that) …": the content follows the verb.
    Say,
    /// "told reporters (that) …": an object comes between verb and content.
    Tell,
    /// "accused X of …", "urged X to …", "called for …": the rest of the
    /// clause is the content.
    Act,
}

/// The reporting verb a lower-cased word form belongs to, if any.
pub fn cue_class(word: &str) -> Option<CueClass> {
    cue_info(word).map(|(c, _)| c)
}

/// A cue's class, and whether it reports speech (`true`: "said",
/// "accused") or a belief, wish, plan or finding (`false`: "believes",
/// "wants", "shows").
pub fn cue_info(word: &str) -> Option<(CueClass, bool)> {
    use CueClass::*;
    let stem = inflection_stem(word)?;
    Some(match stem {
        "say" | "add" | "note" | "argue" | "claim" | "insist" | "explain" | "acknowledge"
        | "declare" | "state" | "report" | "tweet" | "write" | "recall" | "reply" | "respond"
        | "predict" | "deny" | "admit" | "confirm" | "concede" | "assert" | "stress"
        | "emphasize" | "emphasise" | "maintain" | "contend" | "complain" | "estimate"
        | "disclose" | "reveal" | "testify" | "announce" | "suggest" | "continue" | "conclude"
        | "observe" | "remark" | "answer" | "allege" | "boast" | "caution" | "counter"
        | "recount" | "reiterate" | "muse" | "quip" | "joke" | "agree" | "vow" | "pledge"
        | "promise" | "post" | "exclaim" | "whisper" | "shout" | "tout" | "speculate"
        | "charge" | "indicate" | "signal" | "hint" | "affirm" | "proclaim" | "retort"
        | "scoff" | "lament" | "mourn" | "brag" | "concur" | "specify" | "imply" | "guarantee"
        | "assure" | "warn" | "threaten" | "cry" | "yell" | "sigh" | "fume" | "bark" | "snap"
        | "sing" | "chant" | "grumble" | "gush" | "rant" | "mention" | "echo" | "read" => {
            (Say, true)
        }
        "believe" | "think" | "know" | "feel" | "expect" | "find" | "show" | "learn" | "fear"
        | "hope" | "worry" | "doubt" | "assume" | "suspect" | "realize" | "realise"
        | "understand" | "decide" | "acknowledged" => (Say, false),
        "tell" | "inform" | "remind" | "advise" | "ask" | "reassure" | "notify" | "convince"
        | "persuade" | "assure you" => (Tell, true),
        "accuse" | "urge" | "call" | "brand" | "blame" | "criticize" | "criticise" | "condemn"
        | "praise" | "dismiss" | "describe" | "demand" | "propose" | "endorse" | "reject"
        | "question" | "defend" | "denounce" | "mock" | "label" | "thank" | "applaud" | "cite"
        | "encourage" | "implore" | "appeal" | "decry" | "lambast" | "recommend" | "request"
        | "plead" | "discuss" => (Act, true),
        // Verbs of deed as much as of word ("attacked a police station"):
        // attributions, not quotes.
        "slam" | "attack" | "press" | "challenge" | "blast" | "hail" | "welcome" | "offer"
        | "order" => (Act, false),
        "want" | "support" | "oppose" | "plan" | "seek" | "intend" | "prefer" | "favor"
        | "favour" | "back" | "refuse" | "decline" | "consider" | "view" | "wish" => (Act, false),
        _ => return None,
    })
}

/// The base form of a reporting verb's inflected form, for the verbs
/// [`cue_class`] knows. Irregular forms first, then -s/-ed/-ing.
fn inflection_stem(word: &str) -> Option<&'static str> {
    let irregular = match word {
        "said" | "says" | "say" | "saying" => Some("say"),
        "told" | "tells" | "tell" | "telling" => Some("tell"),
        "wrote" | "writes" | "write" | "writing" | "written" => Some("write"),
        "thought" | "thinks" | "think" | "thinking" => Some("think"),
        "cried" | "cries" => Some("cry"),
        "replied" | "replies" | "replying" => Some("reply"),
        "denied" | "denies" | "denying" => Some("deny"),
        "testified" | "testifies" => Some("testify"),
        "specified" | "specifies" => Some("specify"),
        "implied" | "implies" => Some("imply"),
        "retorted" | "retorts" => Some("retort"),
        "found" | "finds" | "find" | "finding" => Some("find"),
        "knew" | "known" | "knows" | "know" | "knowing" => Some("know"),
        "felt" | "feels" | "feel" => Some("feel"),
        "sought" | "seeks" | "seek" | "seeking" => Some("seek"),
        "understood" | "understands" | "understand" => Some("understand"),
        "sang" | "sings" | "sung" => Some("sing"),
        "shown" => Some("show"),
        _ => None,
    };
    if irregular.is_some() {
        return irregular;
    }
    // Regular forms: try the candidate bases and keep the first known one.
    let candidates: [Option<String>; 6] = [
        Some(word.to_string()),
        word.strip_suffix("es").map(str::to_string),
        word.strip_suffix('s').map(str::to_string),
        word.strip_suffix("ed").map(str::to_string),
        word.strip_suffix('d').map(str::to_string),
        word.strip_suffix("ing").map(|b| b.to_string()),
    ];
    for (n, c) in candidates.into_iter().enumerate() {
        let Some(c) = c else { continue };
        // Nouns and adjectives that share a verb's base: only the verb's
        // past and -ing forms report speech ("the attack" is not a cue).
        let past_or_ing = matches!(n, 3..=5);
        let bases = if n == 0 {
            vec![c.clone()]
        } else {
            vec![c.clone(), format!("{c}e")]
        };
        for base in bases {
            if !past_or_ing && nounish(&base) {
                continue;
            }
            if let Some(b) = known_base(&base) {
                return Some(b);
            }
        }
        // Doubled consonant: "admitted", "slammed".
        let mut last = c.chars().rev();
        if let (Some(x), Some(y)) = (last.next(), last.next())
            && x == y
            && c.chars().count() > 2
            && let Some(b) = known_base(&c[..c.len() - x.len_utf8()])
        {
            return Some(b);
        }
    }
    None
}

/// Whether a lower-cased word is a common given name.
pub fn is_first_name(word: &str) -> bool {
    static NAMES: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            include_str!("first_names.txt")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .flat_map(str::split_whitespace)
                .collect()
        });
    NAMES.contains(word)
}

/// Reporting verbs whose base and -s forms are mostly nouns.
fn nounish(base: &str) -> bool {
    matches!(
        base,
        "attack"
            | "state"
            | "press"
            | "question"
            | "post"
            | "signal"
            | "counter"
            | "charge"
            | "label"
            | "welcome"
            | "cite"
            | "request"
            | "propose"
            | "demand"
            | "report"
            | "answer"
            | "call"
            | "praise"
            | "blast"
            | "slam"
            | "hail"
            | "hope"
            | "fear"
            | "worry"
            | "promise"
            | "pledge"
            | "vow"
            | "joke"
            | "remark"
            | "comment"
            | "note"
            | "plead"
            | "appeal"
            | "challenge"
            | "reply"
            | "respond"
            | "cry"
            | "sigh"
            | "tweet"
            | "guarantee"
            | "blame"
            | "estimate"
            | "support"
            | "plan"
            | "show"
            | "view"
            | "back"
            | "offer"
            | "order"
            | "doubt"
            | "decline"
            | "wish"
            | "favor"
            | "favour"
            | "read"
            | "echo"
            | "snap"
            | "bark"
            | "chant"
            | "rant"
    )
}

macro_rules! word_set {
    ($(#[$m:meta])* $name:ident: $($w:literal)|* ) => {
        $(#[$m])*
        pub fn $name(word: &str) -> bool {
            matches!(word, $($w)|*)
        }
    };
}

fn known_base(base: &str) -> Option<&'static str> {
    const BASES: &[&str] = &[
        "say",
        "add",
        "note",
        "argue",
        "claim",
        "insist",
        "explain",
        "acknowledge",
        "declare",
        "state",
        "report",
        "tweet",
        "write",
        "recall",
        "reply",
        "respond",
        "predict",
        "deny",
        "admit",
        "confirm",
        "concede",
        "assert",
        "stress",
        "emphasize",
        "emphasise",
        "maintain",
        "contend",
        "complain",
        "estimate",
        "disclose",
        "reveal",
        "testify",
        "announce",
        "suggest",
        "believe",
        "think",
        "continue",
        "conclude",
        "observe",
        "remark",
        "answer",
        "allege",
        "boast",
        "caution",
        "counter",
        "recount",
        "reiterate",
        "muse",
        "quip",
        "joke",
        "fear",
        "hope",
        "worry",
        "agree",
        "vow",
        "pledge",
        "promise",
        "post",
        "exclaim",
        "whisper",
        "shout",
        "tout",
        "speculate",
        "charge",
        "indicate",
        "signal",
        "hint",
        "affirm",
        "proclaim",
        "retort",
        "scoff",
        "lament",
        "mourn",
        "brag",
        "concur",
        "specify",
        "imply",
        "guarantee",
        "assure",
        "warn",
        "threaten",
        "cry",
        "yell",
        "sigh",
        "tell",
        "inform",
        "remind",
        "advise",
        "ask",
        "reassure",
        "notify",
        "convince",
        "persuade",
        "accuse",
        "urge",
        "call",
        "brand",
        "blame",
        "criticize",
        "criticise",
        "condemn",
        "praise",
        "dismiss",
        "describe",
        "demand",
        "propose",
        "endorse",
        "reject",
        "question",
        "defend",
        "denounce",
        "slam",
        "attack",
        "mock",
        "label",
        "thank",
        "applaud",
        "welcome",
        "cite",
        "encourage",
        "implore",
        "appeal",
        "press",
        "challenge",
        "decry",
        "lambast",
        "blast",
        "hail",
        "recommend",
        "request",
        "plead",
        "fume",
        "bark",
        "snap",
        "sing",
        "chant",
        "grumble",
        "gush",
        "rant",
        "mention",
        "echo",
        "read",
        "expect",
        "show",
        "learn",
        "doubt",
        "assume",
        "suspect",
        "realize",
        "realise",
        "decide",
        "discuss",
        "offer",
        "order",
        "want",
        "support",
        "oppose",
        "plan",
        "seek",
        "intend",
        "prefer",
        "favor",
        "favour",
        "back",
        "refuse",
        "decline",
        "consider",
        "view",
        "wish",
        "feel",
        "know",
        "find",
        "understand",
    ];
    BASES.iter().find(|b| **b == base).copied()
}

word_set!(
    /// Personal pronouns that can stand for a speaker.
    is_pronoun: "he" | "she" | "they" | "i" | "we" | "it" | "you"
);

word_set!(
    /// Pronouns that stand for one person.
    is_person_pronoun: "he" | "she" | "i"
);

word_set!(
    /// Words that open a noun phrase naming a speaker by role.
    is_determiner: "the" | "a" | "an" | "another" | "one" | "some" | "many" | "several"
        | "his" | "her" | "their" | "its" | "our" | "two" | "three" | "four" | "most"
        | "other" | "both" | "all" | "few" | "this" | "these" | "those"
        | "each" | "any" | "no"
);

word_set!(
    /// Words between a subject and its reporting verb that belong to
    /// neither ("he also said", "she has repeatedly said").
    is_verb_filler: "also" | "has" | "have" | "had" | "later" | "then" | "previously"
        | "repeatedly" | "reportedly" | "again" | "once" | "would" | "will" | "could"
        | "may" | "might" | "did" | "does" | "do" | "is" | "was" | "were" | "are"
        | "been" | "recently" | "earlier" | "further" | "publicly" | "privately"
        | "flatly" | "simply" | "just" | "even" | "still" | "quickly" | "firmly"
        | "openly" | "bluntly" | "angrily" | "now" | "often" | "first" | "never"
        | "not" | "already" | "separately" | "subsequently" | "ultimately" | "directly"
        | "specifically" | "explicitly" | "clearly" | "strongly" | "tearfully"
);

word_set!(
    /// Titles written before a person's name ("Secretary Tillerson").
    is_person_title: "mr" | "mr." | "mrs" | "mrs." | "ms" | "ms." | "dr" | "dr." | "sen."
        | "sen" | "senator" | "rep." | "rep" | "representative" | "gov." | "gov"
        | "governor" | "president" | "secretary" | "minister" | "ambassador" | "judge"
        | "justice" | "gen." | "general" | "chancellor" | "king" | "queen" | "prince"
        | "princess" | "pope" | "mayor" | "sheriff" | "detective" | "officer" | "coach"
        | "director" | "chairman" | "chairwoman" | "chief" | "lt." | "col." | "colonel"
        | "captain" | "capt." | "sgt." | "sergeant" | "commissioner" | "premier"
        | "vice" | "prosecutor" | "attorney" | "lawyer" | "spokesman" | "spokeswoman"
        | "spokesperson" | "actor" | "actress" | "singer" | "star" | "rapper" | "professor"
        | "prof." | "rev." | "reverend" | "father" | "sister" | "brother" | "lord"
        | "lady" | "sir" | "dame" | "speaker" | "leader" | "envoy" | "emir" | "sheikh"
        | "ayatollah" | "cardinal" | "bishop" | "archbishop" | "pastor" | "rabbi"
        | "imam" | "agent" | "inspector" | "constable" | "deputy" | "councilman"
        | "councilwoman" | "congressman" | "congresswoman" | "assemblyman" | "trooper"
        | "pitcher" | "quarterback" | "striker" | "midfielder" | "defender" | "goalkeeper"
        | "manager" | "ceo" | "chef" | "designer" | "model" | "director-general" | "insp"
        | "insp." | "det." | "det" | "supt" | "supt." | "sgt" | "const." | "cpl." | "pte."
        | "adm." | "cmdr." | "gen" | "col" | "lt" | "capt"
);

word_set!(
    /// Nouns that name a person by role ("the secretary of state", "a
    /// spokesman"): a speaker, and a mention to resolve.
    is_role_noun: "president" | "secretary" | "minister" | "ambassador" | "judge"
        | "chancellor" | "king" | "queen" | "prince" | "pope" | "mayor" | "sheriff"
        | "spokesman" | "spokeswoman" | "spokesperson" | "official" | "officials"
        | "actor" | "actress" | "singer" | "star" | "rapper" | "governor" | "senator"
        | "lawmaker" | "leader" | "chief" | "director" | "chairman" | "chairwoman"
        | "ceo" | "executive" | "founder" | "premier" | "diplomat" | "envoy" | "coach"
        | "manager" | "player" | "prosecutor" | "attorney" | "lawyer" | "police"
        | "commissioner" | "general" | "commander" | "captain" | "officer" | "detective"
        | "expert" | "experts" | "analyst" | "analysts" | "source" | "sources"
        | "witness" | "witnesses" | "doctor" | "doctors" | "researcher" | "researchers"
        | "scientist" | "scientists" | "aide" | "aides" | "adviser" | "advisor"
        | "advisers" | "candidate" | "nominee" | "politician" | "authorities"
        | "company" | "firm" | "government" | "ministry" | "administration"
        | "department" | "agency" | "campaign" | "party" | "group" | "organization"
        | "organisation" | "report" | "statement" | "study" | "survey" | "poll"
        | "newspaper" | "agency's" | "team" | "club" | "band" | "council" | "committee"
        | "court" | "military" | "army" | "representative" | "representatives"
        | "residents" | "victim" | "suspect" | "defendant" | "employee" | "employees"
        | "worker" | "workers" | "owner" | "vice" | "mother" | "father" | "wife"
        | "husband" | "daughter" | "son" | "brother" | "sister" | "friend" | "family"
        | "publicist" | "representatives'" | "producer" | "writer" | "author"
        | "reporter" | "journalist" | "economist" | "economists" | "investor"
        | "investors" | "protester" | "protesters" | "critic" | "critics" | "supporter"
        | "supporters" | "observer" | "observers" | "activist" | "activists"
        | "resident" | "student" | "teacher" | "pilot" | "host" | "anchor"
        | "veteran" | "people" | "person" | "man" | "woman" | "boy" | "girl"
        | "foreign" | "head" | "partner" | "agent" | "guard"
);

word_set!(
    /// Last words that make a name an organisation's.
    is_org_word: "inc" | "inc." | "corp" | "corp." | "corporation" | "company" | "co."
        | "ltd" | "ltd." | "llc" | "plc" | "group" | "party" | "council" | "ministry"
        | "department" | "agency" | "committee" | "commission" | "union" | "association"
        | "university" | "institute" | "bank" | "times" | "post" | "news" | "network"
        | "service" | "services" | "office" | "court" | "congress" | "senate"
        | "parliament" | "army" | "police" | "foundation" | "fund" | "organization"
        | "organisation" | "assembly" | "board" | "bureau" | "club" | "church"
        | "airlines" | "airways" | "motors" | "holdings" | "hospital" | "school"
        | "college" | "center" | "centre" | "journal" | "tribune" | "herald" | "press"
        | "reuters" | "telegraph" | "guardian" | "magazine" | "broadcasting" | "tv"
        | "radio" | "systems" | "technologies" | "pharmaceuticals" | "laboratories"
        | "administration" | "force" | "forces" | "navy" | "guard" | "alliance"
        | "coalition" | "front" | "movement" | "brigade" | "brigades" | "authority"
        | "exchange" | "reserve" | "treasury" | "cabinet" | "house" | "pentagon"
        | "kremlin" | "nations" | "fc" | "united" | "city" | "rovers" | "giants"
        | "yankees" | "colts" | "patriots" | "lakers" | "records" | "studios"
        | "pictures" | "entertainment" | "media" | "daily" | "gazette" | "channel"
        | "industries" | "partners" | "capital" | "energy" | "oil" | "airport"
        | "prison" | "jail" | "clinic" | "museum" | "festival" | "olympics" | "league"
        | "federation" | "command" | "team" | "rescue" | "helicopter" | "unit" | "squad"
        | "division" | "aid" | "store" | "stores" | "restaurant" | "hotel"
        | "company's" | "brothers" | "bros" | "bros." | "mart" | "airline"
);

word_set!(
    /// Capitalised words that begin sentences or headlines without naming
    /// anything.
    is_capitalised_function_word: "the" | "a" | "an" | "but" | "and" | "or" | "in" | "on"
        | "at" | "as" | "after" | "before" | "when" | "while" | "if" | "though"
        | "although" | "because" | "since" | "during" | "for" | "from" | "to" | "with"
        | "without" | "by" | "of" | "this" | "that" | "these" | "those" | "there" | "here"
        | "it" | "its" | "he" | "she" | "they" | "we" | "i" | "you" | "his" | "her"
        | "their" | "our" | "my" | "your" | "what" | "who" | "why" | "how" | "where"
        | "which" | "not" | "no" | "yes" | "so" | "yet" | "still" | "also" | "then"
        | "now" | "once" | "even" | "just" | "only" | "despite" | "beyond" | "until"
        | "under" | "over" | "about" | "against" | "among" | "between" | "into"
        | "through" | "some" | "many" | "most" | "more" | "all" | "both" | "each"
        | "every" | "any" | "one" | "two" | "three" | "another" | "other" | "such"
        | "meanwhile" | "however" | "instead" | "indeed" | "later"
        | "earlier" | "today" | "yesterday" | "tomorrow" | "tonight" | "last" | "next"
        | "according" | "asked" | "like" | "unlike" | "following" | "amid" | "near"
        | "outside" | "inside" | "whether" | "do" | "does" | "did" | "is" | "are" | "was"
        | "were" | "be" | "has" | "have" | "had" | "will" | "would" | "can" | "could"
        | "should" | "may" | "might" | "must" | "let" | "please" | "thank" | "thanks"
        | "oh" | "well" | "monday" | "tuesday" | "wednesday"
        | "thursday" | "friday" | "saturday" | "sunday" | "january" | "february"
        | "march" | "april" | "may." | "june" | "july" | "august" | "september"
        | "october" | "november" | "december" | "jan." | "feb." | "aug." | "sept."
        | "oct." | "nov." | "dec." | "photo" | "image" | "video" | "read" | "click"
        | "watch" | "see" | "update" | "updated" | "posted" | "share" | "advertisement"
        | "breaking" | "exclusive" | "live" | "top" | "first" | "second" | "third"
        | "several" | "few"
);

word_set!(
    /// Words that put a place name in its place ("in Moscow"), as against a
    /// capital that stands for its government ("Moscow said").
    is_locative_preposition: "in" | "to" | "from" | "at" | "near" | "outside" | "across"
        | "around" | "into" | "inside" | "toward" | "towards" | "via" | "through"
        | "visit" | "visited" | "visiting" | "visits" | "throughout" | "within"
        | "downtown" | "central" | "northern" | "southern" | "eastern" | "western"
        | "of" | "arrived" | "left" | "leaving" | "flew" | "returned"
);

word_set!(
    /// Last words that make a name a place's ("Snyder Avenue", "Gulf of
    /// Aden" by its first word, see [`is_place_first_word`]).
    is_place_word: "avenue" | "ave" | "ave." | "street" | "st." | "road" | "rd" | "rd."
        | "boulevard" | "blvd" | "blvd." | "square" | "park" | "heights" | "bay" | "sea"
        | "ocean" | "river" | "lake" | "mountain" | "mountains" | "valley" | "island"
        | "islands" | "county" | "province" | "district" | "village" | "town" | "hill"
        | "hills" | "beach" | "coast" | "canyon" | "corridor" | "bridge" | "highway"
        | "lane" | "drive" | "plaza" | "peninsula" | "desert" | "forest" | "region"
        | "neighborhood" | "neighbourhood" | "borough" | "township" | "strait" | "channel"
        | "glacier" | "falls" | "harbor" | "harbour" | "creek" | "stadium" | "arena"
);

word_set!(
    /// First words that make a name a place's ("Mount Cook", "Lake Erie").
    is_place_first_word: "mount" | "mt" | "mt." | "lake" | "gulf" | "bay" | "cape" | "fort"
        | "port" | "east" | "west" | "north" | "south" | "upper" | "lower" | "greater"
        | "central" | "new"
);
