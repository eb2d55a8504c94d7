"""Hypothesis through the whole pipeline: load -> score -> render, for valid and near-valid files.

Only the documented error type (SourceErrors, with positioned problems) may come out.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import assessments

from assessor.assessment import dump_yaml, parse_assessment
from assessor.documents.pack import available_documents, render_document
from assessor.errors import SourceErrors
from assessor.scoring import score

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@st.composite
def files(draw, catalogue):
    a = draw(assessments(catalogue))
    data = a.to_data()
    data["organisation"]["name"] = draw(TEXT.filter(lambda s: s.strip())) or "x"
    for qid in list(data["answers"])[:3]:
        data["answers"][qid]["note"] = draw(TEXT)
    mutation = draw(
        st.sampled_from(["none", "bad value", "unknown id", "drop name", "wrong type", "extra key"])
    )
    if mutation == "bad value" and data["answers"]:
        data["answers"][next(iter(data["answers"]))]["value"] = draw(TEXT)
    elif mutation == "unknown id":
        data["answers"]["no.such." + draw(st.text("abc", min_size=1, max_size=5))] = {"value": "in_place"}
    elif mutation == "drop name":
        del data["organisation"]["name"]
    elif mutation == "wrong type":
        data["profile"]["audience"] = draw(st.one_of(st.integers(), TEXT))
    elif mutation == "extra key":
        data[draw(st.sampled_from(["answer", "Profile", "notes"]))] = {}
    return dump_yaml(data), mutation


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_load_score_render(catalogue, data):
    text, mutation = data.draw(files(catalogue))
    try:
        a = parse_assessment(text, catalogue, "generated.yaml")
    except SourceErrors as exc:
        assert exc.problems and all(p.line >= 1 and p.col >= 1 for p in exc.problems)
        return
    assert mutation not in ("unknown id", "drop name", "extra key"), "a broken file was accepted"
    result = score(a, catalogue)
    assert result.areas
    specs = available_documents(a, catalogue)
    spec = data.draw(st.sampled_from(specs))
    md = render_document(spec.id, a, catalogue, "md").decode("utf-8")
    assert md.strip()
