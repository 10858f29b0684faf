"""The most text one cell holds (docs/spreadsheet.md#generated-tabs): 50,000 characters on Google
Sheets (a longer cell makes Google refuse the whole write), 32,767 in an xlsx workbook (Excel
cannot open a longer one). Generated text beyond that is cut with a visible marker; text a
person types with `flag` is refused rather than cut."""

from __future__ import annotations

from handoffs.model.spreadsheet import (
    GOOGLE_SHEETS_CELL_LIMIT,
    XLSX_CELL_LIMIT,
    TabContent,
    fit_cell,
)
from tests.conftest import Spreadsheet, demo_tabs

LIMITS = {"xlsx": XLSX_CELL_LIMIT, "gsheets": GOOGLE_SHEETS_CELL_LIMIT}


def test_text_that_fits_is_kept_whole() -> None:
    assert fit_cell("x" * 50_000, 50_000) == "x" * 50_000
    assert fit_cell("", 10) == ""


def test_longer_text_is_cut_to_the_limit_and_says_how_long_it_was() -> None:
    cut = fit_cell("x" * 123_456, 50_000)
    assert len(cut) == 50_000
    assert cut == "x" * (50_000 - 33) + "… [truncated: 123,456 characters]"


def test_a_generated_cell_over_the_limit_is_cut_and_the_write_still_happens(
    backend: Spreadsheet,
) -> None:
    """Before the cap, Google refused the whole batchUpdate and xlsx kept an unopenable cell."""
    limit = LIMITS[backend.kind]
    long_text = "Flags: " + "late again; " * 10_000  # 120,007 characters
    tab = TabContent("Review Prep", ["Section", "Item", "Detail"], [["Flags", "RPT-02", long_text]])
    backend.seed({"Handoffs": [["Handoff ID"]]})
    backend.open().write_generated([tab])
    detail = backend.read("Review Prep")["Review Prep"][1][2]
    assert len(detail) == limit
    assert detail.startswith("Flags: late again; late again;")
    assert detail.endswith("… [truncated: 120,007 characters]")


def test_review_prep_with_huge_flags_still_writes_its_tab(run, make_spreadsheet) -> None:
    """A suggested fix of 50,000 characters fits its own cell in Google Sheets, and the Review
    Prep tab gives it a cell of its own (its table's Suggested fix column), kept whole."""
    sheet = make_spreadsheet("gsheets")
    tabs = demo_tabs()
    header = [str(h) for h in tabs["Flags"][0]]
    fix = header.index("Suggested fix")
    for row in tabs["Flags"][1:]:
        row[fix] = "f" * GOOGLE_SHEETS_CELL_LIMIT
    sheet.seed(tabs)
    run("review-prep", config=sheet.config)
    cells = [cell for row in sheet.read("Review Prep")["Review Prep"][1:] for cell in row]
    assert "f" * GOOGLE_SHEETS_CELL_LIMIT in cells
    assert not any("… [truncated: " in str(cell) for cell in cells)


def test_flag_text_longer_than_a_cell_is_refused_not_cut(run, demo_workbook) -> None:
    result = run("flag", "--handoff", "RPT-02", "--what", "x" * 40_000, expect=2)
    assert result.stderr == (
        "Error: --what is 40,000 characters; a spreadsheet cell holds at most 32,767. Shorten "
        "it, and put long details in a document it names.\n"
    )
