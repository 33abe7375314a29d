//! The API against a running server on 127.0.0.1, over the bundled corpus.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{Server, jsonl, raw_request, synthetic_articles};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("a client")
}

async fn get(c: &reqwest::Client, url: String) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let res = c.get(&url).send().await.expect("the server answers");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.text().await.expect("a body");
    let value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {body}"));
    (status, headers, value)
}

/// The error object of an error answer, after checking its shape.
/// The seconds of a response's `Retry-After`.
fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .expect("Retry-After is text")
        .parse()
        .expect("Retry-After is seconds")
}

fn error_of(status: StatusCode, body: &Value) -> &Value {
    let e = &body["error"];
    assert_eq!(e["status"], status.as_u16(), "{body}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_endpoints_answer_like_the_cli() {
    let server = Server::start(|_| {}).await;
    let c = client();

    let (status, headers, stats) = get(&c, server.url("/api/stats")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(headers.contains_key("referrer-policy"));
    let articles = stats["articles"].as_u64().unwrap();
    assert!(articles > 300, "{stats}");
    assert!(stats["stories"].as_u64().unwrap() > 10, "{stats}");

    // Story listing: newest first, paging, a next link while more follow.
    let (status, headers, page1) = get(&c, server.url("/api/stories?limit=5")).await;
    assert_eq!(status, StatusCode::OK);
    let page1 = page1.as_array().unwrap().clone();
    assert_eq!(page1.len(), 5);
    for key in [
        "id",
        "title",
        "articles",
        "sources",
        "first_seen",
        "last_seen",
    ] {
        assert!(page1[0].get(key).is_some(), "{key} missing: {}", page1[0]);
    }
    let last_seen: Vec<&str> = page1
        .iter()
        .map(|s| s["last_seen"].as_str().unwrap())
        .collect();
    assert!(last_seen.windows(2).all(|w| w[0] >= w[1]), "{last_seen:?}");
    assert_eq!(
        headers["link"].to_str().unwrap(),
        "</api/stories?limit=5&offset=5>; rel=\"next\""
    );
    let (_, _, page2) = get(&c, server.url("/api/stories?limit=5&offset=5")).await;
    let ids1: BTreeSet<i64> = page1.iter().map(|s| s["id"].as_i64().unwrap()).collect();
    let ids2: BTreeSet<i64> = page2
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids2.len(), 5);
    assert!(ids1.is_disjoint(&ids2));
    let (_, headers, all) = get(&c, server.url("/api/stories?limit=500")).await;
    assert!(headers.get("link").is_none());
    let all = all.as_array().unwrap().clone();
    assert_eq!(all.len() as u64, stats["stories"].as_u64().unwrap());

    // min_articles and the time window.
    let (_, _, big) = get(&c, server.url("/api/stories?limit=500&min_articles=5")).await;
    let big = big.as_array().unwrap();
    assert!(!big.is_empty() && big.len() < all.len());
    assert!(big.iter().all(|s| s["articles"].as_u64().unwrap() >= 5));
    let (_, _, window) = get(
        &c,
        server.url("/api/stories?limit=500&since=2014-03-15&until=2014-03-15"),
    )
    .await;
    let window = window.as_array().unwrap();
    assert!(!window.is_empty());
    assert!(window.len() < all.len(), "the window leaves stories out");
    for s in window {
        assert!(s["last_seen"].as_str().unwrap() >= "2014-03-15", "{s}");
        assert!(
            &s["first_seen"].as_str().unwrap()[..10] <= "2014-03-15",
            "{s}"
        );
    }
    let (_, _, none) = get(&c, server.url("/api/stories?since=2100-01-01")).await;
    assert_eq!(none, json!([]));
    let (_, _, before) = get(&c, server.url("/api/stories?limit=500&until=2010-01-01")).await;
    for s in before.as_array().unwrap() {
        assert!(s["first_seen"].as_str().unwrap() < "2010-01-02", "{s}");
    }

    for bad in [
        "/api/stories?limit=0",
        "/api/stories?limit=501",
        "/api/stories?limit=ten",
        "/api/stories?offset=-1",
        "/api/stories?since=yesterday",
        "/api/stories?until=2014-13-45",
        "/api/stories?min_articles=x",
        "/api/search?q=",
        "/api/search",
        "/api/stories/abc",
        "/api/articles/1/copies?threshold=2",
    ] {
        let (status, _, body) = get(&c, server.url(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        error_of(status, &body);
    }

    // A story: summary with citations, articles in time order, quotes,
    // entities and copies; an alias and article:X resolve to it.
    let rich = big[0]["id"].as_i64().unwrap();
    let (status, _, story) = get(&c, server.url(&format!("/api/stories/{rich}"))).await;
    assert_eq!(status, StatusCode::OK);
    for key in [
        "id",
        "title",
        "article_count",
        "sources",
        "first_seen",
        "last_seen",
        "aliases",
        "articles",
        "summary",
        "quotes",
        "entities",
        "copies",
    ] {
        assert!(story.get(key).is_some(), "{key} missing");
    }
    let members: Vec<&Value> = story["articles"].as_array().unwrap().iter().collect();
    assert_eq!(
        members.len() as u64,
        story["article_count"].as_u64().unwrap()
    );
    let summary = story["summary"].as_array().unwrap();
    assert!(!summary.is_empty(), "a story of 5+ articles has a summary");
    let member_ids: BTreeSet<i64> = members.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    for s in summary {
        for cite in s["citations"].as_array().unwrap() {
            let id = cite["article"].as_i64().unwrap();
            assert!(
                member_ids.contains(&id),
                "a citation names an article of the story"
            );
            let (_, _, article) = get(&c, server.url(&format!("/api/articles/{id}"))).await;
            let n = cite["sentence"].as_u64().unwrap() as usize;
            assert_eq!(article["sentences"][n]["text"], cite["text"]);
        }
    }
    assert_eq!(
        story["copies"]["articles"].as_array().unwrap().len(),
        members.len()
    );
    let first = members[0]["id"].as_i64().unwrap();
    let (_, _, via_article) = get(&c, server.url(&format!("/api/stories/article:{first}"))).await;
    assert_eq!(via_article["id"], story["id"]);

    // The online pass on the corpus merges no stories; a recluster leaves
    // the ids it did not keep as aliases.
    let reclustered = Server::start_reclustered(|_| {}).await;
    let (_, _, every) = get(&c, reclustered.url("/api/stories?limit=500")).await;
    let mut checked_alias = false;
    for s in every.as_array().unwrap() {
        let id = s["id"].as_i64().unwrap();
        let (_, _, full) = get(&c, reclustered.url(&format!("/api/stories/{id}"))).await;
        if let Some(alias) = full["aliases"].as_array().and_then(|a| a.first()) {
            let (status, _, again) =
                get(&c, reclustered.url(&format!("/api/stories/{alias}"))).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(again["id"], id, "alias {alias} resolves to its story");
            checked_alias = true;
            break;
        }
    }
    assert!(checked_alias, "the reclustered corpus has an alias");
    reclustered.stop().await;

    // Articles: listing, by id, by ref, copies; unknown ids are 404.
    let (_, headers, list) = get(&c, server.url("/api/articles?limit=3&offset=2")).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["id"], 3);
    assert!(headers.contains_key("link"));
    let (status, _, a) = get(&c, server.url("/api/articles/ref:1_1ecb")).await;
    assert_eq!(status, StatusCode::OK);
    let id = a["id"].as_i64().unwrap();
    let (_, _, same) = get(&c, server.url("/api/articles/1_1ecb")).await;
    assert_eq!(same["id"], id);
    for key in [
        "id",
        "ref",
        "refs",
        "title",
        "text",
        "sentences",
        "copies",
        "reused_sentences",
        "spin",
        "stitch",
        "story",
    ] {
        assert!(a.get(key).is_some(), "{key} missing");
    }
    assert_eq!(a["ref"], "1_1ecb");
    let (status, _, copies) = get(&c, server.url(&format!("/api/articles/{id}/copies"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(copies["reused_sentences"], a["reused_sentences"]);
    assert_eq!(copies["copies"]["threshold"], 0.8);
    let (_, _, loose) = get(
        &c,
        server.url(&format!("/api/articles/{id}/copies?threshold=0.5")),
    )
    .await;
    assert_eq!(loose["copies"]["threshold"], 0.5);

    for missing in [
        "/api/articles/999999",
        "/api/articles/ref:nope",
        "/api/articles/999999/copies",
        "/api/stories/999999",
        "/api/stories/article:999999",
        "/api/nothing-here",
    ] {
        let (status, _, body) = get(&c, server.url(missing)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        error_of(status, &body);
    }

    // Search: ranked hits with snippets, paging.
    let (status, headers, hits) = get(&c, server.url("/api/search?q=Tara%20Reid&limit=3")).await;
    assert_eq!(status, StatusCode::OK);
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 3);
    assert!(hits[0]["snippet"].as_str().unwrap().contains("<mark>"));
    assert!(
        hits.windows(2)
            .all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64())
    );
    assert!(headers["link"].to_str().unwrap().contains("offset=3"));
    let (_, _, more) = get(&c, server.url("/api/search?q=Tara%20Reid&limit=3&offset=3")).await;
    assert_ne!(more[0]["id"], hits[0]["id"]);
    let (_, _, nothing) = get(&c, server.url("/api/search?q=zzyzzxqq")).await;
    assert_eq!(nothing, json!([]));

    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_describes_every_route() {
    let server = Server::start(|_| {}).await;
    let c = client();
    let (status, _, spec) = get(&c, server.url("/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.1.0");
    let described: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let routes: BTreeSet<(String, String)> = storyline_server::ROUTES
        .iter()
        .filter(|r| r.api)
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(described, routes);
    // `GET /api` lists the same routes.
    let (_, _, index) = get(&c, server.url("/api")).await;
    let listed: BTreeSet<(String, String)> = index["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (m, p) = e.as_str().unwrap().split_once(' ').unwrap();
            (m.to_string(), p.to_string())
        })
        .chain([("GET".to_string(), "/api".to_string())])
        .collect();
    assert_eq!(listed, routes);
    // Every described GET answers (no route is described but missing), and
    // every $ref points at a schema that exists.
    for (method, path) in &described {
        if method != "GET" {
            continue;
        }
        let url = path.replace("{id}", "1");
        let url = if url == "/api/search" {
            "/api/search?q=rehab".into()
        } else {
            url
        };
        let res = c.get(server.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
    }
    let text = spec.to_string();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &piece[..piece.find('"').unwrap()];
        assert!(schemas.contains_key(name), "missing schema {name}");
    }
    // An unlisted API path is a JSON 404, so the list above is complete
    // for the prefix.
    let (status, _, body) = get(&c, server.url("/api/story/1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    error_of(status, &body);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_need_the_right_token() {
    let article = json!({"id": "tok-1", "title": "Token test", "text": "A mayor opened a bridge over the river on Monday. Crowds cheered."});
    let c = client();

    let read_only = Server::start(|_| {}).await;
    let res = c
        .post(read_only.url("/api/articles"))
        .bearer_auth("anything")
        .json(&article)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(
        error_of(StatusCode::FORBIDDEN, &body)["message"]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    read_only.stop().await;

    let server = Server::start(|c| c.token = Some("right-token".into())).await;
    let res = c
        .post(server.url("/api/articles"))
        .json(&article)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    error_of(StatusCode::UNAUTHORIZED, &res.json().await.unwrap());
    for wrong in ["wrong-token", "right-toke", "right-token-and-more", ""] {
        let res = c
            .post(server.url("/api/articles"))
            .header("Authorization", format!("Bearer {wrong}"))
            .json(&article)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{wrong:?}");
    }
    let (_, _, none) = get(&c, server.url("/api/articles/tok-1")).await;
    assert_eq!(
        none["error"]["status"], 404,
        "nothing went in without the token"
    );

    let res = c
        .post(server.url("/api/articles"))
        .bearer_auth("right-token")
        .json(&article)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(report["errors"], json!([]));
    let (status, _, stored) = get(&c, server.url("/api/articles/tok-1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored["title"], "Token test");
    assert!(stored["story"].as_i64().is_some(), "it joined a story");
    let (_, _, hits) = get(&c, server.url("/api/search?q=bridge%20mayor")).await;
    assert_eq!(hits[0]["ref"], "tok-1");

    // The same article again: nothing new, 200.
    let res = c
        .post(server.url("/api/articles"))
        .bearer_auth("right-token")
        .json(&article)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let again: Value = res.json().await.unwrap();
    assert_eq!(
        (again["added"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_clear_errors() {
    let server = Server::start(|c| {
        c.token = Some("t".into());
        c.max_body = 64 << 10;
        c.write_burst = 1000;
    })
    .await;
    let c = client();
    let post = |body: Vec<u8>, ct: Option<&str>| {
        let mut req = c
            .post(server.url("/api/articles"))
            .bearer_auth("t")
            .body(body);
        if let Some(ct) = ct {
            req = req.header("Content-Type", ct);
        }
        req.send()
    };

    // Too large: 413, as JSON, with or without a Content-Length.
    let huge = vec![b'x'; 200 << 10];
    let res = post(huge.clone(), Some("application/json")).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    error_of(StatusCode::PAYLOAD_TOO_LARGE, &res.json().await.unwrap());
    // Chunked, so no Content-Length warns the server: the limit still holds.
    let chunk = " ".repeat(8 << 10);
    let mut raw = String::from(
        "POST /api/articles HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\
         Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    );
    for _ in 0..50 {
        raw.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    raw.push_str("0\r\n\r\n");
    let (status, text) = raw_request(server.addr, &raw).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("\"error\""), "{text}");

    // Not JSON at all: 400 naming the line and column.
    let res = post(
        b"{\"title\": \"x\",\n \"text\": oops}".to_vec(),
        Some("application/json"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    let msg = error_of(StatusCode::BAD_REQUEST, &body)["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("line 2"), "{msg}");

    // JSON Lines with one broken line: the rest goes in, the line is named.
    let mut lines = synthetic_articles("bad", 3);
    lines.truncate(3);
    let body = format!("{}\n{{\"title\": broken\n{}\n", lines[0], lines[1]);
    let res = post(body.into_bytes(), Some("application/x-ndjson"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(report["errors"][0]["line"], 2, "{report}");
    assert_eq!(report["errors"][0]["source"], "body");

    // Every line broken: 400 naming the line.
    let res = post(b"\n{nope\n".to_vec(), Some("application/x-ndjson"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    let e = error_of(StatusCode::BAD_REQUEST, &body);
    assert!(e["message"].as_str().unwrap().contains("line 2"), "{e}");
    assert_eq!(e["errors"][0]["line"], 2);

    // JSON, but not an article: 422, each record named.
    let res = post(
        serde_json::to_vec(&json!([{"title": "no text"}, {"text": 5}])).unwrap(),
        Some("application/json"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let e = error_of(StatusCode::UNPROCESSABLE_ENTITY, &body);
    assert_eq!(e["errors"][0]["record"], 1);
    assert_eq!(e["errors"][1]["record"], 2);
    let res = post(
        b"[1, {\"title\": \"x\"}]".to_vec(),
        Some("application/json"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let e = error_of(StatusCode::UNPROCESSABLE_ENTITY, &body);
    assert!(
        e["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("object"),
        "{e}"
    );
    let res = post(
        b"{\"text\": \"A\"}\n\xff\xfe\n".to_vec(),
        Some("application/x-ndjson"),
    )
    .await
    .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "a bad byte skips its line only"
    );
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["errors"][0]["line"], 2, "{report}");
    let res = post(b"\xff\xfe\n".to_vec(), Some("application/x-ndjson"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = post(b"\"just a string\"".to_vec(), Some("application/json"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Content types and empty bodies.
    let one = serde_json::to_vec(&lines[2]).unwrap();
    let res = post(one.clone(), Some("text/html")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    error_of(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &res.json().await.unwrap(),
    );
    let res = post(one.clone(), None).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for (empty, ct) in [
        ("", "application/x-ndjson"),
        ("  \n", "application/x-ndjson"),
        ("[]", "application/json"),
    ] {
        let res = post(empty.as_bytes().to_vec(), Some(ct)).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{empty:?}");
    }
    let res = post(one, Some("application/json; charset=utf-8"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // A method the route does not have: 405 as JSON, with Allow.
    let res = c.delete(server.url("/api/stories")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.headers().contains_key("allow"));
    error_of(StatusCode::METHOD_NOT_ALLOWED, &res.json().await.unwrap());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_traversal_finds_nothing() {
    let server = Server::start(|_| {}).await;
    for path in [
        "/static/../Cargo.toml",
        "/static/..%2F..%2FCargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/....//Cargo.toml",
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/articles/../../etc/passwd",
        "/articles/..%2F..%2Fetc%2Fpasswd",
        "/stories/..%2F..%2Fetc%2Fpasswd",
        "/../../etc/passwd",
    ] {
        let (status, text) = raw_request(
            server.addr,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert!(status == 404 || status == 400, "{path}: {status}\n{text}");
        assert!(
            !text.contains("[package]") && !text.contains("root:"),
            "{path}: {text}"
        );
        let json = path.contains("/api/") && !path.starts_with("/../");
        if json {
            assert!(text.contains("\"error\""), "{path}: {text}");
        }
    }
    // Invalid UTF-8 in a path parameter is a clear 400, not a crash.
    let (status, text) = raw_request(
        server.addr,
        "GET /api/articles/%FF%FE HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("\"error\""), "{text}");
    let (status, text) = raw_request(
        server.addr,
        "GET /static/style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert!(text.contains("text/css"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_html_renders_as_text() {
    let server = Server::start_empty(|c| c.token = Some("t".into())).await;
    let c = client();
    let title = "<script>alert('title')</script> & \"Breaking\"";
    let text = "<script>alert('text')</script> The council voted <b>7-2</b> on Tuesday to close the old bridge. <img src=x onerror=alert(1)> Residents said the bridge had been unsafe for years.";
    let articles = json!([
        {"id": "xss-1", "title": title, "text": text, "source": "<i>Wire</i>", "url": "javascript:alert(1)"},
        {"id": "xss-2", "title": "Council votes to close bridge", "text": "The council voted 7-2 on Tuesday to close the old bridge. Residents said the bridge had been unsafe for years. Repairs will start in May.", "source": "Daily"}
    ]);
    let res = c
        .post(server.url("/api/articles"))
        .bearer_auth("t")
        .json(&articles)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // JSON carries the fields verbatim: not escaped, not double-escaped.
    let (_, _, a) = get(&c, server.url("/api/articles/xss-1")).await;
    assert_eq!(a["title"], title);
    assert!(
        a["text"]
            .as_str()
            .unwrap()
            .contains("<script>alert('text')</script>")
    );
    assert_eq!(a["source"], "<i>Wire</i>");
    let id = a["id"].as_i64().unwrap();
    let story = a["story"].as_i64().unwrap();

    // Escaped, the payloads are harmless text; raw, they would be elements.
    let dangerous = ["<script", "<img", "<i>", "href=\"javascript:"];
    for page in [
        format!("/articles/{id}"),
        format!("/stories/{story}"),
        "/".to_string(),
        "/search?q=council".to_string(),
        "/search?q=%3Cscript%3Ealert(1)%3C/script%3E".to_string(),
    ] {
        let res = c.get(server.url(&page)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = res.text().await.unwrap();
        for d in dangerous {
            assert!(!html.contains(d), "{page} holds {d:?}:\n{html}");
        }
        if page.starts_with("/articles") {
            assert!(
                html.contains("&lt;script&gt;alert('text')&lt;/script&gt;"),
                "{html}"
            );
            assert!(html.contains(
                "&lt;script&gt;alert('title')&lt;/script&gt; &amp; &quot;Breaking&quot;"
            ));
            assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
            assert!(html.contains("&lt;i&gt;Wire&lt;/i&gt;"));
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_and_fail_as_html() {
    let server = Server::start(|_| {}).await;
    let c = client();
    let home = c.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("href=\"/stories/"));
    assert!(!html.contains("<script"), "no script at all");
    let next = c
        .get(server.url("/?offset=20&limit=20&min_articles=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), StatusCode::OK);
    for (path, status) in [
        ("/stories/999999", 404),
        ("/articles/nope", 404),
        ("/no/such/page", 404),
        ("/stories/abc", 400),
        ("/?limit=0", 400),
        ("/static/app.js", 404),
    ] {
        let res = c.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        let body = res.text().await.unwrap();
        assert!(body.contains(&status.to_string()), "{path}: {body}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_rate_limits_answer_in_json() {
    let server = Server::start(|c| {
        c.write_timeout = Duration::from_secs(1);
        c.token = Some("t".into());
        c.write_rate = 0.01;
        c.write_burst = 3;
    })
    .await;
    let c = client();
    // A client that announces a body and never sends it all is cut off.
    let started = Instant::now();
    let (status, text) = common::stalled_request(
        server.addr,
        "POST /api/articles HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"title\":",
    )
    .await;
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("\"error\""), "{text}");
    assert!(started.elapsed() < Duration::from_secs(10));

    let art = |i: usize| json!({"title": format!("Rate {i}"), "text": format!("Rate limited article number {i} about a harbour strike.")});
    for i in 0..2 {
        let res = c
            .post(server.url("/api/articles"))
            .bearer_auth("t")
            .json(&art(i))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "write {i} is within the burst"
        );
    }
    let res = c
        .post(server.url("/api/articles"))
        .bearer_auth("t")
        .json(&art(3))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&res) >= 1);
    error_of(StatusCode::TOO_MANY_REQUESTS, &res.json().await.unwrap());
    server.stop().await;
}

/// Reads go on while a long ingest writes, and never see part of a batch:
/// the article count moves from one committed batch to the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_are_served_during_an_ingest() {
    let server = Server::start(|c| c.token = Some("t".into())).await;
    let c = client();
    let (_, _, stats) = get(&c, server.url("/api/stats")).await;
    let before = stats["articles"].as_u64().unwrap();
    let articles = synthetic_articles("wal", 700);
    let body = jsonl(&articles);
    let url = server.url("/api/articles");
    let writer = tokio::spawn({
        let c = c.clone();
        async move {
            c.post(url)
                .bearer_auth("t")
                .header("Content-Type", "application/x-ndjson")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    });
    let mut seen = BTreeSet::new();
    let mut reads = 0;
    let mut slowest = Duration::ZERO;
    while !writer.is_finished() {
        let t = Instant::now();
        let (status, _, stats) = get(&c, server.url("/api/stats")).await;
        assert_eq!(status, StatusCode::OK);
        seen.insert(stats["articles"].as_u64().unwrap());
        let (status, _, story) = get(&c, server.url("/api/stories?limit=1")).await;
        assert_eq!(status, StatusCode::OK);
        if let Some(id) = story[0]["id"].as_i64() {
            let (status, _, full) = get(&c, server.url(&format!("/api/stories/{id}"))).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                full["articles"].as_array().unwrap().len() as u64,
                full["article_count"].as_u64().unwrap(),
                "a story's article list matches its count"
            );
        }
        slowest = slowest.max(t.elapsed());
        reads += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let res = writer.await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["added"], 700, "{report}");
    let (_, _, stats) = get(&c, server.url("/api/stats")).await;
    assert_eq!(stats["articles"].as_u64().unwrap(), before + 700);
    assert!(reads >= 3, "reads ran during the ingest ({reads})");
    // Batches are 512 articles: any other count would be a torn batch.
    for n in &seen {
        assert!(
            [before, before + 512, before + 700].contains(n),
            "a reader saw {n} articles ({before} before): {seen:?}"
        );
    }
    assert!(
        slowest < Duration::from_secs(5),
        "reads waited for the writer: {slowest:?}"
    );
    for i in [0, 511, 512, 699] {
        let (status, _, a) = get(&c, server.url(&format!("/api/articles/wal-{i}"))).await;
        assert_eq!(status, StatusCode::OK, "wal-{i}");
        let text = a["text"].as_str().unwrap();
        for s in a["sentences"].as_array().unwrap() {
            assert!(text.contains(s["text"].as_str().unwrap()));
        }
    }
    server.stop().await;
}

/// `GET /api/sources` answers as `sources list --json`, and the Sources
/// page shows each source's health, escaping what a feed or a person named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_in_json_and_on_a_page() {
    let server = Server::start_empty(|_| {}).await;
    let c = client();
    let (status, _, none) = get(&c, server.url("/api/sources")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!([]));
    {
        let mut store = storyline::store::Store::open(&server.db).unwrap();
        let now = "2026-01-01T00:00:00.000Z";
        let (id, _) = store
            .add_source(
                "https://wire.example/rss",
                Some("<script>alert(1)</script>"),
                600,
                now,
            )
            .unwrap();
        store
            .add_source("https://daily.example/", None, 3600, now)
            .unwrap();
        let batch = store.begin().unwrap();
        batch
            .record_source_fetch(
                id,
                now,
                Some(503),
                storyline::store::sources::SourceFetch::Failed {
                    error: "HTTP 503: the host asks to wait 120s",
                },
                now,
            )
            .unwrap();
        batch.commit().unwrap();
    }
    let (_, _, list) = get(&c, server.url("/api/sources")).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["health"], "failing");
    assert_eq!(list[0]["last_status"], 503);
    assert_eq!(list[0]["every"], "10m");
    assert_eq!(list[1]["health"], "new");
    let page = c.get(server.url("/sources")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("https://daily.example/"));
    assert!(html.contains("the host asks to wait 120s"));
    assert!(html.contains("&lt;script&gt;"), "the name is escaped");
    assert!(!html.contains("<script>alert"));
    server.stop().await;
}

/// While another process holds the database for writing (a CLI `ingest`
/// beside the server), a write gets 503 with `Retry-After` once SQLite's busy
/// timeout runs out, reads go on, and the same write succeeds after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_while_another_process_writes_is_busy() {
    let server = Server::start(|c| c.token = Some("t".into())).await;
    let c = client();
    let article = json!({"title": "Busy harbour", "text": "Dock workers in the harbour went on strike on Monday over pay."});
    let mut other = storyline::store::Store::open(&server.db).unwrap();
    let held = other.begin().unwrap();
    let res = c
        .post(server.url("/api/articles"))
        .bearer_auth("t")
        .json(&article)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(retry_after(&res) >= 1);
    let body: Value = res.json().await.unwrap();
    error_of(StatusCode::SERVICE_UNAVAILABLE, &body);
    let (status, _, _) = get(&c, server.url("/api/stats")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "reads go on beside the other writer"
    );
    drop(held);
    drop(other);
    let res = c
        .post(server.url("/api/articles"))
        .bearer_auth("t")
        .json(&article)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    server.stop().await;
}
