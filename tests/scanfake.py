"""Synthetic scans of filled answer sheets, made the way a scanner makes them (used by tests and benchmarks).

A printed answer page (answer-sheets.pdf rasterised at 300 dpi) is filled from ``answer-sheets.json`` with
pencil-like marks: an uneven ellipse, partly outside the circle, lighter or darker; plus stray marks, erasures
and double fills when asked.  The page is then rotated (±3°), scaled, given a slight perspective, blurred,
noised, put on a grey background, resampled to 150/200/300 dpi and JPEG-compressed.  The truth of every column
is returned: the value meant, ``None`` for none, or ``"doubtful"`` for a planted doubtful mark.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

BASE_DPI = 300


def rasterise(pdf: str, dpi: int = BASE_DPI) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    pages = [np.array(doc[i].render(scale=dpi / 72, grayscale=True).to_numpy()) for i in range(len(doc))]
    doc.close()
    return [p if p.ndim == 2 else p[:, :, 0] for p in pages]


def _pencil(img: np.ndarray, x: float, y: float, r: float, ppm: float, rng: random.Random, tone: int) -> None:
    """An uneven pencil fill over a bubble at (x, y) mm of radius r mm."""
    cx, cy = x * ppm + rng.uniform(-0.3, 0.3) * ppm, y * ppm + rng.uniform(-0.3, 0.3) * ppm
    ax = r * ppm * rng.uniform(0.95, 1.2)
    ay = r * ppm * rng.uniform(0.9, 1.15)
    layer = np.zeros_like(img, dtype=np.uint8)
    cv2.ellipse(layer, (int(cx), int(cy)), (int(ax), int(ay)), rng.uniform(0, 180), 0, 360, 255, -1)
    for _ in range(6):  # strokes: partly outside the circle
        a = rng.uniform(0, np.pi)
        dx, dy = np.cos(a) * ax * 1.1, np.sin(a) * ay * 1.1
        cv2.line(layer, (int(cx - dx), int(cy - dy)), (int(cx + dx), int(cy + dy)), 255, max(1, int(0.35 * ppm)))
    grain = np.random.default_rng(rng.randrange(1 << 30)).integers(0, 60, img.shape, dtype=np.int16)
    mask = layer > 0
    vals = np.clip(tone + grain[mask], 0, 255).astype(np.uint8)
    img[mask] = np.minimum(img[mask], vals)


def id_answers(number: str) -> dict[tuple[str, int, str], str | None]:
    """The ID grid filled with ``number``: one digit a column (``id1`` the first), as :func:`fill_page` takes it;
    a ``" "`` leaves that column empty."""
    return {("id", 1, f"id{i}"): (d if d != " " else None) for i, d in enumerate(number, start=1)}


def fill_page(
    page: np.ndarray,
    layout: dict[str, Any],
    answers: dict[tuple[str, int, str], str | None],
    rng: random.Random,
    *,
    doubtful: dict[tuple[str, int, str], str] | None = None,
    strays: int = 0,
) -> np.ndarray:
    """``page`` (at :data:`BASE_DPI`) with ``answers`` filled: (part, dim, column) → value.  ``doubtful`` plants
    ``double``, ``half`` or ``erasure`` marks in those columns."""
    img = page.copy()
    ppm = BASE_DPI / 25.4
    by_col: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    for b in layout["bubbles"]:
        by_col.setdefault((b["part"], b["dim"], b["column"]), []).append(b)
    for key, value in answers.items():
        for b in by_col.get(key, []):
            if b["value"] == value:
                _pencil(img, b["x"], b["y"], b["r"], ppm, rng, rng.randint(25, 110))
    for key, how in (doubtful or {}).items():
        col = by_col[key]
        chosen = [b for b in col if b["value"] == answers.get(key)] or [col[0]]
        other = rng.choice([b for b in col if b is not chosen[0]])
        if how == "double":
            _pencil(img, other["x"], other["y"], other["r"], ppm, rng, rng.randint(30, 90))
        elif how == "half":  # half a bubble, on a bubble not filled
            sub = img.copy()
            _pencil(sub, other["x"], other["y"], other["r"], ppm, rng, rng.randint(30, 90))
            x0 = int(other["x"] * ppm)
            half = slice(0, x0) if rng.random() < 0.5 else slice(x0, None)
            img[:, half] = np.where(
                np.abs(np.arange(img.shape[0])[:, None] - other["y"] * ppm) < other["r"] * ppm * 1.3,
                sub[:, half],
                img[:, half],
            )
        elif how == "erasure":  # a rubbed-out fill: a grey smudge
            sub = img.copy()
            _pencil(sub, other["x"], other["y"], other["r"], ppm, rng, rng.randint(20, 60))
            img[:] = np.where(sub < img, (0.7 * img + 0.3 * sub).astype(np.uint8), img)
    for _ in range(strays):  # stray pencil lines away from the bubbles (in the margins)
        x = rng.uniform(20, 190) * ppm
        y = rng.choice([rng.uniform(12, 22), rng.uniform(270, 283)]) * ppm
        cv2.line(img, (int(x), int(y)), (int(x + rng.uniform(-60, 60)), int(y + rng.uniform(-15, 15))), 70, 3)
    return img


def scanner(
    img: np.ndarray,
    rng: random.Random,
    *,
    dpi: int = 200,
    jpeg: int | None = 75,
    angle: float | None = None,
    upside_down: bool = False,
) -> np.ndarray:
    """``img`` (at :data:`BASE_DPI`) as a copier scans it at ``dpi``: turned, scaled, skewed, blurred, noised."""
    h, w = img.shape
    ang = rng.uniform(-3, 3) if angle is None else angle
    scale = rng.uniform(0.97, 1.03) * dpi / BASE_DPI
    m = cv2.getRotationMatrix2D((w / 2, h / 2), ang, scale)
    pad = int(0.05 * h * dpi / BASE_DPI)  # the scanner's glass is larger than the page
    m[0, 2] += (w * scale - w) / 2 + pad + rng.uniform(-20, 20) * scale
    m[1, 2] += (h * scale - h) / 2 + pad + rng.uniform(-20, 20) * scale
    out_size = (int(w * dpi / BASE_DPI) + 2 * pad, int(h * dpi / BASE_DPI) + 2 * pad)
    persp = np.vstack([m, [rng.uniform(-2e-6, 2e-6) * BASE_DPI / dpi, rng.uniform(-2e-6, 2e-6) * BASE_DPI / dpi, 1]])
    bg = rng.randint(175, 225)
    paper = (img.astype(np.float32) * bg / 255).astype(np.uint8)  # grey paper, the ink stays dark
    out = cv2.warpPerspective(paper, persp, out_size, flags=cv2.INTER_AREA, borderValue=bg - 20)
    out = cv2.GaussianBlur(out, (3, 3), rng.uniform(0.3, 0.9))
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, out.shape)
    out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if upside_down:
        out = cv2.rotate(out, cv2.ROTATE_180)
    if jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def to_pdf(images: list[np.ndarray], path: str, dpi: int = 200) -> None:
    """Pages as one scanned PDF (JPEG pages), as a copier writes it."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw  # noqa: F401

    doc = pdfium.PdfDocument.new()
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        for i, im in enumerate(images):
            p = Path(tmp) / f"{i}.jpg"
            cv2.imwrite(str(p), im, [cv2.IMWRITE_JPEG_QUALITY, 85])
            h, w = im.shape
            page = doc.new_page(w * 72 / dpi, h * 72 / dpi)
            obj = pdfium.PdfImage.new(doc)
            with open(p, "rb") as f:
                obj.load_jpeg(f, inline=True)
            obj.set_matrix(pdfium.PdfMatrix().scale(w * 72 / dpi, h * 72 / dpi))
            page.insert_obj(obj)
            page.gen_content()
        doc.save(path)


def write_decisions(rows: list[dict[str, str]], path: Any) -> None:
    """``review.csv``'s rows, with the teacher's answers filled in, written back as the teacher would save them."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
