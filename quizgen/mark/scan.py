"""Scanned answer pages read: each page found by its four corner markers, its QR code, every bubble's fill.

The reader works from ``answer-sheets.json`` (fields in the project's ``docs/answer-sheets.md``) and the image
alone.  Lengths in the layout are millimetres from the page's top-left corner; a homography from the four
marker centres (mm) to where they are in the scan (pixels) undoes rotation, scale and a slight perspective.
A bubble's fill is its mean darkness inside 0.75 of its radius, on a scale where the paper is 0 and the
corner markers' ink is 1, also taken per quadrant so that a half fill is seen.  Needs the ``mark`` extra.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from quizgen.errors import QuizgenError
from quizgen.i18n import _

#: PDFs are rasterised at this resolution; images are read at their own.
RENDER_DPI = 200
#: The corner markers' side (mm), as printed (``quizgen.render.answer_layout.MARKER``).
MARKER_MM = 6.0
#: Fill thresholds (0 paper, 1 ink): at least FILLED overall and LOW in every quadrant is a fill; under EMPTY an
#: empty bubble; anything between is doubtful (a half fill, an erasure, a light tick) and goes to review.
FILLED, LOW, EMPTY = 0.38, 0.25, 0.2
#: A sheet code (a recipe's, or a quick sheet's ``Q…``, as quizgen.problems.codes makes them), the page and the pages.
QR_TEXT = re.compile(r"((?:[0-9A-F]{3}|Q[0-9A-F]+)-[0-9A-F]{8}-[0-9A-F]{2,})/(\d+)/(\d+)")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


@dataclass
class Scan:
    """One scanned page: where it came from (``file`` or ``file#n``), its grey pixels and their hash."""

    source: str
    pixels: np.ndarray
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = hashlib.sha256(self.pixels.tobytes()).hexdigest()[:16]


@dataclass
class Bubble:
    """One bubble as read: its meaning from the layout, its fill and its state (filled, empty, doubtful)."""

    part: str
    dim: int
    column: str
    value: str
    fill: float
    low: float
    state: str


@dataclass
class PageRead:
    """A page found and read, or the reason it could not be (``problem``, one sentence for the review list)."""

    source: str
    digest: str
    qr: str = ""
    code: str = ""
    page: int = 0
    pages: int = 0
    upside_down: bool = False
    problem: str = ""
    bubbles: list[Bubble] = field(default_factory=list)
    homography: Any = None  # mm → pixels of ``image``
    image: Any = None


def load(paths: list[str]) -> Iterator[Scan]:
    """Every page of every file, in the order given: a PDF's pages rasterised at :data:`RENDER_DPI`."""
    for path in paths:
        p = Path(path)
        if not p.is_file():
            raise QuizgenError(_("SCANS: {path}: no such file").format(path=path))
        suffix = p.suffix.lower()
        if suffix == ".pdf":
            yield from _pdf_pages(p)
        elif suffix in IMAGE_SUFFIXES:
            ok, images = cv2.imreadmulti(str(p), flags=cv2.IMREAD_GRAYSCALE)
            if not ok or not images:
                one = cv2.imread(str(p), cv2.IMREAD_GRAYSCALE)
                if one is None:
                    raise QuizgenError(_("SCANS: {path}: not an image quizgen can read").format(path=path))
                images = [one]
            for i, img in enumerate(images, start=1):
                yield Scan(p.name if len(images) == 1 else f"{p.name}#{i}", np.ascontiguousarray(img))
        else:
            raise QuizgenError(
                _("SCANS: {path}: must be a PDF, PNG, JPEG or TIFF file, not {suffix}").format(
                    path=path, suffix=suffix or "?"
                )
            )


def _pdf_pages(p: Path) -> Iterator[Scan]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError:
        raise QuizgenError(_("SCANS: {path}: not a PDF quizgen can read").format(path=str(p))) from None
    try:
        for i in range(len(doc)):
            bitmap = doc[i].render(scale=RENDER_DPI / 72, grayscale=True)
            arr = np.array(bitmap.to_numpy())
            if arr.ndim == 3:
                arr = cv2.cvtColor(arr, cv2.COLOR_BGR2GRAY) if arr.shape[2] >= 3 else arr[:, :, 0]
            yield Scan(f"{p.name}#{i + 1}", np.ascontiguousarray(arr))
    finally:
        doc.close()


def find_markers(img: np.ndarray) -> np.ndarray | None:
    """The centres (pixels) of the four corner markers, in image order TL, TR, BL, BR; None if not all found."""
    h, w = img.shape
    ppm = min(w, h) / 213.0  # A4 or Letter, whichever way up
    side = MARKER_MM * ppm
    block = int(3 * side) | 1
    # dark against its surroundings: a grey background or an uneven scan does not join the markers to anything
    binary = cv2.adaptiveThreshold(img, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 40)
    n, _labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    found = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if not (0.7 * side <= bw <= 1.45 * side and 0.7 * side <= bh <= 1.45 * side):
            continue
        if area < 0.82 * bw * bh:  # a square is solid; a QR finder (a ring) or a filled circle is not
            continue
        found.append(centroids[i])
    if len(found) < 4:
        return None
    pts = np.array(found, dtype=np.float64)
    corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64)
    chosen = []
    for c in corners:
        d = np.hypot(pts[:, 0] - c[0], pts[:, 1] - c[1])
        chosen.append(pts[int(np.argmin(d))])
    out = np.array(chosen)
    if len({(round(p[0]), round(p[1])) for p in out}) < 4:
        return None
    # each must be near its own corner: within a quarter of the page
    for (x, y), (cx, cy) in zip(out, corners):
        if abs(x - cx) > w / 4 or abs(y - cy) > h / 4:
            return None
    return out


def homography(markers_mm: list[list[float]], markers_px: np.ndarray) -> np.ndarray:
    """The mm → pixel map that takes the layout's markers (TL, TR, BL, BR) to where they are in the scan."""
    src = np.array(markers_mm, dtype=np.float32)
    dst = np.array(markers_px, dtype=np.float32)
    return cv2.getPerspectiveTransform(src, dst)


def warp(img: np.ndarray, h_mm_px: np.ndarray, box: tuple[float, float, float, float], ppm: float) -> np.ndarray:
    """The page's box ``(x, y, w, h)`` in mm, straightened at ``ppm`` pixels a millimetre."""
    x, y, bw, bh = box
    shift = np.array([[1 / ppm, 0, x], [0, 1 / ppm, y], [0, 0, 1]], dtype=np.float64)
    m = h_mm_px @ shift
    size = (max(1, round(bw * ppm)), max(1, round(bh * ppm)))
    return cv2.warpPerspective(
        img, m, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE
    )


_QR = None


def read_qr(img: np.ndarray, markers_px: np.ndarray, paper_mm: tuple[float, float]) -> str:
    """The QR text from the top-right of the page (as the markers place it), or ``""``."""
    global _QR
    if _QR is None:
        _QR = cv2.QRCodeDetector()
    w, h = paper_mm
    corners_mm = [[8.0, 8.0], [w - 8.0, 8.0], [8.0, h - 8.0], [w - 8.0, h - 8.0]]
    hm = homography(corners_mm, markers_px)
    for ppm in (6.0, 9.0, 4.0):
        crop = warp(img, hm, (w - 55.0, 0.0, 55.0, 40.0), ppm)
        text, _pts, _s = _QR.detectAndDecode(crop)
        if text:
            return str(text)
    return ""


def read_page(scan: Scan, layouts: dict[tuple[str, int], dict[str, Any]]) -> PageRead:
    """Find the page, read its QR code, then every bubble its layout lists.

    An upside-down page is turned and read; a page with no markers, no readable QR code or a code the
    layout does not hold gets a ``problem`` and no bubbles.
    """
    read = PageRead(scan.source, scan.digest)
    img = scan.pixels
    markers = find_markers(img)
    if markers is None:
        read.problem = _("not one of our answer pages: its four corner markers were not found")
        return read
    text = ""
    for turned in (False, True):
        if turned:
            img = cv2.rotate(img, cv2.ROTATE_180)
            markers = find_markers(img)
            if markers is None:
                break
        for paper in ((210.0, 297.0), (215.9, 279.4)):
            text = read_qr(img, markers, paper)
            if text:
                break
        if text:
            read.upside_down = turned
            break
    if not text:
        read.problem = _("the QR code could not be read (a fold, a mark or a poor scan over it)")
        return read
    read.qr = text
    m = QR_TEXT.fullmatch(text.strip())
    if not m:
        read.problem = _("not one of our answer pages: its QR code holds {text!r}").format(text=text[:60])
        return read
    read.code, read.page, read.pages = m.group(1), int(m.group(2)), int(m.group(3))
    layout = layouts.get((read.code, read.page))
    if layout is None:
        return read  # the caller says why: another recipe, or a sheet not in this class's answer-sheets.json
    assert markers is not None
    hm = homography(layout["markers"], markers)
    read.homography, read.image = hm, img
    read.bubbles = read_bubbles(img, hm, layout)
    return read


def read_bubbles(img: np.ndarray, hm: np.ndarray, layout: dict[str, Any]) -> list[Bubble]:
    """Every bubble's fill and state, on the scale paper 0, ink 1 (measured on this page)."""
    bubbles = layout["bubbles"]
    centres = np.array([[[b["x"], b["y"]]] for b in bubbles], dtype=np.float64)
    px = cv2.perspectiveTransform(centres, hm)[:, 0, :]
    # pixels per mm near the page's middle, from the map itself
    mid = np.array(
        [
            [[layout["size_mm"][0] / 2, layout["size_mm"][1] / 2]],
            [[layout["size_mm"][0] / 2 + 10, layout["size_mm"][1] / 2]],
        ]
    )
    a, b = cv2.perspectiveTransform(mid, hm)[:, 0, :]
    ppm = float(np.hypot(*(b - a))) / 10
    paper = float(np.percentile(img[::4, ::4], 90))
    marks = cv2.perspectiveTransform(np.array([[m] for m in layout["markers"]], dtype=np.float64), hm)[:, 0, :]
    half = max(1, int(MARKER_MM * ppm * 0.3))
    ink = float(
        np.mean([np.median(img[int(y) - half : int(y) + half, int(x) - half : int(x) + half]) for x, y in marks])
    )
    span = max(paper - ink, 1.0)
    out = []
    cache: dict[int, tuple[np.ndarray, list[np.ndarray]]] = {}
    h, w = img.shape
    for bub, (x, y) in zip(bubbles, px):
        rad = 0.75 * bub["r"] * ppm
        k = max(1, int(round(rad)))
        if k not in cache:
            yy, xx = np.mgrid[-k : k + 1, -k : k + 1]
            disc = (xx**2 + yy**2) <= rad * rad
            quads = [
                disc & (xx < 0) & (yy < 0),
                disc & (xx >= 0) & (yy < 0),
                disc & (xx < 0) & (yy >= 0),
                disc & (xx >= 0) & (yy >= 0),
            ]
            cache[k] = (disc, quads)
        disc, quads = cache[k]
        cx, cy = int(round(x)), int(round(y))
        if cx - k < 0 or cy - k < 0 or cx + k + 1 > w or cy + k + 1 > h:
            out.append(Bubble(bub["part"], bub["dim"], bub["column"], bub["value"], 0.0, 0.0, "doubtful"))
            continue
        win = img[cy - k : cy + k + 1, cx - k : cx + k + 1].astype(np.float32)
        dark = np.clip((paper - win) / span, 0.0, 1.0)
        fill = float(dark[disc].mean())
        q = [float(dark[qm].mean()) for qm in quads]
        low, high = min(q), max(q)
        if fill >= FILLED and low >= LOW:
            state = "filled"
        elif fill < EMPTY and high < EMPTY * 1.6:
            state = "empty"
        else:
            state = "doubtful"
        out.append(Bubble(bub["part"], bub["dim"], bub["column"], bub["value"], round(fill, 3), round(low, 3), state))
    return out


def crop_jpeg(read: PageRead, layout: dict[str, Any], part: str) -> bytes:
    """A straightened picture (JPEG, 5 pixels a mm) of one part's bubbles on the scan, for the review list."""
    mine = [b for b in layout["bubbles"] if b["part"] == part]
    if read.homography is None or not mine:
        return b""
    x0 = min(b["x"] - b["r"] for b in mine) - 9.0
    y0 = min(b["y"] - b["r"] for b in mine) - 3.0
    x1 = max(b["x"] + b["r"] for b in mine) + 3.0
    y1 = max(b["y"] + b["r"] for b in mine) + 3.0
    img = warp(read.image, read.homography, (max(0.0, x0), max(0.0, y0), x1 - max(0.0, x0), y1 - max(0.0, y0)), 5.0)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return bytes(buf) if ok else b""
