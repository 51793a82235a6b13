"""Letter fields: layout, header, reviewer, patient, items and case-summary facts.

Runs the recognizers of ``extractor.recognizers`` over the Doc's text and stores plain data in
``doc._.imr_fields``.
"""


from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors
from ..recognizers import clinical, header, items, ocr_header, patient, reviewer
from ..recognizers.section_spans import Section, section_span
from .letter_tokenizer import doc_text


def doc_sections(doc: Doc) -> list[Section]:
    """The Doc's sections as :class:`Section` values; each runs to the next title."""
    raw = sorted(doc._.imr_sections or [], key=lambda s: s[1])
    found = []
    for i, (category, title_start, body_start, _) in enumerate(raw):
        end = raw[i + 1][1] if i + 1 < len(raw) else len(doc_text(doc))
        found.append(Section(category, title_start, body_start, end))
    return found


def _section_dict(section: Section) -> dict:
    """``dataclasses.asdict`` of a Section, without its generic deep copy."""
    return {"category": section.category, "title_start": section.title_start,
            "body_start": section.body_start, "end": section.end}


@Language.factory("extractor_fields")
class LetterFields:
    """Extracts the contract's letter-level fields and disputed items."""

    def __init__(self, nlp: Language, name: str = "extractor_fields") -> None:
        """Create the component (rules are read from ``models/`` on first use)."""
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        """Store the fields of ``doc`` in ``doc._.imr_fields``."""
        text = doc_text(doc)
        sections = doc_sections(doc)
        warnings: list[str] = []
        layout = header.layout(text, sections)
        if layout == "unknown":
            warnings.append(Errors.W004)
        dates = header.header_dates(text, sections)
        if dates["decision"] is None and layout == "maximus_letterhead":
            dates["decision"] = header.letter_date(text, sections)
        case_number, priority = header.case_number(text), header.priority(text, sections)
        ocr = bool((doc._.imr_source or {}).get("ocr"))
        if ocr:  # misread digits repaired by checks, each repair warned about
            case_number, priority, repaired = ocr_header.repair(text, sections, case_number, dates, priority)
            warnings += repaired
        for name in ("injury", "ur_denial"):
            if dates[name] is None:
                dates[name] = header.narrative_date(text, sections, name)
        if ocr:
            warnings += ocr_header.check(case_number, dates, priority)
        licensure, specialties = reviewer.reviewer(text, sections)
        for name in specialties:
            if not reviewer.normalize_specialty(name)[1]:
                warnings.append(Errors.W010.format(name=name))
        age, sex = patient.patient(text, sections)
        s_start, s_end = section_span(text, sections, "case_summary")
        found = items.find_items(text, sections, layout)
        item_rows = []
        for index, item in enumerate(found, start=1):
            row = {
                "index": index,
                "service": item.service,
                **items.describe(item),
                "decision": item.decision,
                "medically_necessary": None if item.decision is None else item.decision == "overturned",
                "claims_administrator_guideline": item.fields.get("claims_administrator_guideline"),
                "maximus_guideline": item.fields.get("maximus_guideline"),
                "rationale": item.fields.get("rationale"),
                "evidence": {"start": item.line_start, "end": item.line_end},
                "rationale_span": list(item.rationale_span) if item.rationale_span else None,
            }
            if item.decision is None:
                warnings.append(Errors.W003.format(index=index, service=item.service))
            if layout != "professional_review":
                for key, label in (("claims_administrator_guideline", "Claims Administrator guideline"),
                                   ("maximus_guideline", "MAXIMUS guideline")):
                    if row[key] is None:
                        warnings.append(Errors.W006.format(label=label, index=index))
            item_rows.append(row)
        if not item_rows:
            warnings.append(Errors.W002)
        cases = header.case_headers(text)
        if len(cases) > 1:
            warnings.append(Errors.W008.format(count=len(cases), cases=", ".join(cases)))
        doc._.imr_fields = {
            "layout": layout,
            "case_number": case_number,
            "dates": dates,
            "priority": priority,
            "reviewer": {"licensure": licensure, "specialties": specialties},
            "patient": {"age": age, "sex": sex},
            "diagnoses": clinical.diagnoses(text, s_start, s_end),
            "pain_scores": clinical.pain_scores(text, s_start, s_end, dates["injury"]),
            "work_status": clinical.work_status(text, s_start, s_end, dates["injury"]),
            "items": item_rows,
            "sections": [_section_dict(s) for s in sections],
            "warnings": warnings,
        }
        return doc
