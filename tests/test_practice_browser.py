"""The practice page (``quizgen worksheet --format practice``) as a student meets it: opened from
``file://`` in Debian's headless Chromium (Playwright, sync API), answered through its inputs.

Every page is made by the real CLI, and every right and known-wrong answer comes from the key that
``--format json`` writes for the same options (never from the page's own code); the forgot-bias value
is worked out again by hand from the spec the problem shows.  Each test opens a fresh browser context,
so localStorage starts empty unless the test reloads on purpose.  Skips without Playwright or
/usr/bin/chromium, except under CI (tests/browser.py).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, require_browser
from browser import quizgen as _quizgen

require_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 900, "height": 1000}
SEED = "5"
CJK = re.compile(r"[\u4e00-\u9fff]")
# The 20-problem mixed page of benchmarks/practice.py: every kind of part, figures, multi-part problems.
KINDS = ["output-conv", "output-pool", "params-conv", "macs-conv", "pool-ops", "memory"]
KINDS += ["spot-error", "network-trace", "receptive-field", "output-transposed"]
MIXED = [*(arg for kind in KINDS for arg in ("--kind", kind)), "--problems", "20", "--difficulty", "3"]


quizgen = partial(_quizgen, timeout=180)  # the 20-problem pages take longer than the default


def quizgen_json(*args: str) -> Any:
    """``quizgen ARGS --json``'s output (exit 1 is fine: ``check`` says so for a wrong claim)."""
    proc = subprocess.run(
        [sys.executable, "-m", "quizgen", *args, "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


@dataclass
class Sheets:
    """A --format practice run and the key of the same options: the pages and each sheet's key."""

    folder: Path
    keys: list[dict[str, Any]]

    @property
    def page(self) -> Path:
        return self.folder / "practice.html"

    def parts(self, sheet: int = 0) -> dict[str, tuple[dict, dict]]:
        """``N.i`` -> (problem, part) of the key, in order."""
        return {
            f"{p['number']}.{i}": (p, part)
            for p in self.keys[sheet]["problems"]
            for i, part in enumerate(p["parts"], start=1)
        }

    def total(self, sheet: int = 0) -> float:
        return self.keys[sheet]["total_marks"]


def build(tmp_path_factory, name: str, *options: str) -> Sheets:
    """The practice page(s) and, made apart with the same options, key.json."""
    out = tmp_path_factory.mktemp(name)
    quizgen("worksheet", *options, "--format", "practice", "-o", str(out / "page"))
    quizgen("worksheet", *options, "--format", "json", "-o", str(out / "key"))
    key = json.loads((out / "key" / "key.json").read_text(encoding="utf-8"))
    return Sheets(out / "page", key["keys"])


@pytest.fixture(scope="module")
def params(tmp_path_factory) -> Sheets:
    """Four one-part params-conv problems (difficulty 2: conv2d with bias), one mark each."""
    return build(tmp_path_factory, "params", "--kind", "params-conv", "--problems", "4", "--seed", SEED)


@pytest.fixture(scope="module")
def linear(tmp_path_factory) -> Sheets:
    return build(tmp_path_factory, "linear", "--kind", "params-linear", "--problems", "4", "--seed", SEED)


@pytest.fixture(scope="module")
def shapes(tmp_path_factory) -> Sheets:
    return build(tmp_path_factory, "shapes", "--kind", "output-conv", "--problems", "3", "--seed", SEED)


@pytest.fixture(scope="module")
def choices(tmp_path_factory) -> Sheets:
    return build(tmp_path_factory, "choice", "--kind", "params-conv", "--problems", "3", "--form", "choice")


@pytest.fixture(scope="module")
def chinese(tmp_path_factory) -> Sheets:
    return build(tmp_path_factory, "zh", "--lang", "zh", "--kind", "params-conv", "--problems", "2", "--seed", SEED)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Sheets:
    return build(tmp_path_factory, "mixed", *MIXED, "--seed", SEED)


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> Sheets:
    return build(tmp_path_factory, "variants", "--kind", "params-conv", "--problems", "2", "--variants", "3")


# --- the browser, and a page opened with every request watched -----------------------------------


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


class Opened:
    """A practice page in a fresh context, with every request it made (seen by the route and by the
    listener), every Content-Security-Policy violation and every script error."""

    def __init__(self, browser: Browser, path: Path, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport, service_workers="block")
        self.url = path.resolve().as_uri()
        # The page's own folder: the index links to its siblings, and following a link loads one.
        self.allowed = {p.resolve().as_uri() for p in path.parent.glob("*.html")}
        self.routed: list[str] = []
        self.requested: list[str] = []
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._guard)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requested.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        # A request the CSP blocks never reaches the route: count the violations too.
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', "
            "e => console.warn('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        self.page.goto(self.url, wait_until="load")

    def _guard(self, route) -> None:
        self.routed.append(route.request.url)
        if route.request.url in self.allowed:
            route.continue_()
        else:
            route.abort()

    def _console(self, message) -> None:
        if message.text.startswith("CSP violation") or "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def foreign_requests(self) -> list[str]:
        return [u for u in self.routed + self.requested if u not in self.allowed]


@pytest.fixture
def opener(browser):
    """open(path, viewport) -> the Page, ready; closes every context it made, and fails a test whose
    page threw a script error."""
    made: list[Opened] = []

    def open_(path: Path, viewport: dict[str, int] = DESKTOP, *, ready: bool = True) -> Opened:
        opened = Opened(browser, path, viewport)
        made.append(opened)
        if ready:
            wait_ready(opened.page)
        return opened

    yield open_
    errors = [e for opened in made for e in opened.errors]
    for opened in made:
        opened.context.close()
    assert errors == [], f"the page threw: {errors}"


def wait_ready(page: Page) -> None:
    expect(page.locator("#practice")).to_have_attribute("data-ready", "1")


# --- what a student does ---------------------------------------------------------------------------


def feedback(page: Page, pid: str):
    return page.locator(f'[data-feedback="{pid}"]')


def solution(page: Page, pid: str):
    return page.locator(f'[data-solution="{pid}"]')


def answer(page: Page, pid: str, text: str, *, enter: bool = False) -> str:
    """Type ``text`` into part ``pid``, press Check (or Enter), and return the feedback it gets.

    The feedback box is emptied first, so the wait is for this answer's feedback, not the last one's.
    """
    box = feedback(page, pid)
    box.evaluate("e => e.replaceChildren()")
    page.locator(f'[data-part="{pid}"]').fill(text)
    if enter:
        page.locator(f'[data-part="{pid}"]').press("Enter")
    else:
        page.locator(f'[data-check="{pid}"]').click()
    expect(box).not_to_be_empty()
    return box.inner_text()


def give_up(page: Page, pid: str) -> None:
    page.locator(f'[data-give-up="{pid}"]').click()
    expect(solution(page, pid)).to_be_visible()


def marks(m: float) -> str:
    return f"{m:g}"


def score_text(got: float, total: float) -> str:
    return f"Score: {marks(got)} of {marks(total)} marks"


def solutions(page: Page) -> dict[str, dict[str, Any]]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-solution]')].map(
             e => [e.dataset.solution, {hidden: e.hidden, visible: e.offsetParent !== null,
                                        text: e.textContent.trim()}]))"""
    )


def count(n: int) -> str:
    """A count as the page writes it: thousands separated by commas."""
    return f"{n:,}"


def as_shown(sentence: str) -> str:
    """A key sentence as the page reads it: the sheets' ``C_in`` is C with a subscript "in" (no math here)."""
    assert "$" not in sentence, sentence
    return re.sub(r"(?<=\w)_(?=\w)", "", sentence)


def shape(values: list[int]) -> str:
    return " × ".join(str(v) for v in values)


def three_figures(n: int) -> tuple[str, str]:
    """``n`` correctly rounded to 3 significant figures, with a suffix (23296 -> 23.3k) and in
    e-notation (2.33e4), worked out from the number alone."""
    exponent = math.floor(math.log10(n))
    step = 10 ** (exponent - 2)  # the place of the third figure
    rounded = (2 * n + step) // (2 * step) * step  # round half up
    exponent = math.floor(math.log10(rounded))
    mantissa = rounded / 10**exponent
    power = exponent // 3 * 3
    suffix = {3: "k", 6: "M", 9: "G"}[power]
    scaled = rounded / 10**power
    return f"{scaled:.{max(0, 2 - (exponent - power))}f}{suffix}", f"{mantissa:.2f}e{exponent}"


def test_three_figures_by_hand():
    """The reference rounding, on numbers worked by hand."""
    assert three_figures(23296) == ("23.3k", "2.33e4")  # 23,296 -> 23,300
    assert three_figures(34944) == ("34.9k", "3.49e4")  # 34,944 -> 34,900
    assert three_figures(819328) == ("819k", "8.19e5")  # 819,328 -> 819,000
    assert three_figures(2654976) == ("2.65M", "2.65e6")  # 2,654,976 -> 2,650,000
    assert three_figures(99960) == ("100k", "1.00e5")  # 99,960 -> 100,000


# --- 1. a right answer ------------------------------------------------------------------------------


def test_right_answer_gives_a_tick_and_opens_its_solution(opener, params):
    page = opener(params.page).page
    pid, (problem, part) = next(iter(params.parts().items()))
    text = answer(page, pid, str(part["answer"]))
    assert text.startswith("✓"), text
    assert count(part["answer"]) in text
    expect(solution(page, pid)).to_be_visible()
    expect(solution(page, pid)).to_contain_text(count(part["answer"]))
    expect(page.locator("[data-score]")).to_have_text(score_text(problem["marks"], params.total()))
    assert page.locator(f'[data-part="{pid}"]').is_disabled()


# --- 2. the forgot-bias value names forgot-bias -------------------------------------------------------


def params_by_hand(spec: str) -> tuple[int, int]:
    """(parameters, biases) of a conv or linear layer, from the spec the problem shows."""
    words = spec.split()
    fields = dict(word.split("=", 1) for word in words[1:])
    bias = fields.get("bias", "true") == "true"
    out = int(fields["out"])
    if words[0] == "linear":
        weights = int(fields["in"]) * out  # every input to every output
    else:
        sizes = [int(s) for s in fields["in"].split("x")]
        c_in, spatial = sizes[-1], len(sizes) - 1
        kernel = [int(k) for k in fields["k"].split("x")]
        if len(kernel) == 1:
            kernel *= spatial
        # each of the C_out filters spans K·K·(C_in / groups) inputs
        weights = math.prod(kernel) * (c_in // int(fields.get("g", "1"))) * out
    biases = out if bias else 0  # one per output channel
    return weights + biases, biases


@pytest.mark.parametrize("sheet", ["params", "linear"])
def test_forgot_bias_value_names_forgot_bias(opener, request, sheet):
    sheets: Sheets = request.getfixturevalue(sheet)
    page = opener(sheets.page).page
    tried = 0
    for pid, (problem, part) in sheets.parts().items():
        total, biases = params_by_hand(problem["spec"])
        assert total == part["answer"], (problem["spec"], total, part["answer"])
        if not biases:
            continue
        # e.g. conv2d in=224x224x3 out=64 k=11: 11·11·3·64 + 64 = 23,296; without the 64 biases, 23,232
        forgot = total - biases
        named = [w for w in part["wrong_answers"] if w["misconceptions"] == ["forgot-bias"]]
        assert [w["value"] for w in named] == [forgot], (forgot, part["wrong_answers"])
        if any(w["value"] == forgot for w in part["wrong_answers"] if w not in named):
            continue  # another misconception gives the same value: not this test's case
        # `quizgen check` says the same sentence for that claim
        verdict = quizgen_json("check", problem["spec"], "--claim", f"params={forgot}")["claims"][0]
        assert verdict["verdict"] == "wrong"
        assert verdict["misconceptions"][0] == {"ids": ["forgot-bias"], "explanation": named[0]["why"]}

        text = answer(page, pid, str(forgot))
        assert text.startswith("✗"), text
        assert as_shown(named[0]["why"]) in text, (named[0]["why"], text)
        # it names the mistake without giving the answer away
        assert count(total) not in text and str(total) not in text, text
        expect(solution(page, pid)).to_be_hidden()
        tried += 1
    assert tried, "no problem on the sheet has biases"
    expect(page.locator("[data-score]")).to_have_text(score_text(0, sheets.total()))


# --- 3. zero is no rounding ---------------------------------------------------------------------------


def test_zero_with_a_suffix_is_not_right(opener, params):
    page = opener(params.page).page
    for (pid, _), zero in zip(params.parts().items(), ["0M", "0G", "0k"]):
        text = answer(page, pid, zero)
        assert text.startswith("✗") and "✓" not in text, (zero, text)
        assert "couldn't read" not in text, text
        expect(solution(page, pid)).to_be_hidden()
    expect(page.locator("[data-score]")).to_have_text(score_text(0, params.total()))


def test_zero_and_coarse_roundings_say_why_without_a_hint_about_the_working(opener, params):
    """0M is zero, never a rounding; a right value with 2 figures is rounded too far; neither gets the hint."""
    page = opener(params.page).page
    (pid, (_problem, part)), (other, (_p2, part2)) = list(params.parts().items())[:2]
    text = answer(page, pid, "0M")
    assert "0M is zero, and zero is never a rounding of a value that is not zero." in text, text
    n = part2["answer"]
    digits = len(str(n))
    two = round(n, 2 - digits)  # 2 significant figures, by hand: 23,296 -> 23,000
    coarse = f"{two / 10 ** (digits - 1):.1f}e{digits - 1}"  # 2.3e4
    text = answer(page, other, coarse)
    assert f"{coarse} is rounded too far" in text and "Hint" not in text and "One more try" in text, text


def test_choices_name_their_own_letters(opener, tmp_path_factory):
    """The default sheet's parameters problem 6 has three options, A-C (its key says so): D cannot be read."""
    default = build(tmp_path_factory, "default")
    page = opener(default.page).page
    three = 0
    for pid, (_problem, part) in default.parts().items():
        letters = [c["letter"] for c in part.get("choices", [])]
        if not letters:
            continue
        box = page.locator(f'[data-part="{pid}"]')
        expect(box).to_have_attribute("placeholder", f"{letters[0]}-{letters[-1]}, or the value")
        if letters == ["A", "B", "C"]:
            text = answer(page, pid, "D")
            assert "or a letter A-C" in text and "shape" not in text, text
            three += 1
    assert three >= 1


# --- 4. garbage costs nothing ---------------------------------------------------------------------------


def test_unreadable_answers_cost_nothing(opener, params):
    page = opener(params.page).page
    pid, (problem, part) = next(iter(params.parts().items()))
    for garbage in ["twelve", "34.9kk", "12 34"]:
        text = answer(page, pid, garbage)
        assert "couldn't read" in text, (garbage, text)
        assert "✗" not in text and "One more try" not in text, text
        assert page.locator(f'[data-part="{pid}"]').is_enabled()
    # still the first try: a wrong answer now gets the hint and one more try, not "twice"
    wrong = answer(page, pid, str(part["answer"] + 1))
    assert "One more try" in wrong and "twice" not in wrong, wrong
    right = answer(page, pid, str(part["answer"]))
    assert right.startswith("✓"), right
    expect(page.locator("[data-score]")).to_have_text(score_text(problem["marks"], params.total()))


# --- 5. wrong, hint, right: the steps open -------------------------------------------------------------


def unknown_wrong(part: dict) -> int:
    """A wrong value no misconception produces (and not a rounding of the answer)."""
    known = {part["answer"], *(w["value"] for w in part["wrong_answers"])}
    value = part["answer"] + 7
    while value in known:
        value += 7
    return value


def test_wrong_then_hint_then_right_opens_the_steps(opener, params):
    page = opener(params.page).page
    pid, (problem, part) = list(params.parts().items())[1]
    text = answer(page, pid, str(unknown_wrong(part)))
    assert text.startswith("✗"), text
    hint = feedback(page, pid).locator(".hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Hint")
    assert "One more try" in text
    expect(solution(page, pid)).to_be_hidden()
    assert solutions(page)[pid]["text"] == "", "the steps are in the page before they are earned"

    text = answer(page, pid, str(part["answer"]), enter=True)
    assert text.startswith("✓"), text
    sol = solution(page, pid)
    expect(sol).to_be_visible()
    # the worked steps of the key: each step's title, and the last one ends at the answer
    steps = sol.locator("ol.steps > li")
    expect(steps).to_have_count(len(problem["steps"]))
    for step in problem["steps"]:
        expect(sol).to_contain_text(step["title"])
    expect(steps.last).to_contain_text(problem["steps"][-1]["result"])
    expect(page.locator("[data-score]")).to_have_text(score_text(problem["marks"], params.total()))


def test_two_wrong_answers_offer_the_worked_steps(opener, params):
    page = opener(params.page).page
    pid, (problem, part) = list(params.parts().items())[2]
    first = unknown_wrong(part)
    answer(page, pid, str(first))
    text = answer(page, pid, str(unknown_wrong({**part, "answer": first})))
    assert "twice" in text, text
    assert page.locator(f'[data-part="{pid}"]').is_disabled()
    button = page.locator(f'[data-give-up="{pid}"]')
    expect(button).to_have_text("Show the worked steps")
    expect(solution(page, pid)).to_be_hidden()
    button.click()
    expect(solution(page, pid)).to_be_visible()
    expect(solution(page, pid)).to_contain_text(count(part["answer"]))
    expect(page.locator("[data-score]")).to_have_text(score_text(0, params.total()))


# --- 6. show solution opens one part --------------------------------------------------------------------


def test_show_solution_opens_only_that_part(opener, mixed):
    page = opener(mixed.page).page
    parts = mixed.parts()
    assert len(parts) > 20, "the mixed sheet should have multi-part problems"
    # a later part of a multi-part problem: its neighbours must stay shut
    pid = next(p for p in parts if p.endswith(".2"))
    problem, part = parts[pid]
    give_up(page, pid)
    expect(feedback(page, pid)).to_contain_text("Given up")
    assert page.locator(f'[data-part="{pid}"]').is_disabled()
    expect(page.locator(f'[data-give-up="{pid}"]')).to_be_hidden()
    shown = solutions(page)
    assert shown.pop(pid)["visible"]
    opened = {other: s for other, s in shown.items() if not s["hidden"] or s["visible"] or s["text"]}
    assert opened == {}, f"giving up {pid} opened others: {opened}"
    expected = shape(part["answer"]) if isinstance(part["answer"], list) else count(part["answer"])
    expect(solution(page, pid)).to_contain_text(expected)
    # given up: no marks, but the part is done
    expect(page.locator("[data-score]")).to_have_text(score_text(0, mixed.total()))
    expect(page.locator("[data-done]")).to_contain_text(f"1 of {len(parts)}")


# --- 7. a reload keeps progress; start again clears it -----------------------------------------------------


def test_reload_keeps_progress_and_start_again_clears_it(opener, params):
    page = opener(params.page).page
    (right_id, (right_problem, right_part)), (gave_id, _), (wrong_id, (_, wrong_part)), *_ = params.parts().items()
    answer(page, right_id, str(right_part["answer"]))
    give_up(page, gave_id)
    answer(page, wrong_id, str(unknown_wrong(wrong_part)))
    kept = score_text(right_problem["marks"], params.total())
    expect(page.locator("[data-score]")).to_have_text(kept)
    code = page.locator("#practice").get_attribute("data-code")
    assert code == params.keys[0]["code"]
    assert page.evaluate("code => localStorage.getItem('quizgen-practice:' + code)", code) is not None

    page.reload()
    wait_ready(page)
    expect(page.locator("[data-score]")).to_have_text(kept)
    for pid in (right_id, gave_id):
        expect(solution(page, pid)).to_be_visible()
    expect(solution(page, right_id)).to_contain_text(count(right_part["answer"]))
    expect(feedback(page, right_id)).to_contain_text("✓")
    expect(feedback(page, gave_id)).to_contain_text("Given up")
    expect(solution(page, wrong_id)).to_be_hidden()
    assert page.locator(f'[data-part="{right_id}"]').is_disabled()

    # "Start again", but cancelled: nothing changes
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("[data-restart]").click()
    expect(page.locator("[data-score]")).to_have_text(kept)
    expect(solution(page, right_id)).to_be_visible()

    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.locator("[data-restart]").click()
    wait_ready(page)
    assert dialogs == ["confirm"]
    expect(page.locator("[data-score]")).to_have_text(score_text(0, params.total()))
    shown = solutions(page)
    assert all(s["hidden"] and not s["text"] for s in shown.values()), shown
    for pid in (right_id, gave_id, wrong_id):
        expect(feedback(page, pid)).to_be_empty()
        expect(page.locator(f'[data-part="{pid}"]')).to_be_enabled()
        expect(page.locator(f'[data-part="{pid}"]')).to_have_value("")
    assert page.evaluate("code => localStorage.getItem('quizgen-practice:' + code)", code) is None


# --- 8. Chinese ------------------------------------------------------------------------------------------


def test_chinese_page_grades(opener, chinese):
    page = opener(chinese.page).page
    assert page.evaluate("document.documentElement.lang") == "zh"
    assert CJK.search(page.locator("h1").inner_text())
    assert CJK.search(page.locator(".convention").inner_text())
    pid, (_, part) = next(iter(chinese.parts().items()))
    text = answer(page, pid, str(part["answer"]))
    assert text.startswith("✓") and CJK.search(text), text
    expect(solution(page, pid)).to_be_visible()
    assert CJK.search(solution(page, pid).inner_text())


def test_chinese_page_controls_are_chinese(opener, chinese):
    """The page's own words (buttons, score, messages) are Chinese too."""
    page = opener(chinese.page).page
    pid = next(iter(chinese.parts()))
    words = {
        "Check": page.locator(f'[data-check="{pid}"]').inner_text(),
        "Show solution": page.locator(f'[data-give-up="{pid}"]').inner_text(),
        "Start again": page.locator("[data-restart]").inner_text(),
        "Score": page.locator("[data-score]").inner_text(),
        "parts done": page.locator("[data-done]").inner_text(),
        "how to answer": page.locator(".how").inner_text(),
        "couldn't read": answer(page, pid, "twelve"),
    }
    english = {name: text for name, text in words.items() if not CJK.search(text)}
    assert english == {}, f"still in English on a --lang zh page: {english}"


# --- 9. no request leaves the page -------------------------------------------------------------------------


def test_no_request_leaves_the_page(opener, params):
    opened = opener(params.page)
    page = opened.page
    items = list(params.parts().items())
    (a, (_, pa)), (b, _), (c, (_, pc)), (d, _) = items[:4]
    answer(page, a, str(pa["answer"]))
    give_up(page, b)
    answer(page, c, "twelve")
    answer(page, c, str(unknown_wrong(pc)))
    answer(page, d, "0M")
    page.reload()
    wait_ready(page)
    expect(solution(page, a)).to_be_visible()
    expect(solution(page, b)).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("[data-restart]").click()
    wait_ready(page)
    page.wait_for_load_state("networkidle")
    assert opened.url in opened.routed, "the route guard did not see the page itself"
    assert opened.url in opened.requested, "the request listener did not see the page itself"
    assert opened.foreign_requests() == []
    assert opened.violations == []


def test_request_watch_sees_what_the_csp_blocks(opener, tmp_path):
    """Self-test: under the page's CSP an outside image is blocked before it is requested; the watch
    still reports it (loopback only, so a failed block sends nothing off the machine)."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        '</head><body><img src="http://127.0.0.1:9/x.png" alt=""></body></html>',
        encoding="utf-8",
    )
    opened = opener(leaky, ready=False)
    opened.page.wait_for_load_state("load")
    assert any("127.0.0.1:9" in v for v in opened.violations), opened.violations


# --- 10. the drill's spellings, choices, phones, labels and a class's files ------------------------------------


def test_rounded_answers_are_right_and_say_rounded(opener, params):
    page = opener(params.page).page
    tried = 0
    got = 0.0
    for pid, (problem, part) in params.parts().items():
        n = part["answer"]
        suffixed, e_notation = three_figures(n)
        if float(e_notation) == n:
            continue  # 3 figures are exact here: nothing is rounded
        text = answer(page, pid, suffixed if tried % 2 == 0 else e_notation)
        assert text.startswith("✓") and "rounded" in text, (n, suffixed, e_notation, text)
        assert count(n) in text, text
        got += problem["marks"]
        tried += 1
    assert tried >= 2, "too few answers with more than 3 significant figures"
    # a rounded answer earns the part's full marks
    expect(page.locator("[data-score]")).to_have_text(score_text(got, params.total()))


def test_shapes_in_the_drills_spellings(opener, shapes):
    page = opener(shapes.page).page
    parts = [(pid, part) for pid, (_, part) in shapes.parts().items() if isinstance(part["answer"], list)]
    assert len(parts) >= 3
    spellings = ["{}x{}x{}", "{}×{}×{}", "({}, {}, {})"]
    for (pid, part), spelling in zip(parts, spellings):
        text = answer(page, pid, spelling.format(*part["answer"]))
        assert text.startswith("✓"), (spelling, text)
        assert shape(part["answer"]) in text, text


def test_choices_by_letter(opener, choices):
    page = opener(choices.page).page
    (first, (_, part1)), (second, (_, part2)) = list(choices.parts().items())[:2]
    right = next(c["letter"] for c in part1["choices"] if c["correct"])
    text = answer(page, first, right)
    assert text.startswith("✓"), text
    expect(solution(page, first)).to_be_visible()
    # a wrong letter is judged by its value: a distractor's sentence, in lower case too
    wrong = next(c for c in part2["choices"] if not c["correct"])
    text = answer(page, second, wrong["letter"].lower())
    assert text.startswith("✗") and as_shown(wrong["why"]) in text, (wrong, text)
    assert count(part2["answer"]) not in text
    # a click on a choice answers with its letter
    third, (_, part3) = list(choices.parts().items())[2]
    letter = next(c["letter"] for c in part3["choices"] if c["correct"])
    buttons = page.locator(f'[data-choice="{third}"]')
    expect(buttons).to_have_count(len(part3["choices"]))
    box = feedback(page, third)
    buttons.and_(page.locator(f'[data-letter="{letter}"]')).click()
    expect(box).to_contain_text("✓")
    expect(solution(page, third)).to_be_visible()
    for i in range(buttons.count()):
        expect(buttons.nth(i)).to_be_disabled()


def overflow(page: Page) -> tuple[int, int, list[str]]:
    """The page's width, the window's, and the elements that stick out of the window.  A wide formula
    inside a box that scrolls sideways (a solution's steps) stays in its box, not out of the page."""
    return page.evaluate(
        """() => {
          const inScrollBox = e => {
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
              if (getComputedStyle(a).overflowX !== 'visible') return true;
            return false;
          };
          const out = [...document.querySelectorAll('#practice *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1) && !inScrollBox(e);
          });
          return [document.documentElement.scrollWidth, window.innerWidth,
                  out.slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))];
        }"""
    )


@pytest.mark.parametrize("sheet", ["mixed", "choices", "chinese"])
def test_nothing_overflows_a_phone(opener, request, sheet):
    sheets: Sheets = request.getfixturevalue(sheet)
    page = opener(sheets.page, PHONE).page
    scroll, inner, wide = overflow(page)
    assert inner == PHONE["width"]
    assert scroll <= inner + 1 and not wide, f"{scroll}px wide on a {inner}px phone: {wide}"
    # every solution open: steps, MathML and figures must fit too
    for pid in sheets.parts():
        page.locator(f'[data-give-up="{pid}"]').click()
    for pid in sheets.parts():
        expect(solution(page, pid)).to_be_visible()
    scroll, inner, wide = overflow(page)
    assert scroll <= inner + 1 and not wide, f"with the solutions open, {scroll}px on {inner}px: {wide}"


def test_overflow_check_catches_a_wide_element(opener, params):
    """Self-test: a 600 px box in a problem is caught, though the page's own width may not show it."""
    page = opener(params.page, PHONE).page
    page.evaluate(
        "document.querySelector('article.problem p').insertAdjacentHTML('beforeend', "
        "'<span id=wide style=\"display:inline-block;width:600px\">wide</span>')"
    )
    wide = overflow(page)[2]
    assert any(w.startswith("SPAN.") for w in wide), wide


def test_every_input_has_a_label_and_feedback_is_live(opener, mixed):
    page = opener(mixed.page).page
    inputs = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')].map(i => ({
             part: i.dataset.part || null,
             labels: [...(i.labels || [])].map(l => l.textContent.trim())}))"""
    )
    assert {i["part"] for i in inputs} == set(mixed.parts())
    unlabelled = [i for i in inputs if len(i["labels"]) != 1 or not i["labels"][0]]
    assert unlabelled == [], unlabelled
    # the label a screen reader reads finds the input (within its problem: parts of the same kind share a label)
    first = inputs[0]
    part = page.locator(f'[data-part="{first["part"]}"]')
    problem = page.locator("article.problem", has=part)
    expect(problem.get_by_label(first["labels"][0], exact=True)).to_have_attribute("data-part", first["part"])
    live = page.evaluate(
        """() => [...document.querySelectorAll('[data-feedback]')].map(
             f => [f.dataset.feedback, f.getAttribute('role'), f.getAttribute('aria-live')])"""
    )
    assert {pid for pid, _, _ in live} == set(mixed.parts())
    assert all(role == "status" and aria in ("polite", "assertive") for _, role, aria in live), live


def test_variants_write_a_page_each_and_an_index(opener, variants):
    names = sorted(p.name for p in variants.folder.glob("*.html"))
    assert names == ["index.html", "practice-1.html", "practice-2.html", "practice-3.html"]
    assert len(variants.keys) == 3
    opened = opener(variants.folder / "index.html", ready=False)
    page = opened.page
    links = page.locator("a[href$='.html']")
    expect(links).to_have_count(3)
    for i in range(3):
        with page.expect_navigation():
            links.nth(i).click()
        assert page.url == (variants.folder / f"practice-{i + 1}.html").resolve().as_uri()
        wait_ready(page)
        # each student's page is their own sheet: its code, and its own key's answers are right
        expect(page.locator("#practice")).to_have_attribute("data-code", variants.keys[i]["code"])
        pid, (_, part) = next(iter(variants.parts(i).items()))
        assert answer(page, pid, str(part["answer"])).startswith("✓")
        page.go_back()
        expect(links).to_have_count(3)
    assert len({k["code"] for k in variants.keys}) == 3
    assert opened.foreign_requests() == [] and opened.violations == []
