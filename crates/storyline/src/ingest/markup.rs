//! Text of an HTML fragment, such as a feed item's content: no boilerplate
//! removal, just block structure turned into paragraphs.

use scraper::{Html, Node};

use super::HtmlLimits;
use super::html_bounds;
use crate::cancel::Cancel;
use crate::error::Result;

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

/// The text of an HTML fragment, one paragraph per block element, within
/// limits on the fragment's depth and size (see [`html_bounds`]).
pub fn fragment_to_text_within(
    fragment: &str,
    limits: &HtmlLimits,
    cancel: &Cancel,
) -> Result<String> {
    if !fragment.contains('<') {
        return Ok(fragment.to_string());
    }
    // scraper parses with scripting on: <noscript> holds raw text.
    let fragment = html_bounds::bound(fragment, limits, true, cancel)?;
    let doc = Html::parse_fragment(&fragment);
    let mut out = String::new();
    walk(doc.tree.root(), &mut out);
    Ok(out)
}

/// Writes the text under `root`, in document order, without recursion: a
/// block element's text is set off by blank lines on both sides.
fn walk(root: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Close,
    }
    let mut todo: Vec<Step<'_>> = root.children().rev().map(Step::Enter).collect();
    while let Some(step) = todo.pop() {
        let node = match step {
            Step::Close => {
                out.push_str("\n\n");
                continue;
            }
            Step::Enter(node) => node,
        };
        match node.value() {
            Node::Text(t) => {
                out.push_str(t);
                continue;
            }
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                if BLOCKS.contains(&name) {
                    out.push_str("\n\n");
                    todo.push(Step::Close);
                }
            }
            _ => {}
        }
        todo.extend(node.children().rev().map(Step::Enter));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_scripts_vanish() {
        let t = fragment_to_text_within(
            "<p>One <b>bold</b> line.</p><script>x()</script><p>Two &amp; three</p>",
            &HtmlLimits::default(),
            &Cancel::new(),
        )
        .unwrap();
        let t = crate::text::normalize(&t);
        assert_eq!(t, "One bold line.\n\nTwo & three");
    }

    #[test]
    fn deep_fragments_are_walked_without_recursion() {
        let deep = format!(
            "{}<p>deep</p>{}",
            "<div>".repeat(30_000),
            "</div>".repeat(30_000)
        );
        let t = fragment_to_text_within(&deep, &HtmlLimits::default(), &Cancel::new()).unwrap();
        assert_eq!(crate::text::normalize(&t), "deep");
    }
}
