"""The newsroom in headless Chromium, over the real processes: an author writes, an
editor schedules, the public web shows the article; an author submits for review, the
editor previews, edits and restores an earlier version."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from support.photos import plain_jpeg
from support.servers import ROOT, wait_until

pytestmark = pytest.mark.browser

USERS = {"phong-vien": ("author", "Phóng Viên Một"), "bien-tap-vien": ("editor", "Biên Tập")}
PASSWORD = "mat-khau-trinh-duyet"
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations = window.__cspViolations || [];
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
TITLE = "Yên Bái: Diễn tập phòng cháy tại Trấn Yên"


def article_ids(stack) -> set[int]:
    """Every article, in any status (the stack's token reads drafts too)."""
    reply = requests.get(
        f"{stack.url('articles')}/v1/articles",
        params={"per_page": 100},
        headers=stack.auth,
        timeout=10,
    )
    reply.raise_for_status()
    return {item["id"] for item in reply.json()["items"]}


@pytest.fixture(autouse=True)
def remove_what_the_desk_wrote(stack, content):
    """The browser suites share one stack: articles written here are deleted afterwards,
    so the portal's pages tested later still show the sample content they expect."""
    before = article_ids(stack)
    yield
    for article_id in article_ids(stack) - before:
        requests.delete(
            f"{stack.url('articles')}/v1/articles/{article_id}", headers=stack.auth, timeout=10
        )


@pytest.fixture(scope="module")
def newsroom_users(stack) -> dict[str, str]:
    env = {**stack.env, "LOG_LEVEL": "WARNING"}
    for username, (role, name) in USERS.items():
        made = subprocess.run(
            [
                sys.executable,
                "-m",
                "newsroom.manage",
                "create-user",
                username,
                "--role",
                role,
                "--name",
                name,
                "--password-stdin",
            ],
            env=env,
            cwd=ROOT,
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert made.returncode == 0 or "đã có" in made.stderr, made.stderr
    return {username: PASSWORD for username in USERS}


def desk(browser: Browser, stack, username: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=stack.url("newsroom"), locale="vi-VN")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(".who .user")).to_contain_text(USERS[username][1])
    page.errors = errors  # type: ignore[attr-defined]
    return context, page


def no_violations(page: Page) -> None:
    assert page.evaluate("window.__cspViolations || []") == []
    assert page.errors == []  # type: ignore[attr-defined]


def trix_rendered(page: Page) -> None:
    """Waits for the render Trix schedules for the next animation frame after typed text.

    Until then Trix's model lags the page: the render puts the caret back where the
    model has it (undoing a Shift+Arrow pressed meanwhile) and takes the formatting at
    the caret from the text (undoing a Ctrl+B). A person never types inside one frame;
    a script does, so it waits two frames before keys that act on the caret.
    """
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def write_article(page: Page) -> int:
    page.goto("/articles/new")
    page.fill("#title", TITLE)
    page.fill("#summary", "Sáng nay, lực lượng chữa cháy huyện Trấn Yên tổ chức diễn tập.")
    page.select_option("#category", "an-ninh-quoc-phong")
    page.fill("#author", "Phóng Viên Một")
    page.fill("#source", "CTTĐT")
    body = page.locator("trix-editor")
    body.click()
    page.keyboard.type("Buổi diễn tập ")
    trix_rendered(page)
    page.keyboard.press("Control+b")
    page.keyboard.type("thành công")
    trix_rendered(page)
    page.keyboard.press("Control+b")
    page.keyboard.type(", xem thêm tại cổng")
    trix_rendered(page)
    for _ in range(len("cổng")):
        page.keyboard.press("Shift+ArrowLeft")
    page.click("trix-toolbar button[data-trix-attribute=href]")
    page.fill("trix-toolbar input[name=href]", "https://yenbai.gov.vn/")
    page.click("trix-toolbar input[data-trix-method=setAttribute]")
    page.keyboard.press("End")
    page.keyboard.press("Enter")

    page.click("#open-library")
    page.set_input_files(
        "#upload-file", {"name": "dien-tap.jpg", "mimeType": "image/jpeg", "buffer": plain_jpeg()}
    )
    page.fill("#upload-caption", "Lực lượng cứu hỏa phun nước")
    page.fill("#upload-credit", "Phóng Viên Một")
    page.click("#upload-send")
    expect(body.locator("figure img")).to_be_visible(timeout=60_000)
    page.click("#article-form .actions button[type=submit]")
    expect(page.locator(".saved")).to_have_text("Đã tạo bản nháp.")
    return int(re.search(r"/articles/(\d+)", page.url).group(1))


def test_an_author_writes_and_an_editor_schedules_what_the_web_then_shows(
    browser, stack, content, newsroom_users
):
    author_context, author = desk(browser, stack, "phong-vien")
    article_id = write_article(author)

    stored = requests.get(
        f"{stack.url('articles')}/v1/articles/{article_id}", headers=stack.auth, timeout=10
    ).json()
    assert "<strong>thành công" in stored["body_html"], stored["body_html"]
    assert 'href="https://yenbai.gov.vn/"' in stored["body_html"], stored["body_html"]
    assert re.search(r"<figure><img [^>]*data-media-id=\"\d+\"", stored["body_html"])
    assert "<figcaption>Lực lượng cứu hỏa phun nước</figcaption>" in stored["body_html"]
    expect(author.locator("button[value=publish]")).to_have_count(0)
    token = author.locator("input[name=csrf_token]").first.input_value()
    refused = author.request.post(
        f"/articles/{article_id}",
        form={
            "csrf_token": token,
            "action": "publish",
            "title": TITLE,
            "category": "an-ninh-quoc-phong",
        },
    )
    assert refused.status == 403
    no_violations(author)
    author_context.close()

    editor_context, editor = desk(browser, stack, "bien-tap-vien")
    editor.goto(f"/articles/{article_id}")
    expect(editor.locator("trix-editor figure img")).to_be_visible()
    when = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(seconds=5)
    editor.fill("#publish_date", when.strftime("%Y-%m-%d"))
    editor.fill("#publish_time", when.strftime("%H:%M:%S"))
    editor.click("button[value=schedule]")
    expect(editor.locator(".saved")).to_have_text("Đã hẹn giờ đăng.")
    expect(editor.locator("h1 .status")).to_have_text("Hẹn giờ")
    no_violations(editor)

    def published() -> dict | None:
        reply = requests.get(f"{stack.url('articles')}/v1/articles/{article_id}", timeout=5)
        return reply.json() if reply.ok and reply.json()["status"] == "published" else None

    article = wait_until(published, timeout=60, interval=0.5)
    reader = browser.new_page(base_url=stack.url("web"))
    path = f"/{article['category']['slug']}/{article['slug']}-{article_id}.html"
    wait_until(lambda: requests.get(stack.url("web") + path, timeout=5).ok, 30, 0.5)
    reader.goto(path)
    expect(reader.locator(".breadcrumb")).to_contain_text("An ninh - Quốc phòng")
    expect(reader.locator(".article-author")).to_have_text("Phóng Viên Một")
    expect(reader.locator("figcaption").first).to_contain_text("Lực lượng cứu hỏa phun nước")
    reader.close()

    editor.goto(f"/articles/{article_id}/revisions")
    expect(editor.locator("tr[data-version='1'] .editor-name")).to_have_text("phong-vien")
    editor_context.close()


def test_an_author_submits_and_the_editor_previews_edits_and_restores(
    browser, stack, content, newsroom_users
):
    def stored() -> dict:
        url = f"{stack.url('articles')}/v1/articles/{article_id}"
        return requests.get(url, headers=stack.auth, timeout=10).json()

    author_context, author = desk(browser, stack, "phong-vien")
    article_id = write_article(author)
    author.click("button[value=submit]")
    expect(author.locator(".saved")).to_have_text("Đã gửi duyệt.")
    expect(author.locator("h1 .status")).to_have_text("Chờ duyệt")
    assert stored()["status"] == "review"
    no_violations(author)
    author_context.close()

    editor_context, editor = desk(browser, stack, "bien-tap-vien")
    editor.goto(f"/articles/{article_id}")
    with editor_context.expect_page() as opened:
        editor.click(".preview-link")
    preview = opened.value
    preview.wait_for_load_state()
    assert "/xem-truoc/" in preview.url
    expect(preview.locator(".preview-banner")).to_have_text("Bản xem trước")
    expect(preview.locator("h1").first).to_contain_text(TITLE)
    robots = preview.locator("meta[name=robots]").get_attribute("content")
    assert robots.startswith("noindex"), robots
    preview.close()

    editor.fill("#title", "Trấn Yên: Diễn tập phòng cháy, chữa cháy")
    editor.click("button[value=save]")
    expect(editor.locator(".saved")).to_be_visible()
    edited = stored()
    assert edited["title"] == "Trấn Yên: Diễn tập phòng cháy, chữa cháy"

    editor.goto(f"/articles/{article_id}/revisions")
    made_by = editor.locator(f"tr[data-version='{edited['version']}'] .editor-name")
    expect(made_by).to_have_text("bien-tap-vien")
    expect(editor.locator("tr[data-version='1'] .editor-name")).to_have_text("phong-vien")
    expect(editor.locator("tr[data-version='2'] .editor-name")).to_have_text("phong-vien")

    editor.click("tr[data-version='1'] button[form='restore-1']")
    expect(editor.locator(".saved")).to_have_text("Đã khôi phục thành phiên bản mới.")
    restored = stored()
    assert restored["version"] == edited["version"] + 1
    assert restored["title"] == TITLE
    editor.goto(f"/articles/{article_id}/revisions")
    newest = editor.locator(f"tr[data-version='{restored['version']}'] .editor-name")
    expect(newest).to_have_text("bien-tap-vien")
    no_violations(editor)
    editor_context.close()
