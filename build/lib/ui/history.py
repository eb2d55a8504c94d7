"""History: every saved version of the open assessment, what each changed, and restoring one.

Restoring makes the old version current again *as a new version*, so a restore is itself in the
history and can be undone the same way. Deleting is on the Start page (soft, with Undo for 30
days); "Delete now" is here, for the browser that created the assessment only.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import streamlit as st

from assessor.store import UNDO_DAYS, Revision
from ui import auth, state, sync
from ui.text import md

KINDS = {
    "create": "Started",
    "edit": "Answers saved",
    "restore": "Earlier version restored",
    "recover": "Recovered after a damaged save",
    "resolve": "Choice between two edits",
    "import": "Opened from a file",
}
SHOWN = 50  # newest versions listed; the store keeps up to KEEP_REVISIONS


def _questions(rev: Revision) -> int:
    """How many questions (or other items) a version changed: a value and its note count once."""
    return len({path.rsplit("/", 1)[0] if path.startswith("answers/") else path for path in rev.changed})


def _restore(rev: int) -> None:
    draft = state.draft_id()
    before = state.store().head(draft)
    new = state.store().restore(draft, rev, state.catalogue(), author=state.tab())
    state.open_draft(draft)
    state._reseed(None)
    st.session_state["undo_restore"] = (before, new, rev)


def _delete_now() -> None:
    draft = state.draft_id()
    state.store().purge(draft)
    state.forget(draft)
    state.close_draft()
    state.flash("success", "The assessment and all its versions have been deleted.")
    st.session_state["go_to"] = "start"


def history_page() -> None:
    st.title("History")
    state.show_flash()
    draft = state.draft_id()
    store = state.store()
    undo = st.session_state.get("undo_restore")
    if undo:
        before, new, rev = undo
        st.success(f"Version {rev} is current again, saved as version {new}.")
        if st.button(f"Undo: go back to version {before}", key="undo-restore"):
            _restore(before)
            st.session_state.pop("undo_restore", None)
            st.rerun()
    st.write(
        "Every save is kept as a version. Open one to see what it changed; restoring an earlier "
        "version saves it again as the newest, so nothing is lost and a restore can be undone."
    )
    revisions = store.revisions(draft)
    head = revisions[0].rev if revisions else 0
    compare_versions(revisions)
    st.header("Every saved version")
    for r in revisions[:SHOWN]:
        n = _questions(r)
        who = f" · {r.author}" if r.author else ""
        what = KINDS.get(r.kind, r.kind)
        count = f" · {n} item{'s' if n != 1 else ''} changed" if r.kind != "create" else ""
        title = (
            f"Version {r.rev}{' (current)' if r.rev == head else ''} · {r.saved.astimezone():%d %b %Y, %H:%M}"
        )
        with st.expander(f"{title} · {what}{count}{who}"):
            changes = store.changes_in(draft, r.rev)
            if not changes:
                st.write("No answers changed.")
            for path, (old, new) in list(changes.items())[:40]:
                st.markdown(
                    f"**{md(sync.describe(path))}**: {md(sync.label(path, old))} → {md(sync.label(path, new))}"
                )
            if len(changes) > 40:
                st.write(f"…and {len(changes) - 40} more.")
            if (
                r.rev != head
                and auth.may("answer")
                and st.button(f"Restore version {r.rev}", key=f"restore|{r.rev}")
            ):
                _restore(r.rev)
                st.rerun()
    if len(revisions) > SHOWN:
        st.write(f"Older versions ({len(revisions) - SHOWN}) are kept but not listed here.")

    if auth.enabled() and auth.may("read_audit"):
        from ui.members import audit_table

        st.header("Audit log")
        st.write(
            "Every change to this assessment in the organisation's audit log: who, when and which answers."
        )
        audit_table(store.audit(auth.current_org(), draft_id=draft, limit=200))
    if auth.enabled() and not auth.may("delete"):
        return
    st.header("Delete this assessment")
    if store.is_owner(draft, state.browser_id()) or auth.enabled():
        st.write(
            f"Delete it from the Start page to keep it for {UNDO_DAYS} days with Undo. "
            "**Delete now** removes it and every version at once: it cannot be undone."
        )
        if st.session_state.get("confirm-purge"):
            st.warning("Delete this assessment and all its versions now? This cannot be undone.")
            yes, no = st.columns(2)
            if yes.button("Yes, delete it now", type="primary"):
                _delete_now()
                st.rerun()
            if no.button("Keep it"):
                st.session_state.pop("confirm-purge")
                st.rerun()
        elif st.button("Delete now"):
            st.session_state["confirm-purge"] = True
            st.rerun()
    else:
        st.write(
            f"Only the browser that started this assessment can delete it at once. You can delete it "
            f"from the Start page; it is kept for {UNDO_DAYS} days and can be brought back."
        )


def compare_versions(revisions: list[Revision]) -> None:
    """What changed between any two saved versions: answers, ratings, actions and documents."""
    from assessor.diff import compare

    draft = state.draft_id()
    store = state.store()
    st.header("What changed")
    approved = dict(store.approved_revisions(draft))
    if len(revisions) < 2:
        st.write("There is only one saved version so far.")
        return

    def name(rev: int) -> str:
        v = approved.get(rev)
        if v:
            when = v.get("approved_on", "")
            with contextlib.suppress(ValueError, TypeError):
                when = f"{dt.date.fromisoformat(when):%d %b %Y}"
            return f"Saved version {rev}: version {v.get('version')}, approved {when}"
        return f"Saved version {rev}{' (current)' if rev == revisions[0].rev else ''}"

    revs = [r.rev for r in revisions]
    default_old = next(iter(approved), revs[-1])
    if default_old == revs[0]:
        default_old = revs[1]
    st.write(
        "Compare two saved versions: the answers changed, the risk areas whose rating moved, the "
        "actions completed, added or dropped, and the documents whose wording changed. The earlier "
        "one is the last approved version if there is one."
    )
    left, right = st.columns(2)
    old = left.selectbox(
        "Earlier version", revs, index=revs.index(default_old), format_func=name, key="diff|old"
    )
    new = right.selectbox("Later version", revs, index=0, format_func=name, key="diff|new")
    if st.button("Compare", key="diff|go"):
        cat = state.catalogue()
        with st.spinner("Comparing…"):
            st.session_state["diff|result"] = (
                old,
                new,
                compare(store.load(draft, cat, old), store.load(draft, cat, new), cat),
            )
    shown = st.session_state.get("diff|result")
    if shown and shown[:2] == (old, new):
        show_changes(shown[2])


def show_changes(ch) -> None:
    st.subheader(f"From {ch.old} to {ch.new}")
    if ch.is_empty():
        st.write("No changes.")
        return
    if ch.overall:
        st.markdown(f"**Overall rating:** {md(ch.overall[0])} → {md(ch.overall[1])}")
    st.markdown(f"**Answers changed ({len(ch.answers)})**")
    for c in ch.answers[:60]:
        what = "Note on “" + c.text + "”" if c.part == "note" else c.text
        st.markdown(f"- {md(what)}  \n  {md(c.before)} → **{md(c.after)}**")
    if len(ch.answers) > 60:
        st.write(f"…and {len(ch.answers) - 60} more.")
    st.markdown(f"**Ratings moved ({len(ch.ratings)})**")
    for r in ch.ratings:
        st.markdown(f"- {md(r.title)}: {md(r.before)} → {md(r.after)}")
    for kind in ("completed", "added", "dropped"):
        rows = [a for a in ch.actions if a.change == kind]
        st.markdown(f"**Actions {kind} ({len(rows)})**")
        for a in rows:
            st.markdown(f"- {md(a.text)}" + (f" ({md(a.detail)})" if a.detail else ""))
    st.markdown(f"**Documents whose wording changed ({len(ch.documents)})**")
    for d in ch.documents:
        st.markdown(f"- {md(d)}")
