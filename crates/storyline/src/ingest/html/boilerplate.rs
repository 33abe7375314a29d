//! What class names, ids, roles and tags say about an element: main content,
//! boilerplate (navigation, sharing, related links, ads), or a comment section.
//!
//! Page templates name their parts in English far more often than in the page's
//! language, but German, French, Spanish, Italian, Portuguese, Dutch and Polish
//! names are common enough on the sites of those languages to be listed too.

/// What an element's own markup says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Mark {
    /// Nothing known.
    None,
    /// Page furniture whose short texts are labels, dates, credits and tags, but whose long
    /// paragraphs can be article text (headers, captions, author boxes, "meta" rows).
    Weak,
    /// Page furniture: navigation, sharing, related links, ads, footers.
    Strong,
    /// Readers' comments.
    Comments,
}

/// Words that mark comment sections wherever they stand in a class name or id.
const COMMENT_WORDS: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "commentform",
    "disqus",
    "respond",
    "replies",
    "reactions",
    "kommentar",
    "kommentare",
    "leserkommentare",
    "commentaire",
    "commentaires",
    "comentario",
    "comentarios",
    "commenti",
    "commento",
    "comentarios",
    "komentarze",
    "komentarz",
    "reacties",
];

/// Words that mark page furniture wherever they stand in a class name or id.
const STRONG_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "navi",
    "menu",
    "menubar",
    "submenu",
    "megamenu",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "sidebar",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "sharer",
    "shariff",
    "social",
    "socials",
    "sociallinks",
    "related",
    "recommended",
    "recommendation",
    "recommendations",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "ad",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "ads",
    "adsense",
    "adslot",
    "adunit",
    "adcontainer",
    "sponsor",
    "sponsored",
    "taboola",
    "outbrain",
    "paywall",
    "popup",
    "modal",
    "trending",
    "mostread",
    "mostpopular",
    "masthead",
    "topbar",
    "toolbar",
    "pagination",
    "pager",
    "skiplink",
    "disclaimer",
    "disclosure",
    "affiliate",
    "bio",
    "authorbox",
    "authorbio",
    "autorbox",
    "autorenbox",
    "caption",
    "captions",
    "credit",
    "credits",
    "bildunterschrift",
    "legende",
    "skiplinks",
    // de, fr, es, it, pt, nl, pl
    "werbung",
    "anzeige",
    "teilen",
    "empfehlungen",
    "partage",
    "partager",
    "publicite",
    "compartir",
    "publicidad",
    "relacionados",
    "condividi",
    "correlati",
    "pubblicita",
    "compartilhar",
    "relacionadas",
    "delen",
    "advertentie",
    "reklama",
    "udostepnij",
    "powiazane",
];

/// Words that mark page furniture when they are the last word of a class name or id
/// ("post-meta", "article-tags"), not when they qualify another ("author-article").
const WEAK_HEAD_WORDS: &[&str] = &[
    "author",
    "authors",
    "byline",
    "bylines",
    "meta",
    "metadata",
    "tags",
    "tag",
    "tagcloud",
    "tagged",
    "keywords",
    "topics",
    "copyright",
    "date",
    "dateline",
    "time",
    "timestamp",
    "published",
    "widget",
    "widgets",
    "gallery",
    "slideshow",
    "slider",
    "carousel",
    "lightbox",
    "tools",
    "toolbox",
    "utility",
    "actions",
    "more",
    "readmore",
    "print",
    "login",
    "banner",
    "header",
    "infobox",
    "teasers",
    "overlay",
    "rating",
    "voting",
    "follow",
    "badge",
    "badges",
    "label",
    "labels",
];

/// Words naming an article's author in class names and ids.
const AUTHOR_WORDS: &[&str] = &["author", "autor", "autorin", "auteur", "verfasser"];

/// Words that, beside an author word, make a box about the author rather than a byline.
#[rustfmt::skip]
const AUTHOR_BOX_WORDS: &[&str] = &[
    "box", "bio", "info", "infos", "about", "description", "desc", "details", "card",
    "profile", "block", "widget", "wrapper", "container", "teaser",
];

/// Whole class names for text that only screen readers see, or that is hidden.
const HIDDEN_CLASSES: &[&str] = &[
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "screen-reader-only",
    "screenreader",
    "element-invisible",
    "offscreen",
    "hidden",
    "hide",
    "d-none",
    "is-hidden",
    "u-hidden",
];

/// Class or id fragments of the element holding an article's body (trafilatura's and
/// Readability's lists, and the names of common CMSs: WordPress, Drupal, TYPO3, Joomla).
const CONTENT_FRAGMENTS: &[&str] = &[
    "articlebody",
    "article-body",
    "article_body",
    "article__body",
    "articlecontent",
    "article-content",
    "article_content",
    "article__content",
    "articletext",
    "article-text",
    "article_text",
    "article__text",
    "entry-content",
    "entry_content",
    "entrycontent",
    "entry-body",
    "post-content",
    "post_content",
    "postcontent",
    "post-body",
    "post_body",
    "postbody",
    "post-text",
    "post_text",
    "posttext",
    "post-entry",
    "postentry",
    "story-body",
    "storybody",
    "story-content",
    "storycontent",
    "story-text",
    "body-text",
    "bodytext",
    "text-body",
    "content-body",
    "news-text",
    "newstext",
    "news-content",
    "news-body",
    "field-name-body",
    "field--name-body",
    "td-post-content",
    "single-content",
    "main-text",
    "maintext",
    "artikel-text",
    "artikeltext",
    "artikel-body",
    "artikel__body",
    "article-detail",
    "articledetail",
    "rich-text",
    "richtext",
    "itemfulltext",
    "item-fulltext",
    "blog-content",
    "blogpost-content",
];

/// Whole class names of a blog post or article (microformats, WordPress).
const CONTENT_CLASSES: &[&str] = &["hentry", "h-entry", "type-post", "type-article"];

/// What an element's class and id say about it, with whether it names a content body.
pub(super) fn class_mark(class: Option<&str>, id: Option<&str>) -> (Mark, bool) {
    let mut mark = Mark::None;
    let mut content = false;
    for token in class
        .into_iter()
        .flat_map(str::split_ascii_whitespace)
        .chain(id)
    {
        let lower = token.to_ascii_lowercase();
        if CONTENT_FRAGMENTS.iter().any(|f| lower.contains(f))
            || CONTENT_CLASSES.contains(&lower.as_str())
        {
            content = true;
            continue;
        }
        if HIDDEN_CLASSES.contains(&lower.as_str()) {
            mark = mark.max(Mark::Strong);
            continue;
        }
        mark = mark.max(token_mark(token));
    }
    // Blog engines list a post's categories and tags among its classes
    // ("category-comments", "tag-social-media"): an element named as the body is not
    // furniture whatever else its classes say.
    if content {
        mark = Mark::None;
    }
    (mark, content)
}

/// Mark of one class name or id: its words split at `-`, `_`, digits and camelCase, with a
/// BEM modifier (`block--modifier`, a state such as `--promoted` or `--label-hidden`) left out.
fn token_mark(token: &str) -> Mark {
    let token = token.split("--").next().unwrap_or(token);
    let mut mark = Mark::None;
    let mut last = String::new();
    let all = words(token);
    for word in all.iter().cloned() {
        if COMMENT_WORDS.contains(&word.as_str()) {
            return Mark::Comments;
        }
        if STRONG_WORDS.contains(&word.as_str()) {
            mark = Mark::Strong;
        }
        last = word;
    }
    if mark == Mark::None && WEAK_HEAD_WORDS.contains(&last.as_str()) {
        mark = Mark::Weak;
    }
    // An author's box: "author-info", "about-author", "autor-details".
    if all.iter().any(|w| AUTHOR_WORDS.contains(&w.as_str()))
        && all.iter().any(|w| AUTHOR_BOX_WORDS.contains(&w.as_str()))
    {
        mark = Mark::Strong;
    }
    mark
}

/// Lowercased words of a class name: "shareButtons_top" gives "share", "buttons", "top".
fn words(token: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in token.chars() {
        if !c.is_ascii_alphabetic() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Mark given by an element's tag name or ARIA role.
pub(super) fn tag_mark(tag: &str, role: Option<&str>) -> Mark {
    let by_role = match role.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
        Some("navigation" | "menu" | "menubar" | "complementary" | "contentinfo" | "search") => {
            Mark::Strong
        }
        Some("banner" | "dialog" | "alert" | "alertdialog" | "tooltip") => Mark::Weak,
        _ => Mark::None,
    };
    let by_tag = match tag {
        "nav" | "aside" | "footer" | "menu" | "figcaption" => Mark::Strong,
        "header" | "figure" | "form" | "address" | "time" => Mark::Weak,
        _ => Mark::None,
    };
    by_role.max(by_tag)
}

/// Lines that are page furniture when they are nothing more than one of these (case
/// ignored), perhaps with a colon, an arrow or a count: buttons, labels and prompts.
#[rustfmt::skip]
pub(super) const FURNITURE_LINES: &[&str] = &[
    // en
    "advertisement", "sponsored", "share", "share this", "share this article", "tweet",
    "comments", "comment", "leave a comment", "reply", "next", "previous", "prev", "close",
    "back to top", "top", "expand", "tags", "topics", "related", "related articles",
    "related posts", "related stories", "recommended", "more", "read more", "see more",
    "show more", "load more", "continue reading", "print", "email", "contact", "menu",
    "search", "home", "login", "log in", "sign in", "register", "subscribe", "follow us",
    "you may also like", "more stories", "trending", "most read", "most popular", "listen",
    "watch", "loading", "like this", "like loading", "about the author", "sources",
    "explore further", "further reading", "image", "photo", "video", "gallery",
    // de
    "anzeige", "werbung", "teilen", "jetzt teilen", "artikel teilen", "drucken",
    "kommentare", "kommentieren", "kommentar schreiben", "weiter", "zurück", "nach oben",
    "mehr", "mehr lesen", "weiterlesen", "mehr erfahren", "mehr anzeigen", "mehr dazu",
    "lesen sie auch", "auch interessant", "das könnte sie auch interessieren",
    "das könnte dich auch interessieren", "weitere artikel", "weitere themen",
    "weitere informationen", "weiterführende informationen", "weiterführende links",
    "zum weiterlesen", "ähnliche beiträge", "ähnliche artikel", "verwandte artikel",
    "empfehlungen", "schlagworte", "themen", "kontakt", "autor", "autoren", "autorin",
    "quelle", "quellen", "quellenangaben", "bild anzeigen", "bild schließen", "bildergalerie",
    "zur startseite", "zur übersicht", "newsletter", "impressum", "datenschutz",
    "lesetipps", "quellen ausblenden", "externer inhalt", "redaktionstipp",
    // fr
    "publicité", "partager", "commentaires", "lire aussi", "lire la suite", "à lire aussi",
    "voir aussi", "sur le même sujet", "à voir aussi", "vous aimerez aussi",
    "articles similaires", "articles liés", "suivant", "précédent", "fermer",
    // es
    "publicidad", "compartir", "comentarios", "lee también", "leer más", "lea también",
    "ver también", "vea también", "te puede interesar", "le puede interesar",
    "noticias relacionadas", "siguiente", "anterior", "cerrar",
    // it
    "pubblicità", "condividi", "commenti", "leggi anche", "leggi tutto",
    "potrebbe interessarti", "articoli correlati", "successivo", "precedente", "chiudi",
    // pt
    "publicidade", "compartilhe", "compartilhar", "comentários", "leia também", "leia mais",
    "veja também", "saiba mais", "próximo", "fechar",
    // nl
    "advertentie", "delen", "reacties", "lees ook", "lees meer", "gerelateerd", "volgende",
    "vorige", "sluiten",
    // pl
    "reklama", "udostępnij", "komentarze", "czytaj też", "czytaj także", "czytaj więcej",
    "zobacz też", "zobacz także", "polecamy", "dalej", "zamknij",
    // ru
    "реклама", "поделиться", "комментарии", "читайте также", "читать далее",
    "смотрите также", "подробнее", "далее",
    // cs
    "sdílet", "komentáře", "čtěte také", "související",
];

/// Starts of short lines that are page furniture: credits and sources, prompts to read on,
/// share, subscribe or donate, legal notices (case ignored; the line is at most
/// `FURNITURE_LINE_MAX` characters).
#[rustfmt::skip]
pub(super) const FURNITURE_LINE_STARTS: &[&str] = &[
    // en
    "photo:", "photos:", "image:", "images:", "picture:", "credit:", "credits:", "source:",
    "caption:", "video:", "photo credit", "image credit", "image source", "getty images",
    "read more:", "read also:", "see also:", "related:", "recommended:", "more:",
    "continue reading", "click here", "follow us", "sign up for", "subscribe to",
    "don't miss", "you may also like", "more from", "most read", "leave a comment",
    "all rights reserved", "copyright ", "©", "(c) ", "tags:", "filed under", "topics:",
    "share this", "share on", "more on this", "about the author", "written by",
    "this article is the copyrighted property", "reprinting content", "follow us on",
    "support our", "if you enjoyed", "if you liked", "we want to hear",
    "sign up to", "sign up now", "get our newsletter", "download our app",
    // de
    "foto:", "fotos:", "bild:", "bilder:", "bildquelle", "bildcredit", "bildnachweis",
    "quelle:", "quellen:", "abbildung:", "grafik:", "titelbild:", "beitragsbild",
    "lesen sie auch", "lesen sie mehr", "mehr zum thema", "mehr zu ", "mehr dazu:",
    "zum weiterlesen", "weitere artikel", "weitere beiträge", "weitere infos",
    "weitere informationen", "das könnte sie auch", "das könnte dich auch",
    "auch interessant:", "autor:", "autoren:", "autorin:", "von:", "stand:",
    "alle rechte vorbehalten", "alle angaben ohne gewähr", "mit unserem newsletter",
    "jetzt abonnieren", "newsletter abonnieren", "helfen sie mit", "jetzt spenden",
    "wir respektieren deine privatsphäre", "wir respektieren ihre privatsphäre",
    "um deine persönlichen daten zu schützen", "um ihre persönlichen daten zu schützen",
    "hier können sie", "teilen sie", "folgen sie uns", "schlagworte:", "themen:",
    "unterstützen sie", "jetzt unterstützen", "jede spende", "jede kleine spende",
    "abonnieren sie", "lust auf mehr", "werden sie mitglied",
    // fr
    "photo :", "crédit photo", "crédits photo", "crédits photos", "crédits :", "source :", "sources :",
    "lire aussi", "à lire aussi", "voir aussi", "sur le même sujet", "tous droits réservés",
    "abonnez-vous", "suivez-nous", "audios et vidéos sur le sujet", "publié le",
    "mis à jour le",
    // es
    "foto:", "fuente:", "lee también", "lea también", "vea también", "ver también",
    "te puede interesar", "le puede interesar", "todos los derechos reservados",
    "síguenos", "suscríbete", "mira lo que tiene",
    // it
    "fonte:", "leggi anche", "tutti i diritti riservati", "seguici",
    // pt
    "fonte:", "leia também", "veja também", "todos os direitos reservados", "siga-nos",
    // nl
    "bron:", "lees ook", "alle rechten voorbehouden",
    // pl
    "źródło:", "czytaj też", "czytaj także", "zobacz też", "zobacz także",
    "wszelkie prawa zastrzeżone",
    // ru
    "фото:", "источник:", "читайте также", "смотрите также", "все права защищены",
];

/// Longest line (in characters) that `FURNITURE_LINE_STARTS` may remove.
pub(super) const FURNITURE_LINE_MAX: usize = 120;

/// Starts of `FURNITURE_LINE_STARTS` that no article sentence opens with: rights notices,
/// newsletter and follow prompts, consent notices (a long line opening with "©" is left
/// alone: the scrapinghub bodies keep the agencies' "© 2019 Associated Press. All Rights
/// Reserved. This material may not be published…"). They are removed up to
/// `PROMPT_LINE_MAX` characters, since such a prompt goes on with a sentence or two of
/// pitch ("Lust auf mehr? Lass dir die besten Storys … liefern. Melde dich …").
#[rustfmt::skip]
pub(super) const PROMPT_LINE_STARTS: &[&str] = &[
    "sign up for", "sign up to", "sign up now", "get our newsletter",
    "download our app", "follow us on", "this article is the copyrighted property",
    "reprinting content", "wir respektieren deine privatsphäre",
    "wir respektieren ihre privatsphäre", "lust auf mehr", "mit unserem newsletter",
    "newsletter abonnieren", "jetzt abonnieren", "alle rechte vorbehalten",
    "tous droits réservés", "abonnez-vous", "todos los derechos reservados", "suscríbete",
    "tutti i diritti riservati", "todos os direitos reservados", "alle rechten voorbehouden",
    "wszelkie prawa zastrzeżone", "все права защищены",
];

/// Longest line (in characters) that `PROMPT_LINE_STARTS` may remove.
pub(super) const PROMPT_LINE_MAX: usize = 400;

/// Headings over links to other pages. Near the end of a text, such a heading and the
/// short lines after it (teaser titles) are cut.
#[rustfmt::skip]
pub(super) const RELATED_HEADINGS: &[&str] = &[
    "related", "related articles", "related posts", "related stories", "related content",
    "read also", "read more", "read next", "see also", "more stories", "more from",
    "more on this", "more on this topic", "you may also like", "you might also like",
    "recommended", "recommended for you", "further reading", "explore further",
    "lesen sie auch", "auch interessant", "das könnte sie auch interessieren",
    "das könnte dich auch interessieren", "weitere artikel", "weitere beiträge",
    "weitere themen", "mehr zum thema", "mehr zu", "zum weiterlesen", "ähnliche beiträge",
    "ähnliche artikel", "verwandte artikel", "weiterführende links", "empfehlungen",
    "lire aussi", "à lire aussi", "voir aussi", "sur le même sujet", "vous aimerez aussi",
    "articles similaires", "lee también", "te puede interesar", "noticias relacionadas",
    "leggi anche", "articoli correlati", "potrebbe interessarti", "leia também",
    "veja também", "lees ook", "czytaj też", "czytaj także", "zobacz też", "zobacz także",
    "polecamy", "читайте также", "смотрите также", "čtěte také", "související",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_separators_and_camel_case() {
        assert_eq!(
            words("shareButtons_top2x"),
            ["share", "buttons", "top", "x"]
        );
        assert_eq!(words("NAV-main"), ["nav", "main"]);
    }

    #[test]
    fn head_words_and_modifiers() {
        // The last word decides for weak words; a BEM modifier is a state, not a part.
        assert_eq!(class_mark(Some("post-meta"), None).0, Mark::Weak);
        assert_eq!(class_mark(Some("author-article"), None).0, Mark::None);
        assert_eq!(
            class_mark(Some("node node--type-article node--promoted"), None).0,
            Mark::None
        );
        assert_eq!(
            class_mark(Some("field field--name-body field--label-hidden"), None),
            (Mark::None, true)
        );
        assert_eq!(
            class_mark(Some("entry"), Some("related-posts")).0,
            Mark::Strong
        );
        assert_eq!(class_mark(None, Some("comments")).0, Mark::Comments);
        assert_eq!(class_mark(Some("sr-only"), None).0, Mark::Strong);
        assert_eq!(class_mark(Some("Kommentare-liste"), None).0, Mark::Comments);
    }
}
