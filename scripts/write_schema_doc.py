"""Write docs/schema.md from the table schema in extractor/dataset/schema.py."""

from pathlib import Path

from extractor.dataset.schema import schema_markdown

TARGET = Path(__file__).resolve().parents[1] / "docs" / "schema.md"

if __name__ == "__main__":
    TARGET.write_text(schema_markdown(), encoding="utf-8")
    print(f"wrote {TARGET}")
