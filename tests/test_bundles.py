"""Files holding several letters: one record per letter, the same as the letters run one by one."""

from io import BytesIO
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest

from extractor import extract_text
from extractor.bundles import split_letters
from extractor.dataset import read_table
from extractor.engines.local import run_local
from extractor.extract import bytes_id, extract_letters
from extractor.synth.render import render_pdf

ROOT = Path(__file__).resolve().parents[1]
# One letter of each published layout, and a second case-number-header letter.
CNH, MXL, PRO, CNH2 = (ROOT / "corpora" / "dev" / f"{n}.txt" for n in ("cnh-01", "mxl-03", "pro-01", "cnh-02"))


def _merge_pdfs(blobs: list[bytes]) -> bytes:
    merged = pdfium.PdfDocument.new()
    for blob in blobs:
        merged.import_pages(pdfium.PdfDocument(blob))
    buffer = BytesIO()
    merged.save(buffer)
    return buffer.getvalue()


def _bundle(letters: list[Path], kind: str) -> bytes:
    if kind == "text":
        return "\n".join(p.read_text(encoding="utf-8") for p in letters).encode("utf-8")
    return _merge_pdfs([render_pdf(p.read_text(encoding="utf-8")) for p in letters])


def _one_by_one(letters: list[Path], kind: str, folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for number, letter in enumerate(letters):
        path = folder / f"{number}-{letter.stem}.{'txt' if kind == 'text' else 'pdf'}"
        path.write_bytes(_bundle([letter], kind))
        paths.append(path)
    return paths


@pytest.mark.parametrize("kind,letters", [
    ("text", [CNH, MXL]), ("text", [CNH, MXL, PRO]), ("pdf", [PRO, CNH]), ("pdf", [CNH, MXL, CNH2]),
], ids=["text-2", "text-3", "pdf-2", "pdf-3"])
def test_bundle_gives_the_records_of_its_letters_run_one_by_one(tmp_path, kind, letters):
    bundle = tmp_path / "bundle" / f"bundle.{'txt' if kind == 'text' else 'pdf'}"
    bundle.parent.mkdir()
    bundle.write_bytes(_bundle(letters, kind))
    singles = _one_by_one(letters, kind, tmp_path / "singles")
    summary = run_local([str(bundle.parent)], tmp_path / "a", workers=1)
    run_local([str(p) for p in singles], tmp_path / "b", workers=1)
    assert summary.inputs == 1 and summary.letters == len(letters) and summary.errors == 0
    assert summary.bundles == 1

    got, want = ({t: read_table(tmp_path / d, t) for t in ("letters", "items", "mentions")} for d in ("a", "b"))
    file_id = bytes_id(bundle.read_bytes())
    assert list(got["letters"]["doc_id"]) == [f"{file_id}#{n}" for n in range(1, len(letters) + 1)]
    assert set(got["letters"]["path"]) == {str(bundle)}
    assert list(got["letters"]["letter_in_file"]) == list(range(1, len(letters) + 1))
    # Joinable: every item and mention belongs to one of the bundle's letters.
    for table in ("items", "mentions"):
        assert set(got[table]["doc_id"]) <= set(got["letters"]["doc_id"])
    # Page ranges tile the file, one letter after another.
    pages = list(zip(got["letters"]["first_page"], got["letters"]["last_page"]))
    assert pages[0][0] == 1 and all(b[0] == a[1] + (kind == "pdf") for a, b in zip(pages, pages[1:]))
    assert list(got["letters"]["pages"]) == list(want["letters"]["pages"])

    # Everything else is what each letter gives alone (page numbers count in the bundle).
    number = {doc_id: n for n, doc_id in enumerate(got["letters"]["doc_id"])}
    single = {doc_id: n for n, doc_id in enumerate(want["letters"]["doc_id"])}
    first = dict(zip(got["letters"]["doc_id"], got["letters"]["first_page"]))
    for table, page in (("letters", None), ("items", "evidence_page"), ("mentions", "page")):
        a, b = got[table].copy(), want[table].copy()
        if page:
            a[page] = a[page] - a["doc_id"].map(first) + 1
        else:  # the letters' field evidence: its pages count in the bundle too
            a["evidence"] = [[{**e, "page": e["page"] - first[doc_id] + 1} for e in spans]
                             for doc_id, spans in zip(a["doc_id"], a["evidence"])]
        a["doc_id"], b["doc_id"] = a["doc_id"].map(number), b["doc_id"].map(single)
        drop = ["path", "first_page", "last_page", "letter_in_file", "warnings"]
        a, b = (f.drop(columns=drop, errors="ignore").sort_values(list(f.columns[:1])).reset_index(drop=True)
                for f in (a, b))
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=table)


def test_bundle_single_record_api_gives_the_first_letter_with_a_warning():
    letter = CNH.read_text(encoding="utf-8")
    record = extract_text(letter + "\n" + MXL.read_text(encoding="utf-8"))
    alone = extract_text(letter)
    assert record.case_number == alone.case_number
    assert [i.service for i in record.items] == [i.service for i in alone.items]
    assert record.doc_id.endswith("#1") and record.source.letters_in_file == 2
    assert any(w.startswith("file holds 2 letters; this record is the first") for w in record.warnings)


# A rationale that quotes an earlier case: its number opens a line, with dates after it.
QUOTING = """Decision rationale: An earlier review of the same request was decided under IMR
Case Number: CM14-0012345
Date of Injury: 03/11/2014 and Decision Date: 08/26/2014 were the same in that review,
and the facts have not changed since.
"""


def test_bundle_a_letter_quoting_another_case_is_not_split_there():
    letter, other = CNH.read_text(encoding="utf-8"), CNH2.read_text(encoding="utf-8")
    # One quote in the first letter's rationale, one in the second letter's case summary.
    first = letter.replace("Decision rationale: ", QUOTING + "Decision rationale: ", 1)
    second = other.replace("IMR ISSUES, DECISIONS AND RATIONALES", QUOTING + "IMR ISSUES, DECISIONS AND RATIONALES", 1)
    assert first.count("CM14-0012345") == second.count("CM14-0012345") == 1
    assert len(split_letters([first])) == len(split_letters([second])) == 1
    letters = extract_letters((first + "\n" + second).encode("utf-8"))
    assert [r.case_number for r in letters] == [extract_text(letter).case_number, extract_text(other).case_number]
    assert all("CM14-0012345" in r.text for r in letters)
    assert [len(r.items) for r in letters] == [len(extract_text(t).items) for t in (letter, other)]


def test_bundle_a_header_repeated_on_every_page_is_not_split():
    letter = CNH.read_text(encoding="utf-8")
    header = "\n".join(letter.splitlines()[:7])  # the case number and dates block
    body = letter.split("\n", 7)[7]
    third = len(body) // 3
    pages = [header + "\n" + body[:third], header + "\n" + body[third:2 * third], header + "\n" + body[2 * third:]]
    assert len(split_letters(pages)) == 1


def test_bundle_whose_second_letter_has_no_decisions_stays_whole_and_warns():
    letter, other = CNH.read_text(encoding="utf-8"), CNH2.read_text(encoding="utf-8")
    truncated = other.split("IMR ISSUES, DECISIONS AND RATIONALES")[0]
    letters = extract_letters((letter + "\n" + truncated).encode("utf-8"))
    assert len(letters) == 1
    assert any(w.startswith("file seems to hold 2 letters") for w in letters[0].warnings)


def test_bundle_cli_show_lists_the_letters_and_run_counts_the_file(tmp_path):
    import json

    from typer.testing import CliRunner

    from extractor.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "two.txt").write_bytes(_bundle([CNH, MXL], "text"))
    shown = CliRunner().invoke(app, ["show", str(folder / "two.txt"), "--no-mentions"])
    assert shown.exit_code == 0, shown.output
    assert [r["case_number"] for r in json.loads(shown.stdout)] == ["CM15-0148213", "CM13-0021987"]
    ran = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--no-progress",
                                   "--workers", "1", "--memory-limit", "1024"])
    assert ran.exit_code == 0, ran.output
    assert "files holding several letters" in ran.output
    assert len(read_table(tmp_path / "out", "letters")) == 2
