"""The package uses its libraries' public APIs only: no name-mangled or private attributes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A private attribute of another library's object: name-mangled (obj._Class__name) or one of
# the private fields once read from medspaCy and concurrent.futures.
PRIVATE = re.compile(r"\._[A-Z]\w*__\w+|\.(_processes|_targets|_prune|_patterns|_rule_id)\b")


def test_public_api_no_private_reach_ins():
    found = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PRIVATE.search(line.split("#")[0]):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_public_api_medspacy_copies_live_in_one_module():
    # Code that copies medspaCy's internals is tied to its version: it lives in one module.
    importers = [p.relative_to(ROOT).as_posix() for p in (ROOT / "extractor").rglob("*.py")
                 if "medspacy.context.context_modifier" in p.read_text(encoding="utf-8")]
    assert importers == ["extractor/components/medspacy_compat.py"]
