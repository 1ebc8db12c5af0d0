"""CSV written by ekbist quotes every field holding CR, LF, the delimiter or a quote
(RFC 4180), so a spreadsheet never splits a record; formula-like text stays text."""

from __future__ import annotations

import csv
import io

from ekbist.textcells import csv_text, write_csv_records


def test_every_field_that_needs_it_is_quoted_and_nothing_else() -> None:
    text = csv_text(["a", "b"], [["x\r=1+2", "plain"], ["c,d", 'e"f'], ["=SUM(A1)", 5],
                                 ["two\nlines", None], ["tab\there", 12.5]])
    assert text == ('a,b\n"x\r=1+2",plain\n"c,d","e""f"\n\'=SUM(A1),5\n"two\nlines",\n'
                    'tab\there,12.5\n')
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["x\r=1+2", "plain"] and rows[4] == ["two\nlines", ""]
    assert len(rows) == 6


def test_a_carriage_return_is_quoted_in_whichever_batch_it_falls() -> None:
    # Batches of two: the CR is in the second batch; the first and third are written whole.
    records = [["a", 1], ["b", 2], ["c\rd", 3], ["e", 4], ["f,g", 5]]
    out = io.StringIO()
    write_csv_records(out, records, batch=2)
    assert out.getvalue() == 'a,1\nb,2\n"c\rd",3\ne,4\n"f,g",5\n'
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        [str(v) if isinstance(v, int) else v for v in r] for r in records]


def test_audit_csv_keeps_a_carriage_return_inside_its_record(cli) -> None:
    from ekbist.store import Store

    cli.ok("init")
    # The command line the audit logs, as a shell passes $'Inventering\r=1+2'.
    logged = "ekbist workdays close 2026-12-28 --reason 'Inventering\r=1+2'"
    store = Store.open(cli.db, command=logged)
    with store.transaction():
        store.execute("INSERT INTO closed_day (day, reason) VALUES ('2026-12-28', 'Inventering')")
    store.close()
    out = cli.ok("audit", "--format", "csv").output
    records = list(csv.reader(io.StringIO(out, newline="")))
    header, rows = records[0], records[1:]
    assert header[:3] == ["at", "os_user", "command"]
    assert all(len(r) == len(header) for r in rows)
    assert [r[2] for r in rows if r[header.index("tbl")] == "closed_day"] == [logged]
