//! The web pages in a real browser: headless Chromium driven through
//! chromedriver. CI sets STORYLINE_BROWSER_TESTS=1 and installs the Debian
//! packages `chromium` and `chromium-driver`; there the test runs, and a
//! missing driver fails it. Elsewhere it is ignored (see `build.rs`): run it
//! with `STORYLINE_BROWSER_TESTS=1 cargo test -p storyline-server --test
//! browser`, or `cargo test ... -- --ignored`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Server;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// chromedriver, killed when the test ends however it ends.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// Starts chromedriver; a missing one fails the test, which is only run
/// where it should be installed.
fn driver() -> Driver {
    let path = std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| find_on_path("chromedriver"))
        .expect(
            "chromedriver is not installed (apt-get install -y chromium chromium-driver, \
             or set CHROMEDRIVER)",
        );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
    let driver = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

async fn browser(driver: &Driver) -> Client {
    let mut options = json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-dev-shm-usage",
            "--window-size=1280,900", "--hide-scrollbars"
        ]
    });
    if Path::new("/usr/bin/chromium").exists() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    let caps = json!({ "browserName": "chrome", "goog:chromeOptions": options });
    let caps = caps.as_object().cloned().expect("an object");
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a browser session")
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot dir");
    dir
}

/// Sets the page's viewport (not the window) to `width` x `height`.
async fn viewport(c: &Client, width: u32, height: u32) {
    c.set_window_size(width, height).await.expect("resize");
    // The window's frame takes some room: grow it by what is missing.
    let inner = c
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .expect("the viewport size");
    let (w, h) = (
        inner[0].as_u64().unwrap_or(0),
        inner[1].as_u64().unwrap_or(0),
    );
    if (w, h) != (u64::from(width), u64::from(height)) {
        let dw = i64::from(width) - w as i64;
        let dh = i64::from(height) - h as i64;
        c.set_window_size(
            (i64::from(width) + dw).max(1) as u32,
            (i64::from(height) + dh).max(1) as u32,
        )
        .await
        .expect("resize");
    }
}

/// Waits until the browser is at a path starting with `prefix`.
async fn wait_for_path(c: &Client, prefix: &str) -> url::Url {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = c.current_url().await.expect("the current address");
        if url.path().starts_with(prefix) {
            return url;
        }
        assert!(Instant::now() < deadline, "never got to {prefix}: at {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs chromium and chromedriver: set STORYLINE_BROWSER_TESTS=1 (CI does)"
)]
async fn browse_stories_in_chromium() {
    let driver = driver();
    let server = Server::start(|_| {}).await;
    let http = reqwest::Client::new();
    let c = browser(&driver).await;
    let result = run(&c, &server, &http).await;
    let _ = c.close().await;
    server.stop().await;
    result.expect("the browser session");
}

async fn run(
    c: &Client,
    server: &Server,
    http: &reqwest::Client,
) -> Result<(), fantoccini::error::CmdError> {
    viewport(c, 1280, 900).await;
    // The list, newest first; follow the first story with a few articles.
    c.goto(&server.url("/")).await?;
    assert!(c.title().await?.starts_with("Stories"));
    let items = c.find_all(Locator::Css("li.story")).await?;
    assert!(items.len() >= 10, "the list shows stories");
    let mut chosen = None;
    for item in &items {
        let n: u64 = item
            .attr("data-articles")
            .await?
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        if n >= 3 {
            chosen = Some(item.find(Locator::Css("a.title")).await?);
            break;
        }
    }
    let link = chosen.expect("a story of three or more articles on the first page");
    let listed_title = link.text().await?;
    link.click().await?;
    let story_url = wait_for_path(c, "/stories/").await;
    let story_id: i64 = story_url
        .path()
        .strip_prefix("/stories/")
        .and_then(|s| s.parse().ok())
        .expect("a story page");
    assert_eq!(
        squash(&c.find(Locator::Css("h1")).await?.text().await?),
        squash(&listed_title)
    );

    // What the API says the story is.
    let story: Value = http
        .get(server.url(&format!("/api/stories/{story_id}")))
        .send()
        .await
        .expect("the API answers")
        .json()
        .await
        .expect("JSON");
    let members: BTreeSet<i64> = story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    let cited: Vec<(i64, u64, String)> = story["summary"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["citations"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["article"].as_i64().unwrap(),
                c["sentence"].as_u64().unwrap(),
                c["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!cited.is_empty(), "the story's summary cites its sources");

    // Every citation marker shows its source's sentence on hover (title)
    // and, in the list under the sentence, on a tap.
    let markers = c.find_all(Locator::Css("ol.summary a.cite")).await?;
    assert_eq!(markers.len(), cited.len());
    let mut targets = Vec::new();
    for (m, (article, sentence, text)) in markers.iter().zip(&cited) {
        let href = m.attr("href").await?.unwrap_or_default();
        assert_eq!(href, format!("/articles/{article}#s{sentence}"));
        let title = m.attr("title").await?.unwrap_or_default();
        assert!(title.contains(text.as_str()), "{title:?} shows {text:?}");
        targets.push((href, *article, text.clone()));
    }
    // Where sources word a sentence differently (or several carry it), a
    // tap opens their wordings. Check it on the story with the most cited
    // sentence, which the API names.
    let stories: Value = http
        .get(server.url("/api/stories?min_articles=3&limit=100"))
        .send()
        .await
        .expect("the API answers")
        .json()
        .await
        .expect("JSON");
    let mut widest = (0, 0);
    for s in stories.as_array().unwrap() {
        let id = s["id"].as_i64().unwrap();
        let full: Value = http
            .get(server.url(&format!("/api/stories/{id}")))
            .send()
            .await
            .expect("the API answers")
            .json()
            .await
            .expect("JSON");
        for sent in full["summary"].as_array().unwrap() {
            let n = sent["citations"].as_array().unwrap().len();
            if n > widest.1 {
                widest = (id, n);
            }
        }
    }
    assert!(widest.1 >= 2, "some summary sentence has several sources");
    c.goto(&server.url(&format!("/stories/{}", widest.0)))
        .await?;
    let mut opened = false;
    for details in c
        .find_all(Locator::Css("ol.summary details.variants"))
        .await?
    {
        let variants = details.find_all(Locator::Css("ul li q")).await?;
        if variants.len() != widest.1 {
            continue;
        }
        assert!(!variants[0].is_displayed().await?, "closed at first");
        details.find(Locator::Css("summary")).await?.click().await?;
        for v in &variants {
            assert!(v.is_displayed().await?, "a tap opens the sources' wordings");
            assert!(!v.text().await?.is_empty());
        }
        opened = true;
        break;
    }
    assert!(opened, "the sentence with {} sources lists them", widest.1);
    std::fs::write(
        screenshots_dir().join("story-variants-desktop.png"),
        c.screenshot().await?,
    )
    .expect("saved");

    // Quotes by speaker and entities by kind, as the API has them.
    let full: Value = http
        .get(server.url(&format!("/api/stories/{}", widest.0)))
        .send()
        .await
        .expect("the API answers")
        .json()
        .await
        .expect("JSON");
    let quotes = full["quotes"].as_array().unwrap();
    let blocks = c.find_all(Locator::Css("#quotes blockquote")).await?;
    assert_eq!(blocks.len(), quotes.len(), "every quote is shown");
    let speakers: BTreeSet<String> = quotes
        .iter()
        .map(|q| {
            q["speaker_resolved"]
                .as_str()
                .or(q["speaker"].as_str())
                .unwrap_or("Unattributed")
                .to_string()
        })
        .collect();
    let mut shown = BTreeSet::new();
    for h in c.find_all(Locator::Css("#quotes .speaker h3")).await? {
        shown.insert(h.text().await?);
    }
    assert_eq!(shown, speakers, "one heading per speaker");
    let names: BTreeSet<String> = full["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| squash(e["name"].as_str().unwrap()))
        .collect();
    let mut listed = BTreeSet::new();
    for n in c
        .find_all(Locator::Css("#entities ul.entities strong"))
        .await?
    {
        listed.insert(squash(&n.text().await?));
    }
    assert_eq!(listed, names, "every entity is listed");
    if !quotes.is_empty() {
        c.execute(
            "document.getElementById('quotes').scrollIntoView();",
            vec![],
        )
        .await?;
        std::fs::write(
            screenshots_dir().join("story-quotes-desktop.png"),
            c.screenshot().await?,
        )
        .expect("saved");
    }

    // Screenshots of the story page, desktop and phone.
    let dir = screenshots_dir();
    viewport(c, 1280, 900).await;
    c.goto(story_url.as_str()).await?;
    std::fs::write(dir.join("story-desktop.png"), c.screenshot().await?).expect("saved");
    viewport(c, 390, 844).await;
    c.goto(story_url.as_str()).await?;
    let widths = c
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth];",
            vec![],
        )
        .await?;
    assert_eq!(widths[0], 390, "the phone viewport");
    assert!(
        widths[1].as_u64() <= widths[0].as_u64(),
        "nothing overflows sideways on a phone: {widths}"
    );
    std::fs::write(dir.join("story-phone.png"), c.screenshot().await?).expect("saved");
    viewport(c, 1280, 900).await;

    // Follow the first citation by clicking it, the rest by address: each
    // lands on an article of this story whose sentence is the cited one,
    // highlighted as the target.
    let first = c.find(Locator::Css("ol.summary a.cite")).await?;
    first.click().await?;
    wait_for_path(c, "/articles/").await;
    for (i, (href, article, text)) in targets.iter().enumerate() {
        if i > 0 {
            c.goto(&server.url(href)).await?;
        }
        let url = c.current_url().await?;
        assert_eq!(url.path(), format!("/articles/{article}"));
        assert!(
            members.contains(article),
            "cited article {article} is in the story"
        );
        let fragment = url.fragment().unwrap_or_default().to_string();
        let target = c.find(Locator::Id(&fragment)).await?;
        assert_eq!(squash(&target.text().await?), squash(text));
        let matched = c
            .execute(
                "return document.querySelector(':target') === arguments[0];",
                vec![serde_json::to_value(&target).expect("an element reference")],
            )
            .await?;
        assert_eq!(
            matched,
            json!(true),
            "the cited sentence is the page's target"
        );
        c.find(Locator::Css(&format!("a[href='/stories/{story_id}']")))
            .await?;
    }
    std::fs::write(dir.join("article-desktop.png"), c.screenshot().await?).expect("saved");

    // From the story to its thread: the link on the story page leads to
    // the thread's page, whose timeline entries each cite the articles
    // carrying their sentence, as the API says, and each cited sentence is
    // the one the article page shows under that number.
    c.goto(story_url.as_str()).await?;
    c.find(Locator::Css("p.meta a.thread"))
        .await?
        .click()
        .await?;
    let thread_url = wait_for_path(c, "/threads/").await;
    let thread_id: i64 = thread_url
        .path()
        .strip_prefix("/threads/")
        .and_then(|s| s.parse().ok())
        .expect("a thread page");
    assert_eq!(story["thread"].as_i64(), Some(thread_id));
    let thread: Value = http
        .get(server.url(&format!("/api/threads/{thread_id}")))
        .send()
        .await
        .expect("the API answers")
        .json()
        .await
        .expect("JSON");
    let in_thread: BTreeSet<i64> = thread["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert!(
        members.is_subset(&in_thread),
        "the story's articles are the thread's"
    );
    let entries = thread["timeline"].as_array().unwrap();
    assert!(!entries.is_empty(), "the thread has a timeline");
    let shown = c.find_all(Locator::Css("ol.timeline li.entry")).await?;
    assert_eq!(shown.len(), entries.len());
    let markers = c.find_all(Locator::Css("ol.timeline a.cite")).await?;
    let cited: Vec<&Value> = entries
        .iter()
        .flat_map(|e| e["citations"].as_array().unwrap().iter())
        .collect();
    assert_eq!(markers.len(), cited.len());
    for (m, cite) in markers.iter().zip(&cited) {
        let (article, sentence) = (
            cite["article"].as_i64().unwrap(),
            cite["sentence"].as_u64().unwrap(),
        );
        assert!(
            in_thread.contains(&article),
            "cited article {article} is in the thread"
        );
        let href = m.attr("href").await?.unwrap_or_default();
        assert_eq!(href, format!("/articles/{article}#s{sentence}"));
        let title = m.attr("title").await?.unwrap_or_default();
        assert!(title.contains(cite["text"].as_str().unwrap()), "{title:?}");
    }
    let first = &cited[0];
    c.goto(&server.url(&format!(
        "/articles/{}#s{}",
        first["article"], first["sentence"]
    )))
    .await?;
    let target = c
        .find(Locator::Id(&format!("s{}", first["sentence"])))
        .await?;
    assert_eq!(
        squash(&target.text().await?),
        squash(first["text"].as_str().unwrap())
    );
    c.goto(thread_url.as_str()).await?;
    std::fs::write(dir.join("thread-desktop.png"), c.screenshot().await?).expect("saved");

    // The search box.
    c.goto(&server.url("/")).await?;
    let input = c.find(Locator::Css("form.search input[name=q]")).await?;
    input.send_keys("Tara Reid rehab").await?;
    c.find(Locator::Css("form.search button"))
        .await?
        .click()
        .await?;
    wait_for_path(c, "/search").await;
    let hits = c.find_all(Locator::Css("ol.hits > li")).await?;
    assert!(!hits.is_empty(), "the search finds articles");
    let marks = c.find_all(Locator::Css("ol.hits mark")).await?;
    assert!(!marks.is_empty(), "matches are marked");
    let value = c
        .find(Locator::Css("form.search input[name=q]"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        value.as_deref(),
        Some("Tara Reid rehab"),
        "the box keeps the query"
    );
    hits[0].find(Locator::Css("a.title")).await?.click().await?;
    wait_for_path(c, "/articles/").await;
    viewport(c, 390, 844).await;
    c.goto(&server.url("/search?q=Tara%20Reid%20rehab")).await?;
    std::fs::write(dir.join("search-phone.png"), c.screenshot().await?).expect("saved");
    c.goto(&server.url("/")).await?;
    std::fs::write(dir.join("list-phone.png"), c.screenshot().await?).expect("saved");

    // The seeds (their sources are not in the store): each spun phrase is
    // marked in the text with its usual form on hover, and each seam where
    // one stitched source seems to give way to another is marked.
    viewport(c, 1280, 900).await;
    for headline in [
        "No positive shift yet on Russia-US ties",
        "United States and Russian Federation struggle to overcome rifts in Moscow",
    ] {
        let hits: Value = http
            .get(server.url(&format!("/api/search?q=\"{headline}\"&limit=1")))
            .send()
            .await
            .expect("the API answers")
            .json()
            .await
            .expect("JSON");
        let id = hits[0]["id"].as_i64().expect("the seed is found");
        let copies: Value = http
            .get(server.url(&format!("/api/articles/{id}/copies")))
            .send()
            .await
            .expect("the API answers")
            .json()
            .await
            .expect("JSON");
        c.goto(&server.url(&format!("/articles/{id}"))).await?;
        let marks = c.find_all(Locator::Css("div.text mark.spun")).await?;
        assert!(!marks.is_empty(), "{headline}: spun phrases are marked");
        let mut usual = 0;
        for m in &marks {
            let hover = m.attr("title").await?.unwrap_or_default();
            assert!(!hover.is_empty(), "each mark says why on hover");
            usual += usize::from(hover.starts_with("usually: "));
        }
        assert!(usual > 0, "{headline}: some mark shows the usual form");
        let seams = c.find_all(Locator::Css("div.text .seam")).await?;
        let listed = copies["stitch"]["seams"].as_array().map_or(0, Vec::len);
        assert!(listed > 0, "{headline}: the verdict lists seams: {copies}");
        assert_eq!(seams.len(), listed, "{headline}: every seam is marked");
        std::fs::write(
            dir.join(format!("seed-{id}-desktop.png")),
            c.screenshot().await?,
        )
        .expect("saved");
    }
    eprintln!("screenshots in {}", dir.display());
    Ok(())
}
