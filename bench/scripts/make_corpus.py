#!/usr/bin/env python3
"""Generate Storyline's bundled example corpus under corpus/.

Run from the repository root:

    python3 bench/scripts/make_corpus.py            # (re)generate corpus/ and check it
    python3 bench/scripts/make_corpus.py --check    # only check an existing corpus/

Inputs (read-only, shared data):
  /work/shared/seeds/*.txt                       project seed articles
  /work/shared/data/ecbplus/articles.jsonl       ECB+ (CC BY 3.0), 982 articles, 86 gold stories
  /work/shared/data/extraction/html/*.html.gz    scrapinghub article-extraction-benchmark (MIT)
  /work/shared/data/extraction/truth.jsonl

Python 3 standard library only. The output is deterministic: the same inputs give
byte-identical files (gzip members are written with mtime=0, ids come from uuid5/sha1).
Only ECB+ and the extraction benchmark are used. DUC, Multi-News, PolNeAR and MSRP have
research-only terms and must never be copied into corpus/.
"""

import argparse
import base64
import datetime as dt
import email.utils
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import sys
import uuid
import xml.dom.minidom
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from shared import shared  # noqa: E402  (one place says where the data are)

SHARED = str(shared())
ECB_PATH = os.path.join(SHARED, "data/ecbplus/articles.jsonl")
EXTRACT_DIR = os.path.join(SHARED, "data/extraction")
SEEDS_DIR = os.path.join(SHARED, "seeds")
OUT = "corpus"

# ---------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------

# 25 whole gold stories over 16 topics. Nine topics contribute both of their seminal
# events ("<n>ecb" and "<n>ecbplus"): telling those apart is the hard part of ECB+.
STORIES = [
    "1ecb", "1ecbplus",      # celebrity rehab (Tara Reid 2008 / Lindsay Lohan 2013)
    "4ecb", "4ecbplus",      # pin-up / actress obituaries (Bettie Page / Esther Williams)
    "7ecbplus",              # boxing: Klitschko v Thompson
    "9ecbplus",              # Obama overturns Endangered Species Act rule
    "12ecb", "12ecbplus",    # Indian navy v Somali pirates
    "14ecb", "14ecbplus",    # Waitrose store fires
    "18ecb",                 # Vancouver office killing, murder charge
    "19ecb", "19ecbplus",    # riots after police shootings (Greece / Brooklyn)
    "23ecbplus",             # climber dies in New Zealand
    "27ecb", "27ecbplus",    # Microsoft emergency IE patches
    "28ecb",                 # Mark Felt ("Deep Throat") dies
    "30ecb", "30ecbplus",    # undersea cable cuts
    "34ecbplus",             # Obama nominates surgeon general
    "37ecb", "37ecbplus",    # Indonesian earthquakes
    "39ecbplus",             # new Doctor Who actor
    "43ecb", "43ecbplus",    # chip-maker acquisitions (AMD)
]

# Format quotas are realised with a smooth weighted round robin over the article
# sequence (stories in order, articles in id order), so that each story's articles are
# spread over several formats and the totals stay close to these weights.
FORMAT_WEIGHTS = [("jsonl", 100), ("text", 50), ("html", 50), ("warc", 40), ("rss", 36), ("atom", 30)]
RSS_SUMMARY_ONLY_EVERY = 6   # every 6th RSS item carries only <description>
CP1252_PAGES = 4             # how many HTML pages are written in windows-1252

PAGES_WANTED = 30
PAGES_MAX_GZ = 80_000
PAGES_BUDGET = 1_000_000     # bytes of .html.gz in total (brief: < 1.5 MB)
# Hosts in the benchmark that are blogs, shops or how-to sites rather than news.
NOT_NEWS_HOSTS = {
    "blog.comwrap.com", "expapp.com", "ascom.com", "inexhibit.com", "blog.givewell.org",
    "jeongdongtheater.com", "vortexcannon.org", "my6sense.com", "morebikes.co.uk",
    "beachbodyondemand.com", "bigbrandsystem.com", "theantijunecleaver.com", "healthline.com",
    "practicalhorsemanmag.com", "digg.com", "9to5mac.com", "bgr.com", "dealbreaker.com",
    "catchitkansas.com", "floridatoday.com", "oregonlive.com", "ign.com",
}

UNDATED_CAPTURE = dt.datetime(2014, 3, 15, 8, 0, 0, tzinfo=dt.timezone.utc)
FEED_UPDATED = dt.datetime(2014, 3, 15, 8, 0, 0, tzinfo=dt.timezone.utc)
UUID_NS = uuid.UUID("6f1c7a52-7a3e-4b43-9d7c-5b1f0c2d9e11")


def natural_key(article_id):
    m = re.match(r"(\d+)_(\d+)(\w+)$", article_id)
    return (int(m.group(1)), m.group(3), int(m.group(2))) if m else (10**9, article_id, 0)


def load_ecb():
    with open(ECB_PATH, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def slugify(text, limit=60):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s or "article"


def short_hash(s, n=6):
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:n]


def article_url(a):
    """Real host when ECB+ records one, else example.org; the path is always made up.
    The path holds a title slug and a hash of the id, never the id (it would leak the
    gold topic number)."""
    slug = slugify(a["title"]) + "-" + short_hash(a["id"])
    if a["source"]:
        host = a["source"]
        if a["date"]:
            y, m, d = a["date"].split("-")
            return f"https://{host}/{y}/{m}/{d}/{slug}"
        return f"https://{host}/news/{slug}"
    return f"https://example.org/news/{slug}"


def site_name(a):
    return a["source"] if a["source"] else "Example News"


def assign_formats(articles):
    current = {name: 0 for name, _ in FORMAT_WEIGHTS}
    total = sum(w for _, w in FORMAT_WEIGHTS)
    out = []
    for _ in articles:
        for name, w in FORMAT_WEIGHTS:
            current[name] += w
        best = max(FORMAT_WEIGHTS, key=lambda nw: current[nw[0]])[0]  # first max wins: stable
        current[best] -= total
        out.append(best)
    return out


# ---------------------------------------------------------------------------
# HTML rendering
# ---------------------------------------------------------------------------

NAV = ["Home", "World", "U.S.", "Politics", "Business", "Tech", "Science", "Sports",
       "Entertainment", "Opinion"]
COMMENTS = [
    ("R. Alvarez", "Thanks for the update. Will there be a follow-up on this?"),
    ("jmk1977", "I read about this elsewhere this morning and the numbers were different."),
    ("Priya N.", "Good reporting, clear and to the point."),
    ("Old Reader", "Why is this only being covered now?"),
    ("T. Okafor", "Sharing this with my family."),
    ("sam_w", "The comments section is the best part of this site, as always."),
    ("Helen B.", "Please fix the autoplay video on the mobile page."),
]
MOST_READ = ["Ten ways to save on your energy bill this winter",
             "Local bakery wins national bread award",
             "Weekend weather: sunshine and showers",
             "Traffic alert: bridge closed for repairs overnight",
             "Crossword answers for today"]


def esc(s):
    """Escape for attribute values."""
    return html.escape(s, quote=True)


def esc_text(s):
    """Escape for element text (quotes stay as they are, as most sites write them)."""
    return html.escape(s, quote=False)


def jsonld(a, url):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"][:110],
        "mainEntityOfPage": url,
        "url": url,
        "publisher": {"@type": "Organization", "name": site_name(a)},
    }
    if a["date"]:
        data["datePublished"] = a["date"]
    # "</" must not appear inside <script>
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def head(a, url, charset):
    parts = [
        f'<meta charset="{charset}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(a['title'])} | {esc(site_name(a))}</title>",
        f'<link rel="canonical" href="{esc(url)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(a["title"])}">',
        f'<meta property="og:url" content="{esc(url)}">',
        f'<meta property="og:site_name" content="{esc(site_name(a))}">',
        f'<meta name="description" content="{esc(a["text"].split(chr(10))[0][:200])}">',
    ]
    if a.get("author"):
        parts.append(f'<meta name="author" content="{esc(a["author"])}">')
    if a["date"]:
        parts.append(f'<meta property="article:published_time" content="{a["date"]}T00:00:00Z">')
    parts.append('<link rel="stylesheet" href="/static/site.css">')
    parts.append(f'<script type="application/ld+json">\n{jsonld(a, url)}\n</script>')
    parts.append('<script>window.dataLayer = window.dataLayer || []; '
                 'window.dataLayer.push({"pageType": "article"});</script>')
    return "\n".join(parts)


def paragraphs(a):
    return [p for p in a["text"].split("\n\n") if p.strip()]


def date_line(a):
    if not a["date"]:
        return ""
    d = dt.date.fromisoformat(a["date"])
    return f'<time datetime="{a["date"]}">{d.strftime("%B")} {d.day}, {d.year}</time>'


def related_list(related):
    return "\n".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for u, t in related)


def comments_block(a, tag="section"):
    k = int(hashlib.sha1(a["id"].encode()).hexdigest(), 16)
    n = 2 + k % 2
    items = []
    for i in range(n):
        name, text = COMMENTS[(k // 7 + i * 3) % len(COMMENTS)]
        items.append(f'<li class="comment"><span class="comment-author">{esc(name)}</span> '
                     f'<span class="comment-time">{(k >> (i * 4)) % 23 + 1} hours ago</span>'
                     f'<p>{esc(text)}</p></li>')
    return (f'<{tag} id="comments" class="comments"><h2>Comments ({n})</h2>\n'
            f'<ol class="comment-list">\n' + "\n".join(items) + "\n</ol>\n"
            f'<form class="comment-form"><textarea name="c" placeholder="Join the discussion"></textarea>'
            f'<button>Post comment</button></form></{tag}>')


def nav_list():
    return "\n".join(f'<li><a href="/{slugify(n) or "us"}/">{esc(n)}</a></li>' for n in NAV)


def footer(a):
    return (f'<footer class="site-footer"><ul class="footer-links"><li><a href="/about/">About us</a></li>'
            f'<li><a href="/contact/">Contact</a></li><li><a href="/privacy/">Privacy policy</a></li>'
            f'<li><a href="/terms/">Terms of use</a></li></ul>'
            f'<p>&copy; {esc(site_name(a))}. All rights reserved.</p></footer>')


def template_a(a, url, related, charset):
    body = "\n".join(f"<p>{esc_text(p)}</p>" for p in paragraphs(a))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{head(a, url, charset)}
</head>
<body class="article-page">
<nav class="top-nav" aria-label="Sections"><ul>
{nav_list()}
</ul></nav>
<header class="masthead"><a class="logo" href="/">{esc(site_name(a))}</a>
<form class="search" action="/search"><input type="search" name="q" placeholder="Search"></form></header>
<main>
<article>
<h1>{esc_text(a['title'])}</h1>
<div class="article-meta">{date_line(a)}</div>
{body}
</article>
<aside class="related"><h2>Related stories</h2><ul>
{related_list(related)}
</ul></aside>
{comments_block(a)}
</main>
{footer(a)}
</body>
</html>
"""


def template_b(a, url, related, charset):
    ps = paragraphs(a)
    chunks = []
    for i, p in enumerate(ps):
        chunks.append(f"<p>{esc_text(p)}</p>")
        if i == 1 and len(ps) > 3:
            chunks.append('<div class="ad-slot" data-ad="inline-1"><span>Advertisement</span></div>')
        if i == 3 and len(ps) > 5 and related:
            u, t = related[0]
            chunks.append(f'<div class="inline-promo">Read more: <a href="{esc(u)}">{esc(t)}</a></div>')
    body = "\n".join(chunks)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{head(a, url, charset)}
</head>
<body>
<div id="page">
<div class="top-menu"><ul class="menu">
{nav_list()}
</ul><a class="subscribe" href="/subscribe/">Subscribe</a></div>
<div class="site-header"><div class="site-title"><a href="/">{esc(site_name(a))}</a></div>
<div class="tagline">News, analysis and opinion</div></div>
<div class="content">
<article class="story">
<header><h1 class="headline">{esc_text(a['title'])}</h1>
<div class="meta">{date_line(a) or '<span class="updated">Updated recently</span>'}</div></header>
<div class="story-body">
{body}
</div>
</article>
<div class="related-stories"><h3>Related stories</h3><ul>
{related_list(related)}
</ul></div>
{comments_block(a, tag="div")}
</div>
{footer(a)}
</div>
</body>
</html>
"""


def template_c(a, url, related, charset):
    body = "\n".join(f"<p>{esc_text(p)}</p>" for p in paragraphs(a))
    most = "\n".join(f'<li><a href="/popular/{slugify(t)}">{esc(t)}</a></li>' for t in MOST_READ)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{head(a, url, charset)}
</head>
<body class="layout-c">
<header id="site-header"><div class="logo"><a href="/">{esc(site_name(a))}</a></div>
<nav class="main-menu"><ul>
{nav_list()}
</ul></nav>
<div class="breaking">Breaking: <a href="/live/">Follow our live coverage</a></div></header>
<div class="wrapper">
<main id="main">
<article itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">{esc_text(a['title'])}</h1>
<div class="byline-block">{date_line(a)}</div>
<div class="share-bar">Share: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a></div>
<div itemprop="articleBody">
{body}
</div>
</article>
<div class="newsletter"><h3>Get the morning briefing</h3><p>Sign up for our free newsletter
and get the day's top stories in your inbox.</p><form><input type="email" placeholder="Email address"><button>Sign up</button></form></div>
<section class="related"><h2>Related stories</h2><ul>
{related_list(related)}
</ul></section>
{comments_block(a)}
</main>
<aside class="most-read"><h3>Most read</h3><ol>
{most}
</ol></aside>
</div>
{footer(a)}
</body>
</html>
"""


TEMPLATES = [template_a, template_b, template_c]


def render_page(a, url, related, template_index, charset="utf-8"):
    return TEMPLATES[template_index % 3](a, url, related, charset)


# ---------------------------------------------------------------------------
# WARC
# ---------------------------------------------------------------------------

def warc_date(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def record_id(key):
    return f"<urn:uuid:{uuid.uuid5(UUID_NS, key)}>"


def warc_record(headers, block):
    """headers: list of (name, value) without Content-Length; returns bytes of one record."""
    lines = ["WARC/1.0"] + [f"{k}: {v}" for k, v in headers]
    lines.append(f"Content-Length: {len(block)}")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return head_bytes + block + b"\r\n\r\n"


def gz_member(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def build_warc(items):
    """items: list of dict(url, date(datetime), html(str), key)"""
    out = []
    info = ("software: storyline bench/scripts/make_corpus.py\r\n"
            "format: WARC File Format 1.0\r\n"
            "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/\r\n"
            "description: ECB+ articles (CC BY 3.0) rendered as synthetic news pages; "
            "see corpus/ATTRIBUTION.md\r\n"
            "isPartOf: storyline-example-corpus\r\n").encode("utf-8")
    out.append(gz_member(warc_record([
        ("WARC-Type", "warcinfo"),
        ("WARC-Date", warc_date(FEED_UPDATED)),
        ("WARC-Filename", "ecbplus.warc.gz"),
        ("WARC-Record-ID", record_id("warcinfo")),
        ("Content-Type", "application/warc-fields"),
    ], info)))
    # one non-article response (robots.txt, text/plain) that a reader must not ingest
    extra = [{"url": "https://example.org/robots.txt", "date": FEED_UPDATED,
              "body": b"User-agent: *\nDisallow: /search\n", "ctype": "text/plain", "key": "robots"}]
    all_items = extra + [{"url": it["url"], "date": it["date"], "body": it["html"].encode("utf-8"),
                          "ctype": "text/html; charset=utf-8", "key": it["key"]} for it in items]
    for it in all_items:
        url, when, body = it["url"], it["date"], it["body"]
        host = re.match(r"https?://([^/]+)", url).group(1)
        path = url[len("https://") + len(host):] or "/"
        req_id, resp_id = record_id("req:" + it["key"]), record_id("resp:" + it["key"])
        req = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
               "User-Agent: Mozilla/5.0 (compatible; storyline-corpus/1.0)\r\n"
               "Accept: text/html,application/xhtml+xml\r\nAccept-Encoding: identity\r\n"
               "Connection: close\r\n\r\n").encode("ascii")
        out.append(gz_member(warc_record([
            ("WARC-Type", "request"),
            ("WARC-Target-URI", url),
            ("WARC-Date", warc_date(when)),
            ("WARC-Record-ID", req_id),
            ("WARC-Concurrent-To", resp_id),
            ("Content-Type", "application/http; msgtype=request"),
            ("WARC-Block-Digest", sha1_b32(req)),
        ], req)))
        http_head = (f"HTTP/1.1 200 OK\r\n"
                     f"Date: {email.utils.format_datetime(when, usegmt=True)}\r\n"
                     f"Server: nginx\r\n"
                     f"Content-Type: {it['ctype']}\r\n"
                     f"Content-Length: {len(body)}\r\n"
                     f"Cache-Control: max-age=300\r\n"
                     f"Connection: close\r\n\r\n").encode("ascii")
        block = http_head + body
        out.append(gz_member(warc_record([
            ("WARC-Type", "response"),
            ("WARC-Target-URI", url),
            ("WARC-Date", warc_date(when)),
            ("WARC-Record-ID", resp_id),
            ("WARC-Concurrent-To", req_id),
            ("WARC-IP-Address", "192.0.2.%d" % (int(short_hash(host, 2), 16) % 250 + 1)),
            ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Payload-Digest", sha1_b32(body)),
            ("WARC-Block-Digest", sha1_b32(block)),
        ], block)))
    return b"".join(out)


def read_warc(path):
    """Small independent WARC reader used by --check. Returns a list of records
    (headers dict, block bytes) and verifies every record is its own gzip member and
    every Content-Length matches."""
    raw = open(path, "rb").read()
    records, pos, members = [], 0, 0
    while pos < len(raw):
        d = zlib.decompressobj(wbits=31)
        data = d.decompress(raw[pos:])
        if not d.eof:
            raise ValueError("truncated gzip member")
        consumed = len(raw) - pos - len(d.unused_data)
        pos += consumed
        members += 1
        hdr_end = data.index(b"\r\n\r\n")
        lines = data[:hdr_end].decode("utf-8").split("\r\n")
        if lines[0] != "WARC/1.0":
            raise ValueError(f"bad version line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        n = int(headers["content-length"])
        block = data[hdr_end + 4: hdr_end + 4 + n]
        if len(block) != n or data[hdr_end + 4 + n:] != b"\r\n\r\n":
            raise ValueError(f"Content-Length mismatch in {headers.get('warc-record-id')}: "
                             f"declared {n}, member holds {len(data) - hdr_end - 8}")
        if "warc-block-digest" in headers and headers["warc-block-digest"] != sha1_b32(block):
            raise ValueError("block digest mismatch")
        records.append((headers, block))
    return records, members


def http_split(block):
    i = block.index(b"\r\n\r\n")
    head_lines = block[:i].decode("ascii").split("\r\n")
    hh = {}
    for line in head_lines[1:]:
        k, v = line.split(":", 1)
        hh[k.strip().lower()] = v.strip()
    return head_lines[0], hh, block[i + 4:]


# ---------------------------------------------------------------------------
# Feeds
# ---------------------------------------------------------------------------

def xml_text(s):
    return html.escape(s, quote=False)


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def summary_of(a, limit=280):
    p = paragraphs(a)[0]
    if len(p) <= limit:
        return p
    return p[:limit].rsplit(" ", 1)[0] + " …"


def content_html(a):
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs(a))


def build_rss(items):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:atom="http://www.w3.org/2005/Atom">',
           "<channel>",
           "<title>ECB+ sample news (RSS)</title>",
           "<link>https://example.org/</link>",
           '<atom:link href="https://example.org/feeds/ecbplus-rss.xml" rel="self" type="application/rss+xml"/>',
           "<description>ECB+ corpus articles (CC BY 3.0) as an RSS 2.0 feed; see ATTRIBUTION.md</description>",
           "<language>en</language>",
           f"<lastBuildDate>{email.utils.format_datetime(FEED_UPDATED, usegmt=True)}</lastBuildDate>",
           "<generator>storyline make_corpus.py</generator>"]
    for it in items:
        a, url, full = it["article"], it["url"], it["full_text"]
        out.append("<item>")
        out.append(f"<title>{xml_text(a['title'])}</title>")
        out.append(f"<link>{xml_text(url)}</link>")
        out.append(f'<guid isPermaLink="true">{xml_text(url)}</guid>')
        if a["date"]:
            d = dt.datetime.fromisoformat(a["date"]).replace(tzinfo=dt.timezone.utc)
            out.append(f"<pubDate>{email.utils.format_datetime(d, usegmt=True)}</pubDate>")
        out.append(f"<description>{xml_text(summary_of(a))}</description>")
        if full:
            out.append(f"<content:encoded>{cdata(content_html(a))}</content:encoded>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def build_atom(items):
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
           "<title>ECB+ sample news (Atom)</title>",
           "<subtitle>ECB+ corpus articles (CC BY 3.0) as an Atom feed; see ATTRIBUTION.md</subtitle>",
           '<link rel="alternate" type="text/html" href="https://example.org/"/>',
           '<link rel="self" type="application/atom+xml" href="https://example.org/feeds/ecbplus-atom.xml"/>',
           f"<id>{record_id('atom-feed')[1:-1]}</id>",
           f"<updated>{warc_date(FEED_UPDATED)}</updated>",
           "<author><name>Storyline example corpus</name></author>"]
    for it in items:
        a, url = it["article"], it["url"]
        out.append("<entry>")
        out.append(f'<title type="text">{xml_text(a["title"])}</title>')
        out.append(f'<link rel="alternate" type="text/html" href="{html.escape(url)}"/>')
        out.append(f"<id>{record_id('atom:' + a['id'])[1:-1]}</id>")
        if a["date"]:
            out.append(f"<published>{a['date']}T00:00:00Z</published>")
            out.append(f"<updated>{a['date']}T00:00:00Z</updated>")
        else:
            out.append(f"<updated>{warc_date(FEED_UPDATED)}</updated>")
        out.append(f'<summary type="text">{xml_text(summary_of(a))}</summary>')
        out.append(f'<content type="html">{xml_text(content_html(a))}</content>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Extraction pages
# ---------------------------------------------------------------------------

def english_score(text):
    words = re.findall(r"[a-z]+", text.lower())
    if not words:
        return 0.0
    return sum(w in ("the", "and", "of", "to", "in", "is", "that") for w in words) / len(words)


def choose_pages():
    truth = {}
    with open(os.path.join(EXTRACT_DIR, "truth.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            truth[d["id"]] = d
    chosen, total, hosts = [], 0, set()
    for page_id in sorted(truth):
        path = os.path.join(EXTRACT_DIR, "html", page_id + ".html.gz")
        size = os.path.getsize(path)
        t = truth[page_id]
        host = re.match(r"https?://(?:www\.)?([^/]+)", t["url"]).group(1).lower()
        if size > PAGES_MAX_GZ or host in NOT_NEWS_HOSTS or host in hosts:
            continue
        if english_score(t["body"]) < 0.12:
            continue
        page = gzip.open(path).read().decode("utf-8", "replace")
        m = re.search(r"<html[^>]*\blang=[\"']?([\w-]+)", page, re.I)
        if m and not m.group(1).lower().startswith("en"):
            continue
        if total + size > PAGES_BUDGET:
            continue
        chosen.append({"id": page_id, "url": t["url"], "bytes": size, "body": t["body"]})
        hosts.add(host)
        total += size
        if len(chosen) == PAGES_WANTED:
            break
    return chosen


# ---------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------

MIT_TEXT = """MIT License

Copyright (c) 2020 Scrapinghub

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def attribution_md(n_ecb, n_stories, n_pages, seeds):
    seed_list = "\n".join(f"- `seeds/{s}`" for s in seeds)
    return f"""# Attribution

This corpus is generated by `bench/scripts/make_corpus.py`. It holds material from three
sources, each under its own terms.

## ECB+ articles (`jsonl/`, `text/`, `html/`, `warc/`, `feeds/`)

{n_ecb} articles (all articles of {n_stories} gold stories) from the **ECB+ corpus**,
Cybulska & Vossen, "Using a sledgehammer to crack a nut? Lexical diversity and event
coreference resolution" (LREC 2014), extending ECB (Bejan & Harabagiu 2010).
Licence: **CC BY 3.0**, https://creativecommons.org/licenses/by/3.0/.
Taken from the plain-text reconstruction of github.com/cltl/ECB-parser (folder `ECB+/`,
commit eba7c4d1caa758816bcee3139bdd4e6688dee00d).

Changes made (as CC BY 3.0 asks us to indicate):

- The tokenised ECB+ documents were turned back into text (one gold sentence per
  paragraph); URL, dateline and "Posted/Updated" lines were removed; titles, sources and
  dates were derived from them (see the shared data README).
- The articles were converted into five input formats: JSON Lines, plain text, HTML pages,
  a WARC archive and RSS 2.0 / Atom feeds.
- **The HTML pages (in `html/` and inside the WARC) are synthetic**: three made-up page
  templates with navigation menus, related-story links, ad slots, newsletter boxes and
  invented reader comments were wrapped around the article text. They are not the
  publishers' real pages, and the comments and menus were written for this corpus.
- **All URLs are made up.** ECB+ records the original host for its `ecbplus` documents
  (e.g. `latimes.com`), and that host is kept, but the path is invented (title slug plus a
  hash). Articles with no known source (all `ecb` documents) get a made-up URL on
  `example.org`, and their site name is "Example News".
- Dates: only the dates ECB+ provides are used as publication dates. WARC capture dates
  and the Atom feed's `updated` time for undated articles are a fixed synthetic time
  (2014-03-15T08:00:00Z).
- The RSS feed's `description` and Atom `summary` are the first paragraph, cut at about
  280 characters. A few RSS items carry only this summary.
- A few HTML pages were re-encoded in windows-1252.

## Extraction pages (`pages/`)

{n_pages} pages (gzipped HTML, as shipped) and their ground-truth article bodies
(`pages/truth.jsonl`) from the **article-extraction-benchmark** by Scrapinghub,
https://github.com/scrapinghub/article-extraction-benchmark (commit
4a3bc979f76c0df73cb95fe272e2fc1b96f9f010). The pages themselves were fetched by
Scrapinghub from the news sites named in each page's URL. Licence of the benchmark:

```
{MIT_TEXT}```

## Seeds (`seeds/`)

Copied unchanged from the project's own seed articles (`/work/shared/seeds`):

{seed_list}
"""


def readme_md(counts, sizes, n_stories):
    topics = {}
    for st in STORIES:
        t = re.match(r"\d+", st).group(0)
        topics[t] = topics.get(t, 0) + 1
    n_topics, n_pairs = len(topics), sum(1 for v in topics.values() if v == 2)
    return f"""# Storyline example corpus

Generated by `python3 bench/scripts/make_corpus.py` (run from the repository root; Python 3
standard library only; deterministic). `python3 bench/scripts/make_corpus.py --check`
re-reads everything and verifies it. Licences and changes: see `ATTRIBUTION.md`.

{counts['ecbplus_articles']} ECB+ articles, i.e. every article of {n_stories} gold stories ({n_topics} topics; {n_pairs}
topics with both of their events, e.g. `1ecb` Tara Reid's rehab vs `1ecbplus` Lindsay
Lohan's). Each ECB+ article is written to exactly one file, and each story is spread over
several formats. `manifest.json` lists, for every ECB+ article, its `id`, gold `story`,
`format`, `file`, the `url` it is published under (null for JSONL and text), `title`,
`date` and whether the full text is present (`full_text`).

| folder | contents | count | size |
|---|---|---|---|
| `jsonl/ecbplus.jsonl` | JSON Lines: `id`, `title`, `text`, `source`, `date` (nullable), `story` (extra field, kept as metadata) | {counts['jsonl']} | {sizes['jsonl']} |
| `text/<id>.txt` | plain text: title line, blank line, blank-line-separated paragraphs | {counts['text']} | {sizes['text']} |
| `html/<id>.html` | synthetic news pages, 3 templates (nav, related stories, comments, footer, JSON-LD); {counts['html_cp1252']} in windows-1252 | {counts['html']} | {sizes['html']} |
| `warc/ecbplus.warc.gz` | WARC/1.0, one gzip member per record: 1 `warcinfo`, then a `request` + `response` per URL; 1 extra `text/plain` response (robots.txt) that is not an article | {counts['warc']} | {sizes['warc']} |
| `feeds/ecbplus-rss.xml` | RSS 2.0; full text in `content:encoded`, {counts['rss_summary_only']} items with only `description` | {counts['rss']} | {sizes['rss']} |
| `feeds/ecbplus-atom.xml` | Atom; `<content type="html">` | {counts['atom']} | {sizes['atom']} |
| `pages/<id>.html.gz` | real English news pages from the scrapinghub extraction benchmark, gzipped; `pages/truth.jsonl` has `{{id, url, body}}` | {counts['pages']} | {sizes['pages']} |
| `seeds/` | the project's two seed articles (plain text) | {counts['seeds']} | {sizes['seeds']} |

Notes:

- ECB+ `ecb` documents have no source, URL or date: in HTML/WARC/feeds they appear on
  `example.org` with no published time. WARC-Date and Atom `updated` for them are a fixed
  synthetic capture time, not a publication date.
- Text files have no date or byline (ECB+ has no authors).
- Several `ecb` articles have no headline in ECB+: their title is the lead sentence, which
  also stays the first paragraph of the text.
"""


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

def human(n):
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MB"


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as f:
        f.write(data)


def build():
    rows = load_ecb()
    by_story = {}
    for r in rows:
        by_story.setdefault(r["story"], []).append(r)
    articles = []
    for s in STORIES:
        articles += sorted(by_story[s], key=lambda r: natural_key(r["id"]))
    formats = assign_formats(articles)
    urls = {a["id"]: article_url(a) for a in articles}
    assert len(set(urls.values())) == len(urls), "URL collision"

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    manifest_articles = []
    jsonl_lines, warc_items, rss_items, atom_items = [], [], [], []
    html_count = cp1252_count = 0
    rss_index = 0

    def related_for(a):
        # four articles from other stories, chosen by hash (never the same story)
        others = [b for b in articles if b["story"] != a["story"]]
        k = int(hashlib.sha1(a["id"].encode()).hexdigest(), 16)
        picks = []
        for i in range(4):
            b = others[(k // (i + 1) + i * 37) % len(others)]
            if b not in picks:
                picks.append(b)
        return [(urls[b["id"]], b["title"] if len(b["title"]) < 120 else b["title"][:117] + "...")
                for b in picks]

    for idx, (a, fmt) in enumerate(zip(articles, formats)):
        url = urls[a["id"]]
        entry = {"id": a["id"], "story": a["story"], "format": fmt, "file": None, "url": url,
                 "title": a["title"], "date": a["date"], "source": a["source"], "full_text": True}
        if fmt == "jsonl":
            entry["file"], entry["url"] = "jsonl/ecbplus.jsonl", None
            jsonl_lines.append(json.dumps({"id": a["id"], "title": a["title"], "text": a["text"],
                                           "source": a["source"], "date": a["date"],
                                           "story": a["story"]}, ensure_ascii=False))
        elif fmt == "text":
            entry["file"], entry["url"] = f"text/{a['id']}.txt", None
            write(os.path.join(OUT, entry["file"]),
                  a["title"] + "\n\n" + "\n\n".join(paragraphs(a)) + "\n")
        elif fmt == "html":
            entry["file"] = f"html/{a['id']}.html"
            text = a["title"] + a["text"]
            charset = "utf-8"
            if cp1252_count < CP1252_PAGES and any(ord(c) > 127 for c in text):
                try:
                    text.encode("cp1252")
                    charset = "windows-1252"
                except UnicodeEncodeError:
                    pass
            page = render_page(a, url, related_for(a), html_count, charset)
            if charset == "windows-1252":
                data = page.encode("cp1252", errors="xmlcharrefreplace")
                cp1252_count += 1
            else:
                data = page.encode("utf-8")
            entry["charset"] = charset
            entry["template"] = "abc"[html_count % 3]
            html_count += 1
            write(os.path.join(OUT, entry["file"]), data)
        elif fmt == "warc":
            entry["file"] = "warc/ecbplus.warc.gz"
            when = (dt.datetime.fromisoformat(a["date"]).replace(hour=12, tzinfo=dt.timezone.utc)
                    if a["date"] else UNDATED_CAPTURE + dt.timedelta(minutes=len(warc_items)))
            entry["template"] = "abc"[(len(warc_items) + 1) % 3]
            warc_items.append({"url": url, "date": when, "key": a["id"],
                               "html": render_page(a, url, related_for(a), len(warc_items) + 1)})
        elif fmt == "rss":
            entry["file"] = "feeds/ecbplus-rss.xml"
            rss_index += 1
            full = rss_index % RSS_SUMMARY_ONLY_EVERY != 0
            entry["full_text"] = full
            rss_items.append({"article": a, "url": url, "full_text": full})
        elif fmt == "atom":
            entry["file"] = "feeds/ecbplus-atom.xml"
            atom_items.append({"article": a, "url": url})
        manifest_articles.append(entry)

    write(os.path.join(OUT, "jsonl/ecbplus.jsonl"), "\n".join(jsonl_lines) + "\n")
    write(os.path.join(OUT, "warc/ecbplus.warc.gz"), build_warc(warc_items))
    write(os.path.join(OUT, "feeds/ecbplus-rss.xml"), build_rss(rss_items))
    write(os.path.join(OUT, "feeds/ecbplus-atom.xml"), build_atom(atom_items))

    # seeds
    seeds = sorted(os.listdir(SEEDS_DIR))
    for s in seeds:
        os.makedirs(os.path.join(OUT, "seeds"), exist_ok=True)
        shutil.copyfile(os.path.join(SEEDS_DIR, s), os.path.join(OUT, "seeds", s))

    # extraction pages
    pages = choose_pages()
    os.makedirs(os.path.join(OUT, "pages"), exist_ok=True)
    for p in pages:
        shutil.copyfile(os.path.join(EXTRACT_DIR, "html", p["id"] + ".html.gz"),
                        os.path.join(OUT, "pages", p["id"] + ".html.gz"))
    write(os.path.join(OUT, "pages/truth.jsonl"),
          "".join(json.dumps({"id": p["id"], "url": p["url"], "body": p["body"]}, ensure_ascii=False) + "\n"
                  for p in pages))

    counts = {f: sum(1 for e in manifest_articles if e["format"] == f) for f, _ in FORMAT_WEIGHTS}
    counts.update({
        "ecbplus_articles": len(manifest_articles),
        "ecbplus_stories": len(STORIES),
        "html_cp1252": cp1252_count,
        "rss_summary_only": sum(1 for e in manifest_articles if e["format"] == "rss" and not e["full_text"]),
        "warc_records": {"warcinfo": 1, "request": len(warc_items) + 1, "response": len(warc_items) + 1,
                         "response_non_article": 1},
        "pages": len(pages),
        "seeds": len(seeds),
    })
    manifest = {
        "generator": "bench/scripts/make_corpus.py",
        "counts": counts,
        "stories": {s: len(by_story[s]) for s in STORIES},
        "ecbplus": manifest_articles,
        "pages": [{"id": p["id"], "file": f"pages/{p['id']}.html.gz", "url": p["url"], "bytes": p["bytes"]}
                  for p in pages],
        "seeds": [f"seeds/{s}" for s in seeds],
    }
    write(os.path.join(OUT, "manifest.json"), json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")

    sizes = {
        "jsonl": human(dir_size(os.path.join(OUT, "jsonl"))),
        "text": human(dir_size(os.path.join(OUT, "text"))),
        "html": human(dir_size(os.path.join(OUT, "html"))),
        "warc": human(dir_size(os.path.join(OUT, "warc"))),
        "rss": human(os.path.getsize(os.path.join(OUT, "feeds/ecbplus-rss.xml"))),
        "atom": human(os.path.getsize(os.path.join(OUT, "feeds/ecbplus-atom.xml"))),
        "pages": human(dir_size(os.path.join(OUT, "pages"))),
        "seeds": human(dir_size(os.path.join(OUT, "seeds"))),
    }
    write(os.path.join(OUT, "ATTRIBUTION.md"), attribution_md(len(manifest_articles), len(STORIES),
                                                             len(pages), seeds))
    write(os.path.join(OUT, "README.md"), readme_md(counts, sizes, len(STORIES)))
    # `storyline ingest corpus/` honours .ignore files: keep the documentation
    # and the extraction ground truth out of the article store.
    write(os.path.join(OUT, ".ignore"),
          "# not articles: documentation and evaluation ground truth\n"
          "/README.md\n/ATTRIBUTION.md\n/manifest.json\n/pages/truth.jsonl\n")
    print(f"wrote {OUT}/: " + ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, int)))


# ---------------------------------------------------------------------------
# Check
# ---------------------------------------------------------------------------

def check():
    errors = []

    def need(cond, msg):
        if not cond:
            errors.append(msg)

    manifest = json.load(open(os.path.join(OUT, "manifest.json"), encoding="utf-8"))
    entries = manifest["ecbplus"]
    by_id = {e["id"]: e for e in entries}
    need(len(by_id) == len(entries), "duplicate ids in manifest")
    found = {}  # id -> list of (format, file)

    def seen(article_id, fmt, file):
        found.setdefault(article_id, []).append((fmt, file))

    url_to_id = {e["url"]: e["id"] for e in entries if e["url"]}
    need(len(url_to_id) == sum(1 for e in entries if e["url"]), "duplicate URLs")

    # jsonl
    with open(os.path.join(OUT, "jsonl/ecbplus.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            need(set(d) >= {"id", "title", "text", "source", "date", "story"}, f"jsonl fields {d.get('id')}")
            seen(d["id"], "jsonl", "jsonl/ecbplus.jsonl")
    # text
    for name in sorted(os.listdir(os.path.join(OUT, "text"))):
        t = open(os.path.join(OUT, "text", name), encoding="utf-8").read()
        need("\n\n" in t and t.split("\n", 1)[0].strip(), f"text layout {name}")
        seen(name[:-4], "text", "text/" + name)
    # html
    for name in sorted(os.listdir(os.path.join(OUT, "html"))):
        raw = open(os.path.join(OUT, "html", name), "rb").read()
        m = re.search(rb'<meta charset="([^"]+)">', raw)
        enc = m.group(1).decode() if m else "utf-8"
        page = raw.decode("cp1252" if enc == "windows-1252" else enc)
        e = by_id.get(name[:-5])
        need(e is not None and e.get("charset") == enc, f"html charset/manifest {name}")
        cu = re.search(r'<link rel="canonical" href="([^"]+)">', page).group(1)
        need(html.unescape(cu) == (e or {}).get("url"), f"html canonical {name}")
        need("<article" in page and "Related stories" in page and 'id="comments"' in page, f"html parts {name}")
        ld = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', page, re.S)
        need(ld and json.loads(ld.group(1))["@type"] == "NewsArticle", f"json-ld {name}")
        seen(name[:-5], "html", "html/" + name)
    # warc
    records, members = read_warc(os.path.join(OUT, "warc/ecbplus.warc.gz"))
    need(members == len(records), "WARC: not one gzip member per record")
    need(records[0][0]["warc-type"] == "warcinfo", "WARC: first record is not warcinfo")
    req_uris = set()
    for h, block in records[1:]:
        if h["warc-type"] == "request":
            req_uris.add(h["warc-target-uri"])
            continue
        need(h["warc-type"] == "response", "WARC: unexpected record type")
        need(h["warc-target-uri"] in req_uris, "WARC: response without preceding request")
        status, hh, body = http_split(block)
        need(status.startswith("HTTP/1.1 200"), "WARC: status")
        need(int(hh["content-length"]) == len(body), "WARC: HTTP Content-Length mismatch")
        need(h["warc-payload-digest"] == sha1_b32(body), "WARC: payload digest")
        if not hh["content-type"].startswith("text/html"):
            continue
        need(hh["content-type"] == "text/html; charset=utf-8", "WARC: content type")
        aid = url_to_id.get(h["warc-target-uri"])
        need(aid is not None, f"WARC: unknown URI {h['warc-target-uri']}")
        if aid:
            seen(aid, "warc", "warc/ecbplus.warc.gz")
            need(html.escape(by_id[aid]["title"], quote=False) in body.decode("utf-8"), f"WARC: title missing {aid}")
    # feeds
    rss = xml.dom.minidom.parse(os.path.join(OUT, "feeds/ecbplus-rss.xml"))
    for item in rss.getElementsByTagName("item"):
        link = item.getElementsByTagName("link")[0].firstChild.data
        aid = url_to_id.get(link)
        need(aid is not None, f"RSS: unknown link {link}")
        has_full = bool(item.getElementsByTagName("content:encoded"))
        need(bool(item.getElementsByTagName("description")), "RSS: description missing")
        if aid:
            need(has_full == by_id[aid]["full_text"], f"RSS full_text flag {aid}")
            seen(aid, "rss", "feeds/ecbplus-rss.xml")
    atom = xml.dom.minidom.parse(os.path.join(OUT, "feeds/ecbplus-atom.xml"))
    for entry in atom.getElementsByTagName("entry"):
        link = entry.getElementsByTagName("link")[0].getAttribute("href")
        aid = url_to_id.get(link)
        need(aid is not None, f"Atom: unknown link {link}")
        need(entry.getElementsByTagName("content")[0].getAttribute("type") == "html", "Atom content type")
        need(bool(entry.getElementsByTagName("updated")), "Atom: updated missing")
        if aid:
            seen(aid, "atom", "feeds/ecbplus-atom.xml")

    # exactly once, and matching the manifest
    for e in entries:
        locs = found.get(e["id"], [])
        need(locs == [(e["format"], e["file"])], f"{e['id']}: found {locs}, manifest says {e['format']}")
    for aid in found:
        need(aid in by_id, f"{aid} written but not in manifest")
    # whole stories, spread over formats
    rows = load_ecb()
    gold = {}
    for r in rows:
        gold.setdefault(r["story"], set()).add(r["id"])
    stories = {}
    for e in entries:
        stories.setdefault(e["story"], []).append(e)
    for s, es in stories.items():
        need({x["id"] for x in es} == gold[s], f"story {s} incomplete")
        need(len({x["format"] for x in es}) >= 3, f"story {s} in fewer than 3 formats")
    counts = manifest["counts"]
    for fmt in ("jsonl", "text", "html", "warc", "rss", "atom"):
        need(counts[fmt] == sum(1 for locs in found.values() if locs[0][0] == fmt), f"count {fmt}")
    # pages and seeds
    for p in manifest["pages"]:
        data = gzip.open(os.path.join(OUT, p["file"])).read()
        need(len(data) > 0 and os.path.getsize(os.path.join(OUT, p["file"])) <= PAGES_MAX_GZ, f"page {p['id']}")
    need(dir_size(os.path.join(OUT, "pages")) < 1_500_000, "pages over 1.5 MB")
    for s in manifest["seeds"]:
        need(open(os.path.join(OUT, s), "rb").read() ==
             open(os.path.join(SEEDS_DIR, os.path.basename(s)), "rb").read(), f"seed {s} differs")
    # nothing from research-only sets
    forbidden = ("duc2004", "multinews", "paraphrase", "quotes", "polnear", "msrp")
    for root, _, files in os.walk(OUT):
        for f in files:
            need(not any(x in f.lower() for x in forbidden), f"suspicious file {f}")
    total = dir_size(OUT)
    need(total < 3 * 1024 * 1024, f"corpus is {human(total)}, over 3 MB")

    if errors:
        for e in errors[:50]:
            print("CHECK FAILED:", e, file=sys.stderr)
        print(f"{len(errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"check ok: {len(entries)} ECB+ articles in {len(stories)} stories, each in exactly one file; "
          f"WARC {len(records)} records / {members} gzip members; feeds parse; total {human(total)}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only verify an existing corpus/")
    args = ap.parse_args()
    if not os.path.isfile("Cargo.toml") or not os.path.isdir("crates"):
        sys.exit("run from the repository root")
    if not args.check:
        build()
    sys.exit(check())


if __name__ == "__main__":
    main()
