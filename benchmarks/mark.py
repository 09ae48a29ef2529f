"""``quizgen mark``'s reading, measured on synthetic scans: run ``python benchmarks/mark.py [PAGES]`` (default 300).

A class of 60 is printed from ``benchmarks/mark-test.yaml`` (two answer pages of 34 answers: choice rows, counts,
shapes) with ``--answer-sheet --format pdf`` (Chromium), each answer page rasterised at 300 dpi
and filled again and again by ``tests/scanfake.py`` (pencil fills, stray marks; 1 column in 40 planted doubtful:
a double fill, a half fill or an erasure), scanned at 150, 200 and 300 dpi in turn (rotation ±3°, scale,
perspective, blur, noise, grey paper, JPEG), written to one PDF per dpi and read back through the reader.
Printed (targets from issue 22):

- answers filled (target: at least 10,000 on 300 pages), choice parts and grid-ins;

- marks read wrongly without a flag (target 0), over every column of every page read; a page not read at all
  (its QR code under a stray line, say) is a line of the review list, counted apart;
- answers (parts) read without review at 200 dpi (target ≥ 99%), counting only parts with nothing planted;
- doubtful columns flagged (target: all);
- codes right (the QR code, then the layout's name);
- ID digits read right, on the pages of a second class printed without a roster (``--variants``), whose ID
  grids are filled with random 6-digit numbers: read right, flagged for review, read wrongly (target 0);
- pages a minute, from the PDF to every bubble read (target ≥ 60 on this 2-core machine).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import scanfake  # noqa: E402

from quizgen.mark import grade as G  # noqa: E402
from quizgen.mark import scan as S  # noqa: E402

CLASS = 60
# Two answer pages of 34 answers each (choice rows, counts and shapes): 300 pages hold over 10,000 answers.
RECIPE = ROOT / "benchmarks" / "mark-test.yaml"
DOUBT = ("double", "half", "erasure")


def main() -> None:
    pages_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    tmp = Path(tempfile.mkdtemp(prefix="quizgen-mark-bench-"))
    roster = tmp / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"{1000 + i},Student {i:03d}\n" for i in range(CLASS)), encoding="utf-8")
    for students, folder in ((["--roster", str(roster)], "ws"), (["--variants", str(CLASS // 3)], "ids")):
        subprocess.run(
            [sys.executable, "-m", "quizgen", "worksheet", str(RECIPE), *students, "--answer-sheet", "--format", "pdf",
             "-o", str(tmp / folder), "--seed", "9"],
            check=True,
            capture_output=True,
        )  # fmt: skip
    layouts, printed = [], []
    for folder in ("ws", "ids"):  # a class from a roster, then one with ID grids
        layouts += json.loads((tmp / folder / "answer-sheets.json").read_text())["pages"]
        printed += scanfake.rasterise(str(tmp / folder / "answer-sheets.pdf"))
    by_key = {(p["code"], p["page"]): p for p in layouts}
    rng = random.Random(2026)
    made: dict[int, list] = {150: [], 200: [], 300: []}
    truth: dict[int, list] = {150: [], 200: [], 300: []}
    for n in range(pages_wanted):
        k = n % len(layouts)
        layout, page = layouts[k], printed[k]
        cols: dict[tuple[str, int, str], list[str]] = {}
        for b in layout["bubbles"]:
            if b["column"] != "override" and b["part"] != "id":
                cols.setdefault((b["part"], b["dim"], b["column"]), []).append(b["value"])
        answers = {key: rng.choice(vs) for key, vs in cols.items()}
        doubtful = {key: rng.choice(DOUBT) for key in cols if rng.random() < 1 / 40}
        if any(b["part"] == "id" for b in layout["bubbles"]):
            answers.update(scanfake.id_answers("".join(rng.choice("0123456789") for _ in range(6))))
        dpi = (150, 200, 300)[n % 3]
        filled = scanfake.fill_page(page, layout, answers, rng, doubtful=doubtful, strays=rng.randint(0, 2))
        made[dpi].append(scanfake.scanner(filled, rng, dpi=dpi, jpeg=rng.choice((None, 60, 85))))
        truth[dpi].append((layout, answers, doubtful))
    wrong = flagged = planted = columns = 0
    filled_parts = {"choice": 0, "grid": 0}
    for dpi_truth in truth.values():
        for _layout, answers, _doubtful in dpi_truth:
            kinds = {key[0]: key[2] == "choice" for key in answers if key[0] != "id"}
            for is_choice in kinds.values():
                filled_parts["choice" if is_choice else "grid"] += 1
    parts_clean = parts_clean_ok = 0
    codes_ok = pages = 0
    unread: list[str] = []
    id_right = id_flagged = id_wrong = 0
    seconds = 0.0
    for dpi, images in made.items():
        pdf = tmp / f"scans-{dpi}.pdf"
        scanfake.to_pdf(images, str(pdf), dpi=dpi)
        t0 = time.perf_counter()
        reads = [S.read_page(sc, by_key) for sc in S.load([str(pdf)])]
        seconds += time.perf_counter() - t0
        for read, (layout, answers, doubtful) in zip(reads, truth[dpi]):
            pages += 1
            if read.problem:  # quizgen mark lists the page for review (e.g. a stray line over its QR code)
                unread.append(read.problem)
                continue
            codes_ok += read.code == layout["code"] and by_key[(read.code, read.page)]["student"] == layout["student"]
            bycol: dict[tuple[str, int, str], list] = {}
            for b in read.bubbles:
                bycol.setdefault((b.part, b.dim, b.column), []).append(b)
            bad_parts = {key[0] for key in doubtful}
            part_ok: dict[str, bool] = {}
            for key, meant in answers.items():
                if key[0] == "id":
                    value, why = G.column_value(bycol.get(key, []))
                    id_right += not why and value == meant
                    id_flagged += bool(why) or value is None
                    id_wrong += not why and value is not None and value != meant
                    continue
                columns += 1
                value, why = G.column_value(bycol.get(key, []))
                if key in doubtful:
                    planted += 1
                    flagged += bool(why)
                    continue
                if not why and value != meant:
                    wrong += 1
                part_ok[key[0]] = part_ok.get(key[0], True) and not why
            if dpi == 200:
                for part, ok in part_ok.items():
                    if part not in bad_parts:
                        parts_clean += 1
                        parts_clean_ok += ok
    print(f"pages: {pages} ({', '.join(f'{len(v)} at {d} dpi' for d, v in made.items())}); columns filled: {columns}")
    print(
        f"answers filled: {sum(filled_parts.values())} ({filled_parts['choice']} choice parts, "
        f"{filled_parts['grid']} grid-in parts, a shape's sizes one part)"
    )
    print(f"marks read wrongly without a flag: {wrong} (target 0)")
    print(
        f"answers read without review at 200 dpi: {parts_clean_ok}/{parts_clean} = {100 * parts_clean_ok / max(parts_clean, 1):.2f}% (target >= 99%)"
    )
    print(f"doubtful columns flagged: {flagged}/{planted} (target all)")
    print(f"pages not read, each a line of the review list (not counted above): {len(unread)} {sorted(set(unread))}")
    print(f"codes and names right: {codes_ok}/{pages - len(unread)} pages read")
    ids = id_right + id_flagged + id_wrong
    print(
        f"ID digits read right: {id_right}/{ids} = {100 * id_right / max(ids, 1):.2f}%; "
        f"flagged for review: {id_flagged}; read wrongly: {id_wrong} (target 0)"
    )
    print(f"pages a minute (PDF to bubbles, one process): {60 * pages / seconds:.0f} (target >= 60)")


if __name__ == "__main__":
    main()
