"""LibreOffice Calc, headless, as the spreadsheet application the tests open workbooks in.

One `soffice` run converts a batch of files (starting it costs about a second, converting one
workbook a fraction of that), each pytest-xdist worker with its own user profile so runs in
parallel never share one. The profile tells Calc to recalculate every formula on loading an
.xlsx, as a person's application does when the file has no saved results.

Without LibreOffice (or poppler's pdftoppm/pdftotext) the tests that need it skip and say
why; with HANDOFFS_REQUIRE_LIBREOFFICE=1 (set by CI) they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("soffice", "pdftoppm", "pdftotext")
# One page per tab, as wide and tall as the tab's content: page N is the Nth tab. (In this
# mode LibreOffice 7.4 does not resolve links between tabs: print links with PDF_PAGED.)
PDF_ONE_PAGE_PER_TAB = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
PDF_PAGED = "pdf:calc_pdf_Export"  # A4 pages, with an outline entry for each tab's first page
XLSX = "xlsx:Calc MS Excel 2007 XML"
_RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def require_tools() -> None:
    """Skip (or, in CI, fail) when LibreOffice or poppler is not installed."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = (
        f"{', '.join(missing)} not installed: apt-get install libreoffice-calc-nogui "
        "poppler-utils to run the LibreOffice tests"
    )
    if os.environ.get("HANDOFFS_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"HANDOFFS_REQUIRE_LIBREOFFICE=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def version() -> str:
    """'LibreOffice 7.4.7.2 …' as `soffice --version` prints it."""
    return subprocess.run(
        ["soffice", "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


@dataclass
class Calc:
    """A headless LibreOffice Calc with its own user profile."""

    profile: Path

    def __post_init__(self) -> None:
        user = self.profile / "user"
        user.mkdir(parents=True, exist_ok=True)
        (user / "registrymodifications.xcu").write_text(_RECALCULATE_ON_LOAD, encoding="utf-8")

    def convert(self, workbooks: Sequence[Path], to: str, folder: Path) -> list[Path]:
        """Open each workbook and save it in format `to` into `folder`, in one soffice run;
        fails with LibreOffice's own words when a file cannot be opened or converted."""
        folder.mkdir(parents=True, exist_ok=True)
        command = [
            "soffice",
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            *map(str, workbooks),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        suffix = "." + to.split(":")[0]
        outputs = [folder / (Path(w).stem + suffix) for w in workbooks]
        errors = [line for line in done.stderr.splitlines() if "javaldx" not in line]
        missing = [str(p) for p in outputs if not p.exists()]
        assert done.returncode == 0 and not errors and not missing, (
            f"LibreOffice could not convert {missing or workbooks} (exit {done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
        return outputs


# -- reading what LibreOffice drew ---------------------------------------------------------------


def page_text(pdf: Path, page: int | None = None, *, bbox: bool = False) -> str:
    """pdftotext of one page (1-based; None: every page, each ending with a form feed):
    plain layout text, or words with their boxes."""
    options = ["-bbox"] if bbox else ["-layout"]
    if page is not None:
        options += ["-f", str(page), "-l", str(page)]
    command = ["pdftotext", *options, str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def page_words(pdf: Path, page: int) -> list[Word]:
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        Word(text, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in re.findall(pattern, page_text(pdf, page, bbox=True))
    ]


def render_page(pdf: Path, page: int, png: Path, dpi: int = 50) -> Path:
    """The page as a PNG at `dpi` (72 dpi: one pixel per PDF point)."""
    stem = png.with_suffix("")
    command = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
    subprocess.run([*command, "-singlefile", str(pdf), str(stem)], check=True)
    return png


def non_white_share(pdf: Path, page: int, box: tuple[float, float, float, float]) -> float:
    """The share of pixels that are not white inside `box` (x0, y0, x1, y1 in PDF points) of a
    page rendered at 72 dpi: near 0 for an empty area, higher where lines and text are drawn."""
    x0, y0, x1, y1 = (round(v) for v in box)
    command = ["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile"]
    crop = ["-x", str(x0), "-y", str(y0), "-W", str(x1 - x0), "-H", str(y1 - y0)]
    ppm = subprocess.run([*command, *crop, str(pdf)], capture_output=True, check=True).stdout
    _magic, width, height, _depth, pixels = ppm.split(maxsplit=4)  # binary P6 after 4 fields
    rgb = memoryview(pixels)[: int(width) * int(height) * 3]
    white = sum(1 for i in range(0, len(rgb), 3) if min(rgb[i], rgb[i + 1], rgb[i + 2]) > 240)
    return 1 - white / (int(width) * int(height))


@dataclass(frozen=True)
class LinkTarget:
    """Where a link LibreOffice drew jumps: a 1-based page (None: the application could not
    resolve the target) and the top-left point there, in points from the page's top-left."""

    label: str
    page: int | None
    x: float = 0.0
    y: float = 0.0


def link_targets(pdf: Path) -> list[LinkTarget]:
    """Every cell link of the PDF, in page order."""
    data = pdf.read_bytes()
    kids = re.search(rb"/Type/Pages\b.*?/Kids\[([^\]]*)\]", data, re.S)
    assert kids, "no page tree in the PDF"
    pages = [int(n) for n in re.findall(rb"(\d+) 0 R", kids.group(1))]
    heights = {
        int(number): float(height)
        for number, height in re.findall(
            rb"(\d+) 0 obj\s*<</Type/Page/[^>]*?/MediaBox\[0 0 [\d.]+ ([\d.]+)\]", data
        )
    }
    links = []
    for found in re.finditer(
        rb"/Subtype/Link[^>]*?/Contents<([0-9A-F]+)>"
        rb"(?:/Dest\[(\d+) 0 R/XYZ ([\d.]+) ([\d.]+)|/A<<)",
        data,
    ):
        label = bytes.fromhex(found.group(1).decode()).decode("utf-16")
        if found.group(2) is None:
            links.append(LinkTarget(label, None))
            continue
        page = int(found.group(2))
        top = heights[page] - float(found.group(4))
        links.append(LinkTarget(label, pages.index(page) + 1, float(found.group(3)), top))
    return links


def tab_of_page(pdf: Path, page: int) -> str:
    """The tab a page of a paged PDF prints, from the outline LibreOffice writes (each tab's
    title pointing to its first page)."""
    data = pdf.read_bytes()
    kids = re.search(rb"/Type/Pages\b.*?/Kids\[([^\]]*)\]", data, re.S)
    assert kids, "no page tree in the PDF"
    pages = [int(n) for n in re.findall(rb"(\d+) 0 R", kids.group(1))]
    starts = sorted(
        (pages.index(int(number)) + 1, bytes.fromhex(title.decode()).decode("utf-16"))
        for title, number in re.findall(rb"/Title<([0-9A-F]+)>\s*/Dest\[(\d+) 0 R", data)
    )
    assert starts, "no outline in the PDF"
    return [title for first, title in starts if first <= page][-1]


def word_at(words: Sequence[Word], x: float, y: float) -> str | None:
    """The first word drawn in the cell whose top-left corner is (x, y): right of x and
    below y on the same text line."""
    line = [w for w in words if y - 1 <= w.y0 <= y + 12 and w.x0 >= x - 1]
    return min(line, key=lambda w: w.x0).text if line else None
