//! Hostile requests (issue 13): one request must never take the server
//! down, nor lock other clients out. Loopback only; every loop is bounded.

mod common;

use std::time::{Duration, Instant};

use common::Server;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

fn nested(n: usize) -> String {
    format!(
        "<!doctype html><html><head><title>Nested</title></head><body>{}<p>Body text with several words. A second sentence.</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    )
}

async fn stats_ok(server: &Server) -> bool {
    client()
        .get(server.url("/api/stats"))
        .send()
        .await
        .is_ok_and(|r| r.status() == StatusCode::OK)
}

/// Case 1: the authenticated POST of 30,000 (and 80,000) nested divs that
/// overflowed a worker's stack is one record's error, and the server
/// answers the next request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deeply_nested_post_does_not_take_the_server_down() {
    let server = Server::start_empty(|c| c.token = Some("t".into())).await;
    for n in [30_000, 80_000] {
        let body = json!({"id": "n", "url": "https://nest.example/1", "html": nested(n)});
        let res = client()
            .post(server.url("/api/articles"))
            .bearer_auth("t")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{n}");
        let v: Value = res.json().await.unwrap();
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("no main text"), "{message}");
        assert!(stats_ok(&server).await, "the server answers after {n} divs");
    }
    server.stop().await;
}

/// Case 2: a write that times out stops its work and frees the writer: a
/// small write right after it goes in, instead of waiting for the big one
/// to finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_write_stops_and_frees_the_writer() {
    let server = Server::start_empty(|c| {
        c.token = Some("t".into());
        c.write_timeout = Duration::from_secs(1);
    })
    .await;
    let big = common::jsonl(&common::synthetic_articles("big", 3_000));
    let res = client()
        .post(server.url("/api/articles"))
        .bearer_auth("t")
        .header("content-type", "application/x-ndjson")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    let started = Instant::now();
    let small = json!({"id": "small", "title": "Small", "text": "A small article about the harbour strike, posted right after a big one."});
    let mut last = StatusCode::OK;
    while started.elapsed() < Duration::from_secs(30) {
        let res = client()
            .post(server.url("/api/articles"))
            .bearer_auth("t")
            .json(&small)
            .send()
            .await
            .unwrap();
        last = res.status();
        if last == StatusCode::CREATED {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(last, StatusCode::CREATED, "the writer is still held");
    // Whole batches only: what the big write committed before it stopped.
    let stats: Value = client()
        .get(server.url("/api/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stats["articles"].as_u64().unwrap() - 1) % 512,
        0,
        "{stats}"
    );
    server.stop().await;
}

/// Case 6: clients that never finish their headers are closed after the
/// header timeout, and while they hold every connection a new client is
/// still served (the longest waiting is closed to make room).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_cannot_lock_others_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = Server::start_empty(|c| {
        c.connections.max_connections = 40;
        c.connections.header_timeout = Duration::from_secs(2);
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..120 {
        let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    let started = Instant::now();
    let res = client().get(server.url("/api/stats")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(2));
    // The last slow clients still held are answered 408 (in JSON, with
    // the security headers) once their time is up, and closed.
    let last = slow.last_mut().unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), last.read_to_end(&mut answer))
        .await
        .expect("closed within the header timeout")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("x-content-type-options: nosniff"),
        "{answer}"
    );
    assert!(answer.contains("\"error\""), "{answer}");
    server.stop().await;
}

/// Case 10: what the HTTP layer itself refuses (a target too long, headers
/// too large, a request that is not HTTP) is answered in the API's JSON
/// error shape with the security headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_layer_errors_are_json_with_security_headers() {
    let server = Server::start_empty(|_| {}).await;
    let long = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(20_000)
    );
    let huge = format!(
        "GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(100_000)
    );
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /api/stats HTTP/1.1\r\nHost: x\r\n{many}\r\n");
    for (request, status) in [
        (long.as_str(), 414),
        (huge.as_str(), 431),
        (many.as_str(), 431),
        ("NOT HTTP AT ALL\r\n\r\n", 400),
        ("GET /api/stats HTTP/1.1\r\nBad Header: x\r\n\r\n", 400),
        (
            "GET /api/stats HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            400,
        ),
    ] {
        let (got, text) = common::raw_request(server.addr, request).await;
        assert_eq!(got, status, "{text}");
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let head = head.to_ascii_lowercase();
        assert!(
            head.contains("content-security-policy: default-src 'none'"),
            "{head}"
        );
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["status"], status);
        assert!(v["error"]["message"].as_str().unwrap().len() > 10);
    }
    // A normal request on a keep-alive connection after a chunked body.
    let (got, text) = common::raw_request(
        server.addr,
        "POST /api/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(got, 403, "{text}");
    assert!(text.contains("HTTP/1.1 200 OK"), "{text}");
    assert!(stats_ok(&server).await);
    server.stop().await;
}

/// Case 8: writes without the token (or with a wrong one) have their own,
/// stricter allowance per address: they never use up the token holder's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_writes_do_not_use_up_the_token_holders_allowance() {
    let server = Server::start_empty(|c| {
        c.token = Some("t".into());
        c.write_rate = 0.001;
        c.write_burst = 2;
        c.unauthenticated_rate = 0.001;
        c.unauthenticated_burst = 3;
    })
    .await;
    let art = json!({"id": "r", "title": "Rate", "text": "An article posted by the token holder after many refused writes."});
    let mut statuses = Vec::new();
    for i in 0..20 {
        let mut req = client().post(server.url("/api/articles")).json(&art);
        if i % 2 == 1 {
            req = req.bearer_auth("wrong");
        }
        statuses.push(req.send().await.unwrap().status().as_u16());
    }
    assert_eq!(&statuses[..3], &[401, 401, 401]);
    assert!(statuses[3..].iter().all(|&s| s == 429), "{statuses:?}");
    let res = client()
        .post(server.url("/api/articles"))
        .bearer_auth("t")
        .json(&art)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    server.stop().await;
}

/// Case 10: paging and time windows at their extremes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_and_windows_hold_at_the_extremes() {
    let server = Server::start(|_| {}).await;
    let get = |path: &str| {
        let url = server.url(path);
        async move {
            let res = client().get(url).send().await.unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }
    };
    let (status, v) = get("/api/articles?offset=9223372036854775807").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v, json!([]));
    let (status, v) = get("/api/stories?offset=9223372036854775807").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, v) = get("/api/articles?offset=9223372036854775808").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("9223372036854775807")
    );
    let (_, all) = get("/api/stories?limit=500&until=9999-12-31").await;
    let (status, late) = get("/api/stories?limit=500&until=9999-12-31T23:59:59-23:59").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!all.as_array().unwrap().is_empty());
    assert_eq!(all, late);
    let (status, v) = get("/api/stories?since=2018-01-01&until=2017-01-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(v["error"]["message"].as_str().unwrap().contains("after"));
    server.stop().await;
}

/// Case 9: a read-only database is served: reads answer, writes get 403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_is_served() {
    let server = Server::start(|c| {
        c.read_only = true;
        c.token = Some("t".into());
    })
    .await;
    let res = client()
        .get(server.url("/api/stories?limit=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = client()
        .post(server.url("/api/articles"))
        .bearer_auth("t")
        .json(&json!({"text": "An article for a read-only server, which refuses it."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let v: Value = res.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    server.stop().await;
}
