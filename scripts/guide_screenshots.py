"""Take the screenshots of the user guide (docs/user-guide.md, docs/user-guide.vi.md).

Walks the whole assessment cycle in a real browser, on a demo database of its own, once per
language, and saves one PNG per step under docs/images/guide/ as ``NN-step.<lang>.png``:

    .venv/bin/python scripts/guide_screenshots.py                 # vi and en, port 8031
    .venv/bin/python scripts/guide_screenshots.py --lang en --port 8040 --workdir /tmp/g2

For each language it rebuilds the demo database in ``--workdir`` (``govindex demo --rebuild``,
so every run starts from the demo state), clears the sign-in lockouts, serves the app on
``--port`` (collectstatic included, as ``govindex serve`` does), walks the cycle, and stops the
server. The browser is Debian's Chromium (``--chromium``), driven by Playwright; the language
comes from the browser context's locale (vi-VN, en-US), as it does for a real visitor.

The walk-through, in the order of the guide:
 1. sign in; a wrong password; the lockout after 5 failures (on ``canbo.so``);
 2. the rounds list and a round's page (the ward clerk's, and the appraiser's with late flags);
 3. the ward clerk (canbo.phuong) continues the open 2026 self-assessment of Phường Hoàn Kiếm:
    guidance, points with a decimal comma, a refused value, "not applicable", an evidence file,
    a refused file, the page after a reload; a page of another unit (refused);
 4. the ward leader (lanhdao.phuong) submits too early (the message listing what is missing),
    completes the remaining criteria, and submits;
 5. the appraiser (thamdinh): the round's moves, the 2025 appraisal screen (an adjustment
    without and with a reason, accept-all, what changed, survey points typed in), the survey
    import (a file with mistakes, then a good one);
 6. the city leader's provisional view of the appraised mid-2026 departments round, then its
    publication by the appraiser ("Compute and publish");
 7. the public dashboards after publication: ranking, heat map, scorecard, criterion, trends;
 8. the language menu (Tiếng Việt, English, Bahasa Indonesia).

It stops with an error naming the step when a screen does not show what the guide describes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
GOVINDEX = ROOT / ".venv" / "bin" / "govindex"
PASSWORD = "govindex-demo"  # noqa: S105 - the demo's shared password, demo database only
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCALES = {"vi": "vi-VN", "en": "en-US"}
WIDTH, HEIGHT = 1280, 800

WARD = "00070"  # Phường Hoàn Kiếm, the demo clerk's and leader's ward
ROUND_2024, ROUND_2025, ROUND_H1_DEPTS, ROUND_H1_COMMUNES, ROUND_2026 = (
    "Chỉ số CCHC năm 2024",
    "Chỉ số CCHC năm 2025",
    "khối sở, ngành",
    "khối xã, phường",
    "Chỉ số CCHC năm 2026",
)

# A one-page PDF, small and valid, written out for the evidence upload.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class StepFailed(RuntimeError):
    pass


@dataclass
class Shots:
    """Where the screenshots of one language go, and what was taken."""

    folder: Path
    language: str
    uploads: Path  # the files the walk-through uploads are written here
    taken: list[Path]

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.{self.language}.png"

    def page(
        self, page: Page, name: str, *, full: bool = False, top: int = 0, height: int = 0
    ) -> None:
        """The viewport (or the full page), optionally cut to ``top``..``top + height``."""
        path = self.path(name)
        if height:
            clip = {"x": 0, "y": top, "width": WIDTH, "height": height}
            page.screenshot(path=path, clip=clip, full_page=True)
        else:
            page.screenshot(path=path, full_page=full)
        self.taken.append(path)

    def element(self, locator: Locator, name: str, *, pad: int = 8) -> None:
        """One element with a margin around it."""
        locator.scroll_into_view_if_needed()
        locator.page.mouse.move(0, 0)  # no hover highlight on the element
        box = locator.bounding_box()
        if box is None:
            raise StepFailed(f"{name}: the element to photograph is not visible")
        page = locator.page
        scroll_y = page.evaluate("window.scrollY")
        clip = {
            "x": max(0, box["x"] - pad),
            "y": max(0, box["y"] + scroll_y - pad),
            "width": min(WIDTH, box["width"] + 2 * pad),
            "height": box["height"] + 2 * pad,
        }
        path = self.path(name)
        page.screenshot(path=path, clip=clip, full_page=True)
        self.taken.append(path)

    def region(self, first: Locator, last: Locator, name: str, *, pad: int = 8) -> None:
        """From the top of ``first`` to the bottom of ``last``, the width of the content."""
        page = first.page
        first.scroll_into_view_if_needed()
        top_box, bottom_box = first.bounding_box(), last.bounding_box()
        if top_box is None or bottom_box is None:
            raise StepFailed(f"{name}: the region to photograph is not visible")
        scroll_y = page.evaluate("window.scrollY")
        top = top_box["y"] + scroll_y - pad
        bottom = bottom_box["y"] + bottom_box["height"] + scroll_y + pad
        left = min(top_box["x"], bottom_box["x"]) - pad
        right = max(top_box["x"] + top_box["width"], bottom_box["x"] + bottom_box["width"]) + pad
        clip = {
            "x": max(0, left),
            "y": max(0, top),
            "width": min(WIDTH, right - left),
            "height": bottom - top,
        }
        path = self.path(name)
        page.screenshot(path=path, clip=clip, full_page=True)
        self.taken.append(path)


# --- the server ---------------------------------------------------------------------------------


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def demo_server(workdir: Path, port: int, *, rebuild: bool) -> Iterator[str]:
    """A fresh demo database in ``workdir``, served on ``port``, stopped on the way out."""
    if not _free(port):
        raise SystemExit(f"Port {port} is taken; stop what serves it or pass --port.")
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{workdir / 'govindex.sqlite3'}",
        GOVINDEX_MEDIA_ROOT=str(workdir / "media"),
    )
    if rebuild:
        print("building the demo database …", flush=True)
        subprocess.run(  # noqa: S603 - our own command
            [str(GOVINDEX), "demo", "--rebuild"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    subprocess.run(  # noqa: S603 - our own command
        [str(GOVINDEX), "manage", "axes_reset"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own command
        [str(GOVINDEX), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(120):
            if not _free(port):
                break
            if server.poll() is not None:
                raise SystemExit(f"The server stopped; see {workdir / 'server.log'}.")
            time.sleep(0.5)
        else:
            raise SystemExit(f"The server did not answer on port {port} within a minute.")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()


# --- helpers ------------------------------------------------------------------------------------


def sign_in(context: BrowserContext, base: str, username: str) -> Page:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    follow(page.locator("form.stacked-form button[type=submit]"))
    if "/accounts/login/" in page.url:
        raise StepFailed(f"sign-in of {username} failed")
    return page


def new_context(browser: Browser, language: str) -> BrowserContext:
    context = browser.new_context(
        locale=LOCALES[language], viewport={"width": WIDTH, "height": HEIGHT}
    )
    context.set_default_timeout(20_000)
    return context


def round_ids(page: Page, base: str) -> dict[str, int]:
    """Round ids by a piece of their (Vietnamese, data) names, from the rounds list."""
    page.goto(f"{base}/assessments/")
    ids = {}
    for link in page.locator("table.ranking tbody th a").all():
        name, href = link.inner_text(), link.get_attribute("href") or ""
        match = re.search(r"/assessments/(\d+)/", href)
        if match:
            for key in (ROUND_2024, ROUND_2025, ROUND_H1_DEPTS, ROUND_H1_COMMUNES, ROUND_2026):
                if key in name:
                    ids[key] = int(match.group(1))
    return ids


def criterion(page: Page, leaf_id: str) -> Locator:
    return page.locator(f"article#criterion-{leaf_id}")


def press(button: Locator) -> None:
    """Click a button that posts with htmx and wait for the answer to be swapped in."""
    page = button.page
    with page.expect_response(lambda response: response.request.method == "POST"):
        button.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(150)  # htmx settles the swapped row


def follow(target: Locator) -> None:
    """Click a link or a plain form button and wait for the next page."""
    page = target.page
    with page.expect_navigation():
        target.click()
    page.wait_for_load_state("networkidle")


def wait_swap(row: Locator, kind: str = "saved") -> Locator:
    """Wait for the row htmx swapped in to show "Saved" or an error."""
    target = row.locator(".form-saved" if kind == "saved" else ".form-error")
    expect(target).to_be_visible()
    row.page.wait_for_load_state("networkidle")
    return target


def open_criteria(page: Page) -> list[str]:
    """Ids of the self-assessed criteria that have neither points nor "not applicable"."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('article.criterion:not(:has(.criterion-status[data-done="true"]))'))
             .filter(a => a.querySelector('form.criterion-form'))
             .map(a => a.id.replace('criterion-', ''))"""
    )


def max_points(row: Locator) -> float:
    text = row.locator(".criterion-max").inner_text()
    number = re.search(r"\d+(?:[.,]\d+)?", text)
    if number is None:
        raise StepFailed(f"no maximum in {text!r}")
    return float(number.group(0).replace(",", "."))


def messages(page: Page) -> str:
    return " | ".join(page.locator("ul.messages li").all_inner_texts())


# --- the steps ----------------------------------------------------------------------------------


def step1_sign_in(browser: Browser, base: str, shots: Shots) -> None:
    context = new_context(browser, shots.language)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "canbo.phuong")
    page.fill("#id_password", "govindex-demo")
    shots.page(page, "01-sign-in", height=520)

    for attempt in range(1, 6):
        page.fill("#id_username", "canbo.so")
        page.fill("#id_password", f"wrong-{attempt}")
        follow(page.locator("form.stacked-form button[type=submit]"))
        if attempt == 1:
            expect(page.locator(".form-error")).to_be_visible()
            shots.page(page, "01-sign-in-wrong", height=560)
    expect(page.locator("[role=alert]")).to_be_visible()
    shots.page(page, "01-locked-out", height=360)
    print("  lockout page:", page.locator("main").inner_text().replace("\n", " / "))
    context.close()


def step2_3_self_assessment(browser: Browser, base: str, shots: Shots) -> dict[str, int]:
    context = new_context(browser, shots.language)
    page = sign_in(context, base, "canbo.phuong")
    if not page.url.rstrip("/").endswith("/assessments"):
        raise StepFailed(f"after sign-in the clerk landed on {page.url}, not the rounds list")
    shots.page(page, "02-rounds", height=400)
    ids = round_ids(page, base)
    open_round = ids[ROUND_2026]

    page.goto(f"{base}/assessments/{open_round}/")
    shots.page(page, "02-round-clerk", height=360)

    # Step 3: the self-assessment screen.
    page.goto(f"{base}/assessments/{open_round}/units/{WARD}/")
    shots.page(page, "03-self-assessment-top", height=400)
    before = page.locator("#progress-text").inner_text()
    still_open = open_criteria(page)
    print(f"  progress before: {before}; {len(still_open)} criteria open: {', '.join(still_open)}")
    if len(still_open) < 6:
        raise StepFailed("the demo ward has fewer open criteria than the walk-through needs")
    first, second, third = still_open[0], still_open[1], still_open[2]

    # Guidance and points with a decimal comma.
    row = criterion(page, first)
    row.locator("details.guidance summary").click()
    half = max_points(row) - 0.5
    points = f"{half:g}".replace(".", ",")
    row.locator("input[name$=self_value]").fill(points)
    row.locator("textarea").fill(
        "Đã đánh giá 100% công chức theo Quy chế; kết quả tại Báo cáo 45/BC-UBND."
        if shots.language == "vi"
        else "All staff were evaluated under the ward's rules; see report 45/BC-UBND."
    )
    shots.element(row, "03-criterion-filled")
    press(row.locator("button[type=submit]").first)
    row = criterion(page, first)
    wait_swap(row)
    page.locator(f"#criterion-{first} details.guidance summary").click()
    shots.element(criterion(page, first), "03-criterion-saved")
    after = page.locator("#progress-text").inner_text()
    print(f"  progress after one save: {after}")
    if after == before:
        raise StepFailed("the progress did not move after a save")
    page.evaluate("window.scrollTo(0, 0)")
    shots.element(page.locator("#self-assessment-progress"), "03-progress", pad=12)

    # A value above the maximum.
    row = criterion(page, second)
    row.locator("input[name$=self_value]").fill("9")
    press(row.locator("button[type=submit]").first)
    error = wait_swap(criterion(page, second), "error")
    print(f"  too many points: {error.inner_text()}")
    shots.element(criterion(page, second), "03-criterion-too-many")
    row = criterion(page, second)
    row.locator("input[name$=self_value]").fill("1")
    press(row.locator("button[type=submit]").first)
    wait_swap(criterion(page, second))

    # Not applicable, with the explanation why.
    row = criterion(page, third)
    row.locator("input[type=checkbox]").check()
    row.locator("textarea").fill(
        "Phường không được giao nhiệm vụ này trong năm 2026 (Công văn 12/UBND)."
        if shots.language == "vi"
        else "The ward was not given this task in 2026 (letter 12/UBND)."
    )
    press(row.locator("button[type=submit]").first)
    wait_swap(criterion(page, third))
    shots.element(criterion(page, third), "03-not-applicable")

    # Evidence: a good file, then a refused one.
    upload_dir = shots.uploads
    good = upload_dir / "bao-cao-danh-gia-cong-chuc-2026.pdf"
    good.write_bytes(PDF)
    bad = upload_dir / "danh-sach.txt"
    bad.write_text("not an accepted type\n")
    row = criterion(page, first)
    row.locator("input[type=file]").set_input_files(str(good))
    press(row.locator("form.evidence-form button[type=submit]"))
    wait_swap(criterion(page, first))
    expect(criterion(page, first).locator(".evidence-list a")).to_contain_text(good.name)
    shots.element(criterion(page, first).locator(".evidence"), "03-evidence-attached")
    row = criterion(page, first)
    row.locator("input[type=file]").set_input_files(str(bad))
    press(row.locator("form.evidence-form button[type=submit]"))
    error = wait_swap(criterion(page, first), "error")
    print(f"  refused file: {error.inner_text()}")
    shots.element(criterion(page, first), "03-evidence-refused")

    # A file over the size limit (20 MB unless GOVINDEX_EVIDENCE_MAX_MB says otherwise).
    big = upload_dir / "ho-so-scan.pdf"
    big.write_bytes(PDF + b"0" * (21 * 1024 * 1024))
    row = criterion(page, first)
    row.locator("input[type=file]").set_input_files(str(big))
    press(row.locator("form.evidence-form button[type=submit]"))
    error = wait_swap(criterion(page, first), "error")
    print(f"  too big a file: {error.inner_text()}")
    big.unlink()

    # A criterion the unit does not score itself.
    computed = page.locator("article.criterion:not(:has(form.criterion-form))").first
    shots.element(computed, "03-computed-criterion")
    print(f"  computed criterion: {computed.inner_text()[:200]!r}")

    # A reload keeps everything.
    page.reload()
    page.wait_for_load_state("networkidle")
    row = criterion(page, first)
    expect(row.locator("input[name$=self_value]")).not_to_have_value("")
    expect(row.locator(".evidence-list a")).to_contain_text(good.name)
    shots.element(row, "03-after-reload")
    print(f"  after reload: value {row.locator('input[name$=self_value]').input_value()!r}")

    # Another unit's self-assessment is refused.
    response = page.goto(f"{base}/assessments/{open_round}/units/00004/")
    print(f"  another ward's page: HTTP {response.status if response else '?'}")
    shots.page(page, "09-not-allowed", height=330)
    context.close()
    return ids


def step4_submit(browser: Browser, base: str, shots: Shots, ids: dict[str, int]) -> None:
    context = new_context(browser, shots.language)
    page = sign_in(context, base, "lanhdao.phuong")
    url = f"{base}/assessments/{ids[ROUND_2026]}/units/{WARD}/"
    page.goto(url)
    follow(page.locator("form[action$='/submit/'] button"))
    text = messages(page)
    print(f"  early submit: {text}")
    if "submit" in text.lower() and "criteria" not in text.lower() and shots.language == "en":
        raise StepFailed("the incomplete submission was not refused")
    shots.page(page, "04-submit-incomplete", height=420)

    # Complete the remaining criteria: full points, or 0 for a penalty.
    for leaf in open_criteria(page):
        row = criterion(page, leaf)
        value = "0" if leaf.startswith(("p", "b")) else f"{max_points(row):g}".replace(".", ",")
        row.locator("input[name$=self_value]").fill(value)
        press(row.locator("button[type=submit]").first)
        wait_swap(criterion(page, leaf))
    page.goto(url)
    shots.page(page, "04-complete", height=330)
    follow(page.locator("form[action$='/submit/'] button"))
    print(f"  submit: {messages(page)}")
    expect(page.locator(".round-facts .tag-ok")).to_be_visible()
    shots.page(page, "04-submitted", height=420)
    shots.element(page.locator("article.criterion:has(.evidence-list a)").first, "04-read-only")
    context.close()


def step5_appraisal(browser: Browser, base: str, shots: Shots, ids: dict[str, int]) -> str:
    context = new_context(browser, shots.language)
    page = sign_in(context, base, "thamdinh")
    ids.update(round_ids(page, base))  # the appraiser sees every round, the clerk only the ward's

    # The 2025 round: moves, and the units with late flags.
    page.goto(f"{base}/assessments/{ids[ROUND_2025]}/")
    shots.page(page, "05-round-appraiser", height=620)
    rows = page.locator("table.ranking tbody tr")
    index = page.evaluate(
        "() => Array.from(document.querySelectorAll('table.ranking tbody tr'))"
        ".findIndex(r => r.querySelector('.tag-late'))"
    )
    if index < 0:
        raise StepFailed("no late submission in the 2025 round")
    shots.region(rows.nth(max(0, index - 2)), rows.nth(index + 2), "02-round-late")

    # Closing the open round for submissions (the panel only; the demo keeps it open).
    page.goto(f"{base}/assessments/{ids[ROUND_2026]}/")
    shots.element(page.locator("section.panel"), "05-close-submissions")

    # Moving the mid-2026 communes round from "submitted" to "under appraisal".
    page.goto(f"{base}/assessments/{ids[ROUND_H1_COMMUNES]}/")
    follow(page.locator("form.move-form button.primary"))
    print(f"  move: {messages(page)}")
    shots.page(page, "05-round-moved", height=380)

    # The appraisal screen: the first 2025 unit with self-scores still to appraise.
    page.goto(f"{base}/assessments/{ids[ROUND_2025]}/")
    code = page.evaluate(
        """() => { for (const r of document.querySelectorAll('table.ranking tbody tr')) {
               const n = r.querySelectorAll('td.num')[0];
               if (n && /\\d/.test(n.innerText)) return r.querySelector('th .muted').innerText.trim(); }
             return null; }"""
    )
    if not code:
        raise StepFailed("no unit to appraise in the 2025 round")
    print(f"  appraising unit {code}")
    url = f"{base}/assessments/{ids[ROUND_2025]}/units/{code}/appraisal/"
    page.goto(url)
    shots.page(page, "05-appraisal", height=800)

    row = page.locator("tr.appraisal-row.status-pending").first
    leaf = (row.get_attribute("id") or "").replace("criterion-", "")
    value_field = row.locator("input[name$=appraised_value]")
    self_value = float(value_field.input_value().replace(",", "."))
    lower = f"{max(0.0, self_value - 0.5):g}".replace(".", ",")
    value_field.fill(lower)
    press(row.locator("button[type=submit]"))
    row = page.locator(f"tr#criterion-{leaf}")
    expect(row.locator(".form-error")).to_be_visible()
    print(f"  adjustment without reason: {row.locator('.form-error').inner_text()}")
    shots.element(row, "05-adjust-no-reason")
    row.locator("input[name$=appraised_value]").fill(lower)
    row.locator("input[name$=reason]").fill(
        "Kế hoạch năm chưa có lộ trình cụ thể cho 2 nhiệm vụ; trừ 0,5 điểm."
        if shots.language == "vi"
        else "The annual plan has no schedule for 2 of its tasks; 0.5 points off."
    )
    press(row.locator("button[type=submit]"))
    row = page.locator(f"tr#criterion-{leaf}")
    expect(row.locator(".form-saved")).to_be_visible()
    shots.element(row, "05-adjusted")

    # The round cannot be closed while self-scores wait for an appraisal.
    page.goto(f"{base}/assessments/{ids[ROUND_2025]}/")
    follow(page.locator("form.move-form button.primary"))
    print(f"  move to appraised too early: {messages(page)}")
    shots.page(page, "05-move-refused", height=330)

    page.goto(url)
    follow(page.locator("section.summary form button"))
    print(f"  accept all: {messages(page)}")
    shots.page(page, "05-accepted-all", height=470)

    # Survey points typed in on the appraisal screen.
    survey = page.locator("tr.appraisal-row.status-survey").first
    survey.locator("input[name$=survey_value]").fill("92,5")
    press(survey.locator("button[type=submit]"))
    survey = page.locator("tr.appraisal-row.status-survey").first
    expect(survey.locator(".form-saved")).to_be_visible()
    shots.element(survey, "05-survey-typed")

    # Survey import: a file with mistakes, then a good one.
    upload_dir = shots.uploads
    wrong = upload_dir / "khao-sat-2025-loi.csv"
    wrong.write_text(
        "unit,a8_c1_satisfaction,a8_c2_leader_survey\n00070,93.5,88\n99999,90,80\n00082,120,85\n"
    )
    good = upload_dir / "khao-sat-2025.csv"
    good.write_text("unit,a8_c1_satisfaction,a8_c2_leader_survey\n00070,93.5,88\n00082,91,85.5\n")
    page.goto(f"{base}/assessments/{ids[ROUND_2025]}/survey/")
    page.locator("input[type=file]").set_input_files(str(wrong))
    follow(page.locator("form.stacked-form button[type=submit]"))
    print(
        "  survey import problems:",
        " | ".join(page.locator("section.form-error li").all_inner_texts()),
    )
    shots.page(page, "05-survey-import-problems", height=700)
    page.locator("input[type=file]").set_input_files(str(good))
    follow(page.locator("form.stacked-form button[type=submit]"))
    print(f"  survey import: {messages(page)}")
    shots.page(page, "05-survey-imported", height=330)
    context.close()
    return code


def step6_7_publish_and_dashboards(
    browser: Browser, base: str, shots: Shots, ids: dict[str, int]
) -> None:
    round_id = ids[ROUND_H1_DEPTS]
    # The city leader sees the appraised round before publication, marked provisional.
    context = new_context(browser, shots.language)
    page = sign_in(context, base, "lanhdao.tp")
    page.goto(f"{base}/?round={round_id}")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".notice")).to_be_visible()
    shots.page(page, "07-provisional", height=720)
    context.close()

    # The public does not see it yet.
    context = new_context(browser, shots.language)
    page = context.new_page()
    response = page.goto(f"{base}/?round={round_id}")
    print(f"  public, before publication: {page.url} HTTP {response.status if response else '?'}")
    context.close()

    # The appraiser publishes.
    context = new_context(browser, shots.language)
    page = sign_in(context, base, "thamdinh")
    page.goto(f"{base}/assessments/{round_id}/")
    shots.element(page.locator("section.panel"), "06-publish-button")
    follow(page.locator("form.move-form button.primary"))
    print(f"  publish: {messages(page)}")
    shots.page(page, "06-published", height=420)
    context.close()

    # The public after publication.
    context = new_context(browser, shots.language)
    page = context.new_page()
    page.goto(f"{base}/?round={round_id}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)  # the chart's animation
    shots.page(page, "07-ranking", height=800)
    heading = page.locator("#ranking-table-title")
    heading.scroll_into_view_if_needed()
    shots.region(
        page.locator(".section-head").last,
        page.locator("table.ranking tbody tr").nth(4),
        "07-ranking-table",
    )
    unit_link = page.locator("table.ranking tbody th a").first
    unit_href = unit_link.get_attribute("href") or ""

    page.goto(f"{base}/heatmap/?round={round_id}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    shots.page(page, "07-heat-map", height=800)

    page.goto(f"{base}{unit_href}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    shots.page(page, "07-scorecard", height=800)
    follow(page.locator("a[href*='/criteria/']").first)
    shots.page(page, "07-criterion-public", height=620)

    page.goto(f"{base}/trends/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    shots.page(page, "07-trends", height=800)
    page.goto(f"{base}{unit_href}")
    follow(page.locator("a[href*='/trend/']").first)
    page.wait_for_timeout(800)
    shots.page(page, "07-unit-trend", height=800)
    context.close()


def step8_languages(browser: Browser, base: str, shots: Shots) -> None:
    context = new_context(browser, shots.language)
    page = context.new_page()
    page.goto(f"{base}/heatmap/")
    page.wait_for_load_state("networkidle")
    for code in ("vi", "en", "id"):
        page.select_option("#language-select", code)
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("lang", code)
        shots.page(page, f"08-language-{code}", height=270)
    context.close()


#: The cause and the task the walk-through records for Hoàn Kiếm ward's 2025 diagnosis.
CAUSE = "Chưa phân công cán bộ theo dõi tiến độ kế hoạch cải cách hành chính"
TASK = "Phân công cán bộ đầu mối và lập bảng theo dõi tiến độ hằng tháng"


def step10_diagnosis_plan_report(
    browser: Browser, base: str, shots: Shots, ids: dict[str, int]
) -> None:
    """The ward leader: the 2025 diagnosis, a cause, a "5 rõ" task, the what-if, the report."""
    context = new_context(browser, shots.language)
    page = sign_in(context, base, "lanhdao.phuong")
    ward = f"{base}/improvement/{ids[ROUND_2025]}/units/00070"
    page.goto(f"{ward}/diagnosis/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    shots.page(page, "10-diagnosis", height=1100)

    record = page.locator(".criterion-actions a.button[href*='/cause/']").first
    if record.count() == 0:
        raise StepFailed("the diagnosis shows no criterion waiting for its cause")
    actions = record.locator("xpath=ancestor::div[contains(@class, 'criterion-actions')]")
    leaf_id = (actions.get_attribute("id") or "").removeprefix("criterion-actions-")
    record.click()
    form = page.locator(f"#finding-form-{leaf_id}")
    expect(form).to_be_visible()
    form.locator("select[name=root_cause]").select_option(index=1)
    form.locator("[name=cause_text]").fill(CAUSE)
    form.locator("select[name=person]").select_option(label="Trần Văn Minh")
    shots.element(page.locator(f"tr:has(#finding-form-{leaf_id})"), "10-cause-form")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#criterion-actions-{leaf_id}")).to_contain_text(CAUSE)

    follow(page.locator(f"#criterion-actions-{leaf_id} a[href*='criterion=']"))
    page.fill("#id_statement", TASK)
    page.select_option("#id_person", label="Trần Văn Minh")
    page.fill("#id_deadline", "2027-03-31")
    page.fill("#id_expected_output", "Bảng theo dõi tiến độ được cập nhật hằng tháng")
    page.fill("#id_measure", "12/12 tháng có báo cáo tiến độ")
    shots.element(page.locator("#task-form"), "10-task-form")
    page.locator("#task-form button[type=submit]").click()  # the plan page is hx-boosted
    row = page.locator("tr.task-row", has_text=TASK)
    expect(row).to_be_visible()
    row.locator("summary").click()
    row.locator("form[action$='/approve/'] button").click()
    row = page.locator("tr.task-row", has_text=TASK)
    expect(row.locator(".tag-status-approved")).to_be_visible()
    page.wait_for_load_state("networkidle")
    shots.element(row, "10-task-approved")

    page.goto(f"{ward}/what-if/")
    press(page.locator("button[name=action][value=top_band]"))
    page.wait_for_timeout(500)
    shots.page(page, "10-what-if", height=800)

    page.goto(f"{ward}/report/")
    page.wait_for_load_state("networkidle")
    shots.page(page, "10-report", height=800)
    context.close()


def walk(language: str, base: str, out: Path, workdir: Path, chromium: str) -> list[Path]:
    uploads = workdir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    shots = Shots(out, language, uploads, [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            print("1. sign in")
            step1_sign_in(browser, base, shots)
            print("2-3. rounds and self-assessment")
            ids = step2_3_self_assessment(browser, base, shots)
            print("4. submission")
            step4_submit(browser, base, shots, ids)
            print("5. appraisal")
            step5_appraisal(browser, base, shots, ids)
            print("6-7. publication and dashboards")
            step6_7_publish_and_dashboards(browser, base, shots, ids)
            print("8. languages")
            step8_languages(browser, base, shots)
            print("10. diagnosis, plan and report")
            step10_diagnosis_plan_report(browser, base, shots, ids)
        finally:
            browser.close()
    return shots.taken


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", default="vi,en", help="languages, comma-separated (vi, en)")
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "govindex-guide"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "guide")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--no-rebuild", action="store_true", help="use the database as it is")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for language in args.lang.split(","):
        if language not in LOCALES:
            parser.error(f"unknown language {language!r}; use {', '.join(LOCALES)}")
        print(f"== {language}")
        with demo_server(args.workdir, args.port, rebuild=not args.no_rebuild) as base:
            taken = walk(language, base, args.out, args.workdir, args.chromium)
        big = [path for path in taken if path.stat().st_size > 250_000]
        print(f"{len(taken)} screenshots in {args.out}" + (f"; over 250 KB: {big}" if big else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
