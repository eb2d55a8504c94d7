"""Traceability: where each guidance id is acted on.

An id counts as covered when a question, an option, a recommended action, an
inherent-risk rule, a helpline entry or a document clause uses it. Area-level
citations alone do not count: they explain, they do not act. Document clauses
mark their ids in templates with ``data-guidance="id id ..."``.
"""

from __future__ import annotations

import re
from pathlib import Path

from assessor.questionnaire import Action, Catalogue

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
_CLAUSE = re.compile(r'data-guidance="([^"]+)"')


def template_clauses(folder: Path = TEMPLATES_DIR) -> dict[str, list[str]]:
    """Guidance id -> ``template:line`` of every clause that names it."""
    found: dict[str, list[str]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".html", ".j2", ".jinja"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _CLAUSE.finditer(line):
                for gid in match.group(1).split():
                    found.setdefault(gid, []).append(f"document clause {path.relative_to(folder)}:{n}")
    return found


def coverage(catalogue: Catalogue, templates: Path = TEMPLATES_DIR) -> dict[str, list[str]]:
    uses: dict[str, list[str]] = {gid: [] for gid in catalogue.guidance}

    def add(ids: list[str], where: str) -> None:
        for gid in ids:
            if gid in uses and where not in uses[gid]:
                uses[gid].append(where)

    def add_action(action: Action, where: str) -> None:
        add(action.guidance, where)
        if action.audit is not None:
            add(action.audit.guidance, f"{where} (audit wording)")

    for q in catalogue.questions():
        add(q.guidance, f"question {q.id}")
        for option in q.options:
            add(option.guidance, f"option {q.id}={option.value}")
        if isinstance(q.action, Action):
            add_action(q.action, f"action for {q.id}")
    for aid, action in catalogue.actions.items():
        add_action(action, f"action {aid}")
    for area in catalogue.areas:
        for axis in ("likelihood", "impact"):
            for i, mod in enumerate(getattr(area.inherent, axis).modifiers, 1):
                add(mod.guidance, f"risk rule {area.id} {axis} #{i}")
    for code, nation in catalogue.nations.items():
        for line in nation.helplines:
            add(line.guidance, f"helpline {code}: {line.name}")
    for gid, places in template_clauses(templates).items():
        for place in places:
            add([gid], place)
    return uses


def format_matrix(matrix: dict[str, list[str]]) -> str:
    width = max(len(g) for g in matrix)
    lines = []
    for gid, places in matrix.items():
        first = places[0] if places else "NOT COVERED"
        extra = f" (+{len(places) - 1} more)" if len(places) > 1 else ""
        lines.append(f"{gid:<{width}}  {len(places):>3}  {first}{extra}")
    covered = sum(1 for p in matrix.values() if p)
    lines.append(f"\n{covered} of {len(matrix)} guidance ids covered.")
    return "\n".join(lines)
