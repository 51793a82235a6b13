"""Build models/icd10/icd10cm.tsv.gz: every ICD-10-CM code with its title and inclusion terms.

    pip install simple-icd-10-cm==1.5.0 && python scripts/build_icd10.py

The codes and titles are the CDC's public-domain ICD-10-CM release (April 2026) as the
simple-icd-10-cm package (MIT) ships it; the extractor reads this file, not the package, so
workers load a few megabytes instead of the package's whole classification tree.
"""

import gzip
from pathlib import Path

import simple_icd_10_cm as cm

OUT = Path(__file__).resolve().parents[1] / "models" / "icd10" / "icd10cm.tsv.gz"


def main() -> None:
    """Write one line per code: code, title, inclusion terms joined by ' | '."""
    rows = []
    for code in cm.get_all_codes(with_dots=True):
        if cm.is_chapter_or_block(code):
            continue
        title = cm.get_description(code).replace("\t", " ")
        terms = " | ".join(t.replace("\t", " ") for t in cm.get_inclusion_term(code))
        rows.append(f"{code}\t{title}\t{terms}")
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("code\ttitle\tterms\n" + "\n".join(rows) + "\n")
    print(f"{len(rows)} codes -> {OUT}")


if __name__ == "__main__":
    main()
