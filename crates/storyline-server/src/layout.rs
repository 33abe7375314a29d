//! The page shell every HTML answer shares (head, stylesheet link, search
//! box, footer) and the error page. Imports nothing else of the server, so
//! the pages and the error answers can both build on it.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

/// The stylesheet, served at `/static/style.css`.
pub const STYLE: &str = include_str!("style.css");

/// The stylesheet's address with a hash of its content: a browser may keep
/// it as long as it likes, and a new build is fetched at once.
fn style_href() -> &'static str {
    static HREF: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        STYLE.hash(&mut h);
        format!("/static/style.css?v={:016x}", h.finish())
    });
    &HREF
}

pub fn page(title: &str, query: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Storyline" }
                link rel="stylesheet" href=(style_href());
            }
            body {
                header.top {
                    a.brand href="/" { "Storyline" }
                    form.search action="/search" method="get" role="search" {
                        input type="search" name="q" value=(query) placeholder="Search articles"
                            aria-label="Search articles" maxlength="1000";
                        button type="submit" { "Search" }
                    }
                }
                main { (body) }
                footer {
                    a href="/sources" { "Sources" } " · "
                    a href="/api" { "JSON API" } " · " a href="/api/openapi.json" { "OpenAPI" }
                }
            }
        }
    };
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// The page shown for an error.
pub fn error_page(title: &str, message: &str) -> Response {
    page(
        title,
        "",
        html! {
            h1 { (title) }
            p { (message) }
            p { a href="/" { "All stories" } }
        },
    )
}
