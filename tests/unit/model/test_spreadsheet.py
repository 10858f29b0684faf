"""What crosses the backend seam: cell addresses as both backends spell them."""

from __future__ import annotations

from openpyxl.utils import column_index_from_string, get_column_letter

from handoffs.model.spreadsheet import column_letter


def test_column_letters_match_openpyxl_up_to_zzz() -> None:
    for col in range(1, 18279):  # A .. ZZZ, every column a sheet can have
        letters = column_letter(col)
        assert letters == get_column_letter(col)
        assert column_index_from_string(letters) == col
