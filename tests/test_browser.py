"""Open the real CLI's HTML worksheet and key in Debian's headless Chromium (Playwright, sync API).

Checks what a person would see: the MathML lays out, nothing overflows a phone screen, the page
makes no request beyond its own file, and printing gives several pages with each sheet's key on
a page of its own. A developer without Playwright or /usr/bin/chromium gets a clean skip; under
CI (CI=true) a missing piece fails instead, so a broken setup cannot hide behind a skip.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import chromium, quizgen, require_browser

require_browser()

from playwright.sync_api import Browser, Page  # noqa: E402

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 900, "height": 1000}
PAGE_OBJECT = re.compile(rb"/Type\s*/Page[^s]")

# How many of the first <math> elements must all have a box, and what share of all of them.
FIRST_N_MATH = 20
MATH_MAJORITY = 0.95


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> Path:
    """worksheet.html and key.html for one sheet, seed 42."""
    out = tmp_path_factory.mktemp("html-single")
    quizgen("worksheet", "--seed", "42", "--format", "html", "-o", str(out))
    assert (out / "worksheet.html").is_file() and (out / "key.html").is_file()
    return out


@pytest.fixture(scope="module")
def two_sheets(tmp_path_factory) -> Path:
    """Two variants: worksheet-1.html, worksheet-2.html and one combined key.html."""
    out = tmp_path_factory.mktemp("html-variants")
    quizgen("worksheet", "--seed", "42", "--variants", "2", "--format", "html", "-o", str(out))
    assert (out / "key.html").is_file()
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


class Opened:
    """A page opened from a file, with every request it made (seen by the route and by the listener)."""

    def __init__(self, page: Page, url: str, routed: list[str], requested: list[str]) -> None:
        self.page, self.url, self.routed, self.requested = page, url, routed, requested

    def foreign_requests(self) -> list[str]:
        """Requests for anything but the page's own file (data: URLs are inline, so they pass)."""
        return [u for u in self.routed + self.requested if u != self.url and not u.startswith("data:")]


def open_file(browser: Browser, path: Path, viewport: dict[str, int]) -> Opened:
    context = browser.new_context(viewport=viewport, service_workers="block")
    url = path.resolve().as_uri()
    routed: list[str] = []
    requested: list[str] = []

    def guard(route) -> None:
        routed.append(route.request.url)
        if route.request.url == url or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url, wait_until="load")
    return Opened(page, url, routed, requested)


@pytest.fixture
def opener(browser):
    """open(path, viewport) -> Opened; closes every context it made."""
    made: list[Opened] = []

    def open_(path: Path, viewport: dict[str, int] = DESKTOP) -> Opened:
        opened = open_file(browser, path, viewport)
        made.append(opened)
        return opened

    yield open_
    for opened in made:
        opened.page.context.close()


def pdf_pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    return len(PAGE_OBJECT.findall(pdf))


def math_boxes(page: Page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('math')].map(m => {
            const r = m.getBoundingClientRect();
            return {width: r.width, height: r.height, display: getComputedStyle(m).display,
                    html: m.outerHTML.slice(0, 160)};
        })"""
    )


# --- 1. the math renders, and nothing overflows a phone ----------------------------------------


def test_key_mathml_has_laid_out_boxes(opener, single):
    page = opener(single / "key.html").page
    boxes = math_boxes(page)
    assert len(boxes) >= 5, f"expected MathML in the key, found {len(boxes)} <math> elements"
    # Chromium lays <math> out as MathML ("math" / "block math"), not as an unknown inline element.
    assert all("math" in b["display"] for b in boxes), {b["display"] for b in boxes}

    empty = [b["html"] for b in boxes if not (b["width"] > 0 and b["height"] > 0)]
    first = boxes[:FIRST_N_MATH]
    assert all(b["width"] > 0 and b["height"] > 0 for b in first), f"zero-size <math> among the first: {empty}"
    assert len(empty) <= (1 - MATH_MAJORITY) * len(boxes), f"{len(empty)}/{len(boxes)} <math> have no size: {empty}"

    # A fraction is really stacked: the numerator sits above the denominator.
    stacked = page.evaluate(
        """() => [...document.querySelectorAll('mfrac')].map(f => {
            const [num, den] = f.children;
            return num.getBoundingClientRect().bottom <= den.getBoundingClientRect().top + 1;
        })"""
    )
    assert stacked, "expected at least one <mfrac> in the key"
    assert all(stacked), "an <mfrac> is not laid out as a fraction"


def test_math_element_handle_bounding_box(opener, single):
    """The same check through Playwright's own element API, on the first few formulas."""
    page = opener(single / "key.html").page
    handles = page.query_selector_all("math")[:5]
    assert handles
    for handle in handles:
        box = handle.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, box


@pytest.mark.parametrize("name", ["worksheet.html", "key.html"])
def test_no_horizontal_overflow_on_phone(opener, single, name):
    page = opener(single / name, PHONE).page
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE["width"]
    assert scroll_width <= inner_width + 1, f"{name} is {scroll_width}px wide on a {inner_width}px phone"


# --- 2. no request leaves the file ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["worksheet.html", "key.html"])
def test_page_requests_nothing_but_itself(opener, single, name):
    opened = opener(single / name)
    opened.page.wait_for_load_state("networkidle")
    assert opened.url in opened.routed, "the route guard did not see the page itself"
    assert opened.url in opened.requested, "the request listener did not see the page itself"
    assert opened.foreign_requests() == [], opened.foreign_requests()


def test_request_guard_catches_external_resources(opener, tmp_path):
    """Self-test of the checker: a page with outside resources is caught (and blocked, never sent).

    Loopback addresses only, so even a checker that failed to block would send nothing off the machine.
    """
    leaky = tmp_path / "leaky.html"
    leaky.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
        '<body><img src="http://127.0.0.1:9/x.png" alt=""><img src="data:image/gif;base64,'
        'R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==" alt=""></body></html>',
        encoding="utf-8",
    )
    opened = opener(leaky)
    foreign = set(opened.foreign_requests())
    assert {"http://127.0.0.1:9/x.css", "http://127.0.0.1:9/x.png"} <= foreign, foreign
    assert not any(u.startswith("data:") for u in foreign)


# --- 3. printing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("name", ["worksheet.html", "key.html"])
def test_print_gives_several_pages(opener, single, name, paper):
    pdf = opener(single / name).page.pdf(format=paper)
    pages = pdf_pages(pdf)
    assert pages > 1, f"{name} printed on {paper} gives {pages} page(s)"


def key_page_counts(page: Page, extra_css: str = "") -> dict[str, int]:
    """A4 pages of the two-sheet key printed whole, each sheet's key alone, the first key followed
    by nothing but the second key's header, and the two headers alone."""

    def pages(script: str) -> int:
        page.reload()
        if extra_css:
            page.add_style_tag(content=extra_css)
        page.evaluate(script)
        return pdf_pages(page.pdf(format="A4"))

    sheets = "const s = document.querySelectorAll('main.sheet');"
    header_only = ".forEach(m => [...m.children].filter(c => c.tagName !== 'HEADER').forEach(c => c.remove()))"
    return {
        "both": pages("0"),
        "first": pages(sheets + "s[1].remove()"),
        "second": pages(sheets + "s[0].remove()"),
        "first+header": pages(sheets + "[s[1]]" + header_only),
        "headers": pages(sheets + "[...s]" + header_only),
    }


def test_each_sheets_key_starts_its_own_page(opener, two_sheets):
    page = opener(two_sheets / "key.html").page
    page.emulate_media(media="print")
    assert page.locator("main.sheet").count() == 2
    breaks = page.evaluate("[...document.querySelectorAll('main.sheet')].map(m => getComputedStyle(m).breakBefore)")
    assert breaks[1] == "page", breaks

    n = key_page_counts(page)
    assert n["both"] >= 2, n
    # Two bare headers fit on one page, yet print on two; the second key's header alone takes
    # a fresh page after the first key ...
    assert n["headers"] == 2, n
    assert n["first+header"] == n["first"] + 1, n
    # ... and the whole second key adds exactly the pages it takes alone.
    assert n["both"] == n["first"] + n["second"], n


def test_page_count_rule_catches_a_missing_page_break(opener, two_sheets):
    """Self-test: with the page break switched off, the rule above fails: the two headers share a page."""
    page = opener(two_sheets / "key.html").page
    page.emulate_media(media="print")
    # Each sheet also prints on a named page of its own, which breaks too: switch both off.
    n = key_page_counts(
        page, "main.sheet + main.sheet { break-before: auto !important; } main.sheet { page: auto !important; }"
    )
    assert n["headers"] == 1, n


# --- 4. screenshots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["worksheet.html", "key.html"])
def test_screenshots(opener, single, tmp_path, name):
    stem = name.removesuffix(".html")
    desktop = tmp_path / f"{stem}-desktop.png"
    phone = tmp_path / f"{stem}-phone.png"
    opener(single / name, DESKTOP).page.screenshot(path=str(desktop), full_page=True)
    opener(single / name, PHONE).page.screenshot(path=str(phone))
    for png in (desktop, phone):
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000, png


# --- Chinese sheets: CJK glyphs, not boxes --------------------------------------------------------


@pytest.fixture(scope="module")
def chinese(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zh")
    quizgen("worksheet", "--lang", "zh", "--seed", "42", "--format", "html", "-o", str(out))
    return out


@pytest.mark.parametrize("name", ["worksheet.html", "key.html"])
def test_chinese_sheets_render_cjk_glyphs(opener, chinese, name):
    opened = opener(chinese / name)
    page = opened.page
    assert page.evaluate("document.documentElement.lang") == "zh"
    assert "卷积" in page.inner_text("body")
    # Missing glyphs are drawn as identical empty boxes; real glyphs of different characters differ.
    page.evaluate(
        """() => { for (const [id, ch] of [['g1', '卷'], ['g2', '积'], ['g3', '池']]) {
             const s = document.createElement('span'); s.id = id; s.textContent = ch;
             s.style.cssText = 'font-size:48px;line-height:1;display:inline-block;background:#fff;color:#000';
             document.querySelector('h1').appendChild(s); } }"""
    )
    shots = [page.locator(f"#{i}").screenshot() for i in ("g1", "g2", "g3")]
    assert len(set(shots)) == 3, "CJK characters render as identical boxes: is a CJK font (fonts-noto-cjk) installed?"
    widths = page.evaluate("['g1','g2'].map(i => document.getElementById(i).getBoundingClientRect().width)")
    assert all(w > 20 for w in widths)
    assert opened.foreign_requests() == []


@pytest.fixture(scope="module")
def chinese_dots(tmp_path_factory) -> Path:
    """A Chinese key whose worked steps multiply with a dot (2·P in the output-size formula)."""
    out = tmp_path_factory.mktemp("zh-dots")
    recipe = out / "dots.yaml"
    recipe.write_text("recipe: dots\nsections:\n  - kind: output-conv\n    difficulty: 2\n    count: 4\n")
    quizgen("worksheet", str(recipe), "--lang", "zh", "--seed", "7", "--format", "html", "-o", str(out))
    return out


def test_math_dot_is_narrow_in_chinese(opener, chinese_dots, tmp_path):
    """The dot in "2 · 0" is drawn by a Latin or math font, not the CJK font's full-width "・"."""
    page = opener(chinese_dots / "key.html").page
    dots = page.evaluate(
        """() => [...document.querySelectorAll('math mo')]
             .filter(m => m.textContent === '\\u00b7' || m.textContent === '\\u22c5')
             .map(m => [m.getBoundingClientRect().width, parseFloat(getComputedStyle(m).fontSize)])"""
    )
    assert dots, "the key has no multiplication dot in its math"
    # A full-width glyph is about 1 em wide; a dot operator in a Latin or math font about 0.3 em.
    assert all(width < 0.5 * size for width, size in dots), dots
    page.locator("math", has=page.locator("mo", has_text="\u22c5")).first.screenshot(path=str(tmp_path / "dot.png"))
