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
    "bio",
    "disclaimer",
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
        if CONTENT_FRAGMENTS.iter().any(|f| lower.contains(f)) {
            content = true;
            continue;
        }
        if HIDDEN_CLASSES.contains(&lower.as_str()) {
            mark = mark.max(Mark::Strong);
            continue;
        }
        mark = mark.max(token_mark(token));
    }
    (mark, content)
}

/// Mark of one class name or id: its words split at `-`, `_`, digits and camelCase, with a
/// BEM modifier (`block--modifier`, a state such as `--promoted` or `--label-hidden`) left out.
fn token_mark(token: &str) -> Mark {
    let token = token.split("--").next().unwrap_or(token);
    let mut mark = Mark::None;
    let mut last = String::new();
    for word in words(token) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_separators_and_camel_case() {
        assert_eq!(words("shareButtons_top2x"), ["share", "buttons", "top", "x"]);
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
