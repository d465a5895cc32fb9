"""Fifty XSS payloads through the articles API and into the rendered article page.

Each payload goes into an article's body (sanitized on write), its title and its
summary (plain text, escaped by the page). The stored body and the whole rendered page
are parsed with ``html.parser``; nothing executable may survive: no script element
other than the portal's own same-origin script, no ``on*`` attribute, no
``javascript:``/``vbscript:``/``data:`` URL in any URL attribute (data: images are not
allowed either: the sanitizer keeps http(s), mailto and tel only), no frame, object,
embed, base, or refresh.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import requests
from security_kit import figures

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="java&#x09;script:alert(1)">link</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    "<style>@import 'javascript:alert(1)';</style>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1)//<</script>",
    '<img """><script>alert(1)</script>">',
    "<img src=x onerror=alert(1)//",
    '<a href="javascript&colon;alert(1)">link</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<video><source onerror="alert(1)"></video>',
    "<marquee onstart=alert(1)>scroll</marquee>",
    '<table background="javascript:alert(1)"><tr><td>cell</td></tr></table>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<img srcset="javascript:alert(1) 1x">',
    '<picture><source srcset="javascript:alert(1)"><img src="/media/a.png"></picture>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">link</a>',
    '<img src="/media/ok.png" alt="ok" onload="alert(1)">',
    '<picture><source srcset="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"></picture>',
    '<a href="data:image/png;base64,iVBORw0KGgo=">a data: image</a>',
]
# The sanitizer (nh3, with url_schemes) checks href/src but not srcset: these payloads keep
# their javascript:/data: candidate URLs. Browsers do not run scripts from srcset, but the
# design says no such URL is stored; see test_srcset_urls_are_filtered_too.
SRCSET_PAYLOADS = [p for p in PAYLOADS if "srcset=" in p]
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "background"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
DATA_BLOCK = {"type": "application/ld+json"}
OWN_SCRIPT = re.compile(r"^/static/[\w./-]+\.js(\?[\w=.&-]*)?$")


class Executables(HTMLParser):
    """Collects every construct of a document that a browser could run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_data_block = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "script" and values == DATA_BLOCK:
            self.in_data_block = True  # JSON-LD: never run, checked in handle_data
        elif tag == "script" and not OWN_SCRIPT.match(values.get("src", "")):
            self.found.append(f"<script {values}>")
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES:
                for url in value.split(","):
                    cleaned = re.sub(r"[\x00-\x20]", "", url)
                    if BAD_SCHEME.match(cleaned):
                        self.found.append(f"<{tag} {name}={value[:40]}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_data_block = False

    def handle_data(self, data: str) -> None:
        """A JSON-LD block must be JSON with no ``<`` a payload could close it with."""
        if self.in_data_block:
            try:
                json.loads(data)
            except ValueError:
                self.found.append(f"<script ld+json> not JSON: {data[:40]}")
            if "<" in data:
                self.found.append(f"<script ld+json> with '<': {data[:40]}")

    @classmethod
    def of(cls, document: str) -> list[str]:
        parser = cls()
        parser.feed(document)
        parser.close()
        return parser.found


def test_no_payload_survives_into_the_stored_body_or_the_page(portal):
    stack, web = portal
    api = stack.url("articles") + "/v1/articles"
    client = web.test_client()
    stored_found, page_found, rendered = {}, {}, 0
    for number, payload in enumerate(PAYLOADS, start=1):
        body = {
            "title": f"Bài {number} {payload}"[:300],
            "summary": payload,
            "body_html": f"<p>Mở đầu {number}.</p>{payload}<p>Kết thúc.</p>",
            "category": "kinh-te",
            "status": "published",
        }
        created = requests.post(api, json=body, headers=stack.auth, timeout=10)
        assert created.status_code == 201, (number, created.text)
        article = created.json()
        if found := Executables.of(article["body_html"]):
            stored_found[number] = found
        page = client.get(f"/kinh-te/{article['slug']}-{article['id']}.html")
        assert page.status_code == 200, (number, page.status_code)
        html = page.get_data(as_text=True)
        assert f"Mở đầu {number}." in html  # the page shows this article's body
        rendered += 1
        if found := Executables.of(html):
            page_found[number] = found
    srcset_only = {
        n: found
        for n, found in {**stored_found, **page_found}.items()
        if all("srcset=" in item for item in found)
    }
    line = figures(
        "xss",
        payloads=len(PAYLOADS),
        pages_rendered=rendered,
        executable_in_api=sum(len(f) for n, f in stored_found.items() if n not in srcset_only),
        executable_in_page=sum(len(f) for n, f in page_found.items() if n not in srcset_only),
        srcset_urls_kept=len(srcset_only),
    )
    assert len(PAYLOADS) == 50
    assert not {n: f for n, f in stored_found.items() if n not in srcset_only}, line
    assert not {n: f for n, f in page_found.items() if n not in srcset_only}, line


def test_srcset_urls_are_filtered_too(portal):
    stack, _web = portal
    api = stack.url("articles") + "/v1/articles"
    found = {}
    for number, payload in enumerate(SRCSET_PAYLOADS, start=1):
        body = {"title": f"srcset {number}", "body_html": payload, "category": "kinh-te"}
        created = requests.post(api, json=body, headers=stack.auth, timeout=10)
        assert created.status_code == 201, created.text
        if survivors := Executables.of(created.json()["body_html"]):
            found[payload] = survivors
    assert not found, figures("xss-srcset", payloads=len(SRCSET_PAYLOADS), surviving=len(found))
