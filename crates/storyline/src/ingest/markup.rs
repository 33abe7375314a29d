//! Text of an HTML fragment, such as a feed item's content: no boilerplate
//! removal, just block structure turned into paragraphs.

use scraper::{Html, Node};

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "pre",
    "hr",
    "dd",
    "dt",
];
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "svg", "head",
];

/// The text of an HTML fragment, one paragraph per block element.
pub fn fragment_to_text(fragment: &str) -> String {
    if !fragment.contains('<') {
        return fragment.to_string();
    }
    let doc = Html::parse_fragment(fragment);
    let mut out = String::new();
    walk(doc.tree.root(), &mut out);
    out
}

fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.push_str("\n\n");
                }
                walk(child, out);
                if block {
                    out.push_str("\n\n");
                }
            }
            _ => walk(child, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_scripts_vanish() {
        let t = fragment_to_text(
            "<p>One <b>bold</b> line.</p><script>x()</script><p>Two &amp; three</p>",
        );
        let t = crate::text::normalize(&t);
        assert_eq!(t, "One bold line.\n\nTwo & three");
    }
}
