"""The policy pack: tailoring, formats, accessibility and determinism.

Each contrasting assessment is rendered once per session (PDF, DOCX and Markdown),
and every test reads from those renders.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import EXAMPLES, FIXTURES
from docx import Document as open_docx
from pypdf import PdfReader

from assessor.assessment import Answer, load_assessment
from assessor.catalogue import default_catalogue
from assessor.cli import main
from assessor.coverage import template_clauses
from assessor.documents import available_documents, pack_zip, render_document, render_pack
from assessor.documents.context import build_context, commitment_wording
from assessor.documents.docx import html_to_docx
from assessor.documents.html import TEMPLATES_DIR

CASES = FIXTURES / "assessments"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _render(name: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """Render one case in every format and extract its PDF text (runs in a worker process)."""
    catalogue = default_catalogue()
    assessment = load_assessment(CASES / f"{name}.yaml", catalogue)
    files = render_pack(assessment, catalogue, ["pdf", "docx", "md"])
    texts = {path: _text(data) for path, data in files.items() if path.endswith(".pdf")}
    return files, texts


class Pack:
    """One assessment rendered in every format, with extracted text."""

    def __init__(self, name: str, rendered: tuple[dict[str, bytes], dict[str, str]], catalogue) -> None:
        self.assessment = load_assessment(CASES / f"{name}.yaml", catalogue)
        self.specs = {s.id: s for s in available_documents(self.assessment, catalogue)}
        self.files, texts = rendered
        self.text = {doc: texts[f"pdf/{spec.stem}.pdf"] for doc, spec in self.specs.items()}

    def _file(self, doc: str, fmt: str) -> bytes:
        return self.files[f"{fmt}/{self.specs[doc].stem}.{fmt}"]

    def pdf(self, doc: str) -> bytes:
        return self._file(doc, "pdf")

    def docx(self, doc: str) -> bytes:
        return self._file(doc, "docx")

    def md(self, doc: str) -> str:
        return self._file(doc, "md").decode("utf-8")


NAMES = ("youth-forum", "adult-peer-support", "random-video-chat-audit")


@pytest.fixture(scope="session")
def _rendered() -> dict[str, tuple[dict[str, bytes], dict[str, str]]]:
    # Rendering PDFs is the slow part: use both cores.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        return dict(zip(NAMES, pool.map(_render, NAMES), strict=True))


@pytest.fixture(scope="session")
def youth(_rendered, catalogue) -> Pack:
    return Pack("youth-forum", _rendered["youth-forum"], catalogue)


@pytest.fixture(scope="session")
def adult(_rendered, catalogue) -> Pack:
    return Pack("adult-peer-support", _rendered["adult-peer-support"], catalogue)


@pytest.fixture(scope="session")
def audit(_rendered, catalogue) -> Pack:
    return Pack("random-video-chat-audit", _rendered["random-video-chat-audit"], catalogue)


@pytest.fixture(scope="session")
def packs(youth, adult, audit) -> list[Pack]:
    return [youth, adult, audit]


# -- which documents ------------------------------------------------------------


def test_documents_follow_the_audience(youth, adult, audit):
    assert list(youth.specs) == [
        "risk_report",
        "policy_statement",
        "house_rules",
        "house_rules_young",
        "staff_code",
        "behaviour_code",
        "procedure",
    ]
    assert "member_code" in adult.specs
    assert not {"house_rules_young", "behaviour_code"} & set(adult.specs)
    assert {"house_rules_young", "behaviour_code"} <= set(audit.specs)
    assert [s.stem[:2] for s in adult.specs.values()] == ["01", "02", "03", "04", "05", "06"]
    assert audit.specs["procedure"].title == "Concerns and escalation procedure"


def test_every_format_of_every_document_is_written(packs):
    for pack in packs:
        assert len(pack.files) == 3 * len(pack.specs)
        for name, data in pack.files.items():
            assert data, name


# -- tailoring --------------------------------------------------------------------


def test_private_message_rules_only_with_member_messages(youth, adult):
    assert "Private messages" in youth.text["house_rules"]
    # Under-18s take part: never "you can message anyone", and no fictional "approved contacts"
    # (no organisation has an approval system): keep chats in the group; no adult starts a private
    # chat with a child, and a child starts none with adults or with people known only from here.
    assert "No adult may start a private chat with anyone under 18 here" in youth.text["house_rules"]
    # (The sign-off wording, "not yet approved by the trustees" and the version table's "Approved
    # by", is about the document, not a rule.)
    rules = re.sub(r"[Nn]ot yet approved( by the trustees)?|Approved by", "", youth.text["house_rules"])
    assert "approved" not in rules and "said are OK" not in youth.text["house_rules_young"]
    assert "You can send other members private messages" not in youth.text["house_rules"]
    assert "Don’t start private chats with adults here" in youth.text["house_rules_young"]
    assert "You can send other members private messages" not in adult.text["house_rules"]
    assert "private message" not in adult.text["house_rules"].lower()
    assert "members cannot message each other privately" in adult.text["policy_statement"]


def test_pre_and_post_moderation_read_differently(youth, adult):
    pre, post = youth.text, adult.text
    assert "Every post is read by a moderator before it appears" in pre["house_rules"]
    assert (
        "checking every post before it appears, since our online community on Riverside Forum is pre-moderated"
        in pre["policy_statement"]
    )
    assert "Pre-moderation: every post is checked before it appears" in pre["procedure"]
    assert "Messages appear straight away" in post["house_rules"]  # a messaging group
    assert (
        # enough moderators are only partly in place, so no promise to read every post
        "checking posts after they appear, since our online community on WhatsApp is post-moderated"
        in post["policy_statement"]
    )
    assert "pre-moderated" not in post["policy_statement"]
    assert "Post-moderation: posts appear at once" in post["procedure"]
    assert "before it appears" not in post["house_rules"]
    assert "Posts appear straight away" not in pre["house_rules"]


def test_young_people_get_their_own_documents_and_helplines(youth, adult):
    young = youth.text["house_rules_young"]
    assert "Childline" in young and "0800 1111" in young
    assert "Behaviour code for children and young people" in youth.text["behaviour_code"]
    assert "Parent or carer" in youth.text["behaviour_code"]
    assert "Childline" not in adult.text["house_rules"]
    assert "Samaritans" in adult.text["member_code"]


def test_law_and_helplines_follow_the_nation(youth, adult, audit):
    assert "Social Services and Well-being (Wales) Act 2014" in youth.text["policy_statement"]
    assert "Wales / Cymru" in youth.text["procedure"]
    assert "Care Act 2014" in adult.text["policy_statement"]
    assert "Working Together to Safeguard Children" in adult.text["policy_statement"]
    assert "National Guidance for Child Protection in Scotland" in audit.text["policy_statement"]
    assert "Working Together" not in audit.text["policy_statement"]
    for pack in (youth, adult, audit):
        procedure = pack.text["procedure"]
        for needle in (
            "999",
            "NSPCC Helpline",
            "0808 800 5000",
            "CEOP",
            "Internet Watch Foundation",
        ):
            assert needle in procedure, needle
    # Childline is for children: listed where under-18s take part, not in an adults-only pack.
    assert "Childline" in youth.text["procedure"] and "Childline" in audit.text["procedure"]
    assert "Childline" not in adult.text["procedure"]


def test_procedure_has_triage_levels_secrecy_evidence_and_handover(youth, audit):
    procedure = youth.text["procedure"]
    for needle in (
        "A threat of suicide or self-harm",  # high (002.M3)
        "You are unsure whether to reply or escalate",  # medium (002.M4)
        "Swearing, off-topic or mildly inappropriate content",  # low (002.M5)
        "Never promise secrecy",
        "Keeping evidence and records",
        "Outside moderation hours",
        "Shift handover record",
    ):
        assert needle in procedure, needle
    assert "Shift handover record" not in audit.text["procedure"]
    assert "Record of a concern" in audit.text["procedure"]


def test_audit_speaks_about_a_platform_the_organisation_does_not_run(audit, youth):
    rules = audit.text["house_rules"]
    assert "is run by another company, not by St Mary's Youth Club" in rules
    assert "connects you with strangers at random" in rules
    assert "There is no way to report or block anyone there" in rules
    assert "If there is no report button" in audit.text["house_rules_young"]
    assert "does not run or moderate" in audit.text["procedure"]
    assert (
        "St Mary's Youth Club does not run ChatRoulette-style random video chat" in audit.text["risk_report"]
    )
    assert "What moderators do, and when" not in rules
    assert "another company" not in youth.text["house_rules"]


def test_gaps_become_dated_commitments_not_claims(catalogue, audit, youth):
    ctx = build_context(audit.assessment, catalogue)
    first = ctx.actions[0]
    assert first.immediate
    statement = audit.text["policy_statement"]
    # "At once" only for an action due on the issue date (reading r14, LG 5-6), which it starts from: the
    # statement is adopted later, so the issue date is not printed as a deadline (reading r15, SC 6, RF 4).
    date = f"{first.due.day} {first.due:%B %Y}"
    heading = f"At once (from {date})" if first.at_once else f"By {date}"
    assert f"{heading}, we will:" in statement
    assert first.what[:40] in statement
    # Audit wording: actions say what the organisation can do, not how to change the platform.
    assert all(a.areas for a in ctx.actions)
    # The youth forum answered no control questions: nothing may be listed as in place.
    assert "Safeguards in place" not in youth.text["risk_report"]


def test_commitment_wording():
    assert commitment_wording("Publish the rules.") == "publish the rules"
    assert (
        commitment_wording("Add a step to your procedure. Then tell staff.") == "add a step to our procedure"
    )
    assert commitment_wording("Do not direct young people to it.") == "not direct young people to it"
    assert commitment_wording("CEOP reports go to the lead.") == "CEOP reports go to the lead"
    # A fallback changes the promise, so it stays, in the organisation's own voice.
    assert commitment_wording(
        "Switch off private messages. If neither is possible, add rules to your agreement. Say why."
    ) == ("switch off private messages; if neither is possible, add rules to our agreement")
    assert commitment_wording("Check the platform. If it does not, do not use it and tell you why.") == (
        "check the platform; if it does not, we will not use it and tell us why"
    )
    assert commitment_wording("Work out the hours you need.") == "work out the hours we need"


def _md(assessment, catalogue, doc_id: str) -> str:
    return render_document(doc_id, assessment, catalogue, "md", workers=0, cache=False).decode("utf-8")


def test_an_audit_follows_the_recorded_decision(catalogue):
    base = load_assessment(EXAMPLES / "random-video-chat-audit.yaml", catalogue)
    assert base.answers["platform_features.decision"].value == "advise_against"
    undecided = base.model_copy(deep=True)
    del undecided.answers["platform_features.decision"]
    against = {
        doc: _md(base, catalogue, doc)
        for doc in ("house_rules", "house_rules_young", "policy_statement", "staff_code")
    }
    open_ = {doc: _md(undecided, catalogue, doc) for doc in against}
    assert "We advise our members not to use it" in against["house_rules"]
    assert "we ask you not to use it" in against["house_rules_young"]
    assert "we advise members, parents and carers not to use SpinChat" in against["policy_statement"]
    assert "we advise members and families not to use it" in against["staff_code"]
    assert "unless the designated safeguarding lead has agreed" not in against["staff_code"]
    assert "not to use" not in open_["house_rules"] + open_["house_rules_young"]
    assert (
        "We have not yet decided whether to use, recommend or advise against it" in open_["policy_statement"]
    )
    # Undecided is not a licence: staff never contact young people through SpinChat, and the club
    # does not direct members to it, whoever agrees (reading r6).
    assert "unless the designated safeguarding lead has agreed" not in open_["staff_code"]
    assert "Never use SpinChat to contact" in open_["staff_code"]
    assert "does not direct members to it" in open_["staff_code"]


def test_a_clause_that_describes_a_safeguard_needs_it_in_place(catalogue):
    adult = load_assessment(EXAMPLES / "adult-peer-support.yaml", catalogue)
    gaps = adult.model_copy(deep=True)
    for qid in ("behaviour.anti_bullying", "anonymity.ip_policy", "disclosure.public_impact"):
        gaps.answers.pop(qid, None)
    done = adult.model_copy(deep=True)
    for qid in ("behaviour.anti_bullying", "anonymity.ip_policy", "disclosure.public_impact"):
        done.answers[qid] = Answer(value="in_place")
    claims = {
        "policy_statement": ("which covers bullying online", "may decide to look at the technical records"),
        "house_rules": ("check that others who saw it are all right",),
    }
    for doc, needles in claims.items():
        with_gaps, in_place = _md(gaps, catalogue, doc), _md(done, catalogue, doc)
        for needle in needles:
            assert needle not in with_gaps, (doc, needle)
            assert needle in " ".join(in_place.split()), (doc, needle)


def test_helplines_follow_the_audience(adult, youth):
    childline = "Free, confidential support for children and young people"  # its row in the table
    assert childline not in adult.text["procedure"] and childline in youth.text["procedure"]
    assert "For a child who cannot decide" not in adult.text["procedure"]
    assert "For a child who cannot decide" in youth.text["procedure"]


def test_risk_report_has_summary_register_heat_map_and_appendix(youth):
    text = youth.text["risk_report"]
    first_page = _text_of_page(youth.pdf("risk_report"), 0)
    for needle in (
        "Summary for trustees",
        "Overall risk:",
        "The highest risks",
        "Critical actions",
        "Sign-off",
    ):
        assert needle in first_page, needle
    assert "Ffion Davies" in first_page and "Next review: by 12 January 2027" in first_page
    for needle in ("Risk register", "Heat map", "Each risk explained", "Action plan", "Not answered"):
        assert needle in text, needle
    assert "Impact 5" in text and "Likelihood" in text
    assert "None" not in text.split()


def _text_of_page(pdf: bytes, n: int) -> str:
    return " ".join((PdfReader(io.BytesIO(pdf)).pages[n].extract_text() or "").split())


# -- formats ----------------------------------------------------------------------


def test_pdfs_are_tagged_and_accessible(packs):
    for pack in packs:
        for doc, spec in pack.specs.items():
            reader = PdfReader(io.BytesIO(pack.pdf(doc)))
            root = reader.trailer["/Root"]
            assert "/StructTreeRoot" in root, doc
            assert root["/MarkInfo"]["/Marked"], doc
            assert root["/Lang"] == "en-GB", doc
            assert reader.metadata.title.startswith(spec.title), doc
            assert reader.outline, f"{doc} has no bookmarks"
            assert "/EmbeddedFiles" not in root.get("/Names", {}), doc
            last = len(reader.pages)
            assert f"Page {last} of {last}" in pack.text[doc], doc


def test_pdfs_embed_only_the_bundled_font(youth):
    reader = PdfReader(io.BytesIO(youth.pdf("policy_statement")))
    names = {
        str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].get_object().values()
    }
    assert names and all("Noto" in n and "Sans" in n for n in names), names


def test_welsh_and_accented_letters_survive(youth):
    assert "ŵyr a ŷd, café, naïve" in youth.text["risk_report"]
    assert "ŵyr a ŷd" in youth.md("policy_statement")


def test_docx_has_real_headings_lists_and_tables(packs):
    for pack in packs:
        for doc in pack.specs:
            document = open_docx(io.BytesIO(pack.docx(doc)))
            styles = {p.style.name for p in document.paragraphs}
            assert "Title" in styles and "Heading 1" in styles, doc
            assert styles & {"List Bullet", "List Number"}, doc
            assert document.tables, doc
            title = next(p.text for p in document.paragraphs if p.style.name == "Title")
            assert title == pack.specs[doc].title
    register = open_docx(io.BytesIO(packs[0].docx("risk_report")))
    headers = [[c.text for c in t.rows[0].cells] for t in register.tables]
    assert ["#", "Risk", "Before safeguards", "Safeguards", "Now (RAG)"] in headers


def test_docx_numbered_lists_restart():
    html = "<html><body><ol><li>a</li><li>b</li></ol><p>x</p><ol><li>c</li></ol></body></html>"
    document = open_docx(io.BytesIO(html_to_docx(html)))
    items = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in items] == ["a", "b", "c"]
    num_ids = [p._p.pPr.numPr.numId.val for p in items]
    assert num_ids[0] == num_ids[1] != num_ids[2]


def test_markdown_has_headings_lists_and_tables(packs):
    for pack in packs:
        md = pack.md("procedure")
        assert md.startswith(pack.assessment.organisation.name.replace("'", "'"))
        assert "\n# " in md and "\n## 3. Triage: how serious is it?" in md
        assert "\n| Level | What it includes | Respond | Escalate to |" in md
        assert "\n- " in md and "\n1. " in md


def test_rendering_is_deterministic(catalogue, adult):
    for fmt in ("pdf", "docx", "md"):
        again = render_document("policy_statement", adult.assessment, catalogue, fmt)
        assert again == adult._file("policy_statement", fmt), fmt
    date = adult.assessment.meta.assessed_on
    archive = pack_zip(adult.files, date)
    assert archive == pack_zip(dict(reversed(adult.files.items())), date)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert sorted(n.removeprefix("policy-pack/") for n in opened.namelist()) == sorted(adult.files)


def test_render_document_matches_the_pack(catalogue, audit):
    md = render_document("house_rules", audit.assessment, catalogue, "md")
    assert md.decode("utf-8") == audit.md("house_rules")
    with pytest.raises(KeyError, match="member_code"):
        render_document("member_code", audit.assessment, catalogue, "md")
    with pytest.raises(ValueError, match="unknown format"):
        render_pack(audit.assessment, catalogue, ["pdf", "rtf"])


# -- traceability -----------------------------------------------------------------


def test_template_clauses_name_real_guidance_ids(catalogue):
    clauses = template_clauses(TEMPLATES_DIR)
    literal = {gid for gid in clauses if re.fullmatch(r"\d{3}\.[A-Z]+\d+[a-z]?", gid)}
    assert literal - set(catalogue.guidance) == set()
    assert len(literal) >= 90  # the documents act on most of the guidance


# -- command line and packaging ------------------------------------------------------


def test_cli_pack_writes_files_and_zip(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        ["pack", str(CASES / "adult-peer-support.yaml"), "-o", str(out), "--format", "md,docx", "--zip"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    # One line per document as it is finished: counted 1 to 6, each title once, in any order.
    lines = [line for line in printed.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in lines] == [f"[{n}/6" for n in range(1, 7)]
    assert any(line.endswith("] Online safety risk assessment: md, docx") for line in lines)
    assert len({line.split("] ", 1)[1] for line in lines}) == 6
    assert (out / "md" / "03-house-rules.md").exists()
    assert (out / "docx" / "06-escalation-procedure.docx").exists()
    with zipfile.ZipFile(out / "adult-peer-support-policy-pack.zip") as archive:
        assert len(archive.namelist()) == 12


def test_cli_pack_reports_problems_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: {name: X}\nprofile: {nation: mars}\n", encoding="utf-8")
    assert main(["pack", str(bad), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:19:" in err and "Traceback" not in err
    assert main(["pack", str(bad), "-o", str(tmp_path / "out"), "--format", "pdf,rtf"]) == 2
    assert "unknown format rtf" in capsys.readouterr().err


def test_importing_documents_does_not_load_weasyprint():
    code = "import sys, assessor.documents; print('weasyprint' in sys.modules, 'docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_render(example: Path, catalogue):
    assessment = load_assessment(example, catalogue)
    files = render_pack(assessment, catalogue, ["md", "docx"])
    assert files and all(files.values())


def test_answers_the_templates_read_exist(catalogue):
    """A template reads some answers by question id; a renamed question must not go quiet."""
    used = {
        qid
        for path in TEMPLATES_DIR.glob("*.html")
        for qid in re.findall(r"c\.(?:in_place|answer)\(\"([^\"]+)\"\)", path.read_text(encoding="utf-8"))
    }
    assert len(used) >= 5
    assert used - set(catalogue.index) == set()
    controls = {qid for qid in used if catalogue.index[qid].kind.value == "control"}
    in_place = {
        qid
        for path in TEMPLATES_DIR.glob("*.html")
        for qid in re.findall(r"c\.in_place\(\"([^\"]+)\"\)", path.read_text(encoding="utf-8"))
    }
    assert in_place <= controls
