"""Spreadsheets: import, export and templates for every kind of record.

Each kind is declared once in ``schemas/sheets/<kind>.toml`` (see
:mod:`ekbist.sheets.declarations` for the format and the extension points);
:mod:`~ekbist.sheets.importer`, :mod:`~ekbist.sheets.exporter`,
:mod:`~ekbist.sheets.templates` and :func:`columns_markdown` (the manual's column
tables) all read that declaration. Reading uses python-calamine (or the csv
module), writing uses openpyxl; both are imported only when used.
"""

from ekbist.sheets.declarations import columns_markdown, kinds

__all__ = ["columns_markdown", "kinds"]
