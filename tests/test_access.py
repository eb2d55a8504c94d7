"""Roles and what each may do, and the checked store that every page and command goes through.

The checked-store tests run on every backend in ``tests/test_store.py``'s ``BACKENDS``.
"""

from __future__ import annotations

import json

import pytest

from assessor.access import (
    ACTIONS,
    PERMISSIONS,
    ROLES,
    CheckedStore,
    Forbidden,
    can,
    can_remove,
    page_allowed,
    require,
)
from assessor.assessment import Assessment
from assessor.store import DraftNotFound, InvalidInvite, OrgNotFound
from tests.test_store import BACKENDS


@pytest.fixture(params=sorted(BACKENDS))
def store(request, tmp_path):
    s = BACKENDS[request.param](tmp_path)
    yield s
    s.close()


def org(name: str) -> Assessment:
    return Assessment(organisation={"name": name}, profile={"relationship": "runs"})


def test_what_each_role_may_do():
    table = {role: sorted(PERMISSIONS[role]) for role in ROLES}
    assert table == {
        "owner": [
            "answer",
            "comment",
            "create",
            "delete",
            "download",
            "manage_members",
            "read",
            "read_audit",
        ],
        "editor": ["answer", "comment", "create", "download", "read"],
        "reviewer": ["comment", "download", "read", "review"],
        "trustee": ["approve", "download", "read"],
        "viewer": ["read"],
    }
    assert all(can(role, "read") for role in ROLES)
    assert [r for r in ROLES if can(r, "answer")] == ["owner", "editor"]
    assert [r for r in ROLES if can(r, "approve")] == ["trustee"]
    assert [r for r in ROLES if can(r, "review")] == ["reviewer"]
    assert [r for r in ROLES if can(r, "manage_members")] == ["owner"]
    assert not any(can(None, a) for a in ACTIONS)  # not a member: nothing
    assert not can("admin", "read")  # an unknown role: nothing
    with pytest.raises(ValueError):
        can("owner", "fly")
    with pytest.raises(Forbidden, match="trustee"):
        require("trustee", "answer")


def test_pages_each_role_may_see():
    assert page_allowed(None, "start")
    assert not page_allowed(None, "results") and not page_allowed(None, "contact")
    assert all(page_allowed(r, p) for r in ROLES for p in ("results", "documents", "history", "contact"))
    assert [r for r in ROLES if page_allowed(r, "members")] == ["owner"]


def test_the_last_owner_cannot_be_removed():
    from assessor.store import Membership

    one = [Membership("o", "a@x.org", "owner", None), Membership("o", "b@x.org", "editor", None)]
    assert not can_remove(one, "A@x.org", "owner")
    assert can_remove(one, "b@x.org", "owner")
    assert not can_remove(one, "b@x.org", "editor")
    two = [*one, Membership("o", "c@x.org", "owner", None)]
    assert can_remove(two, "a@x.org", "owner")


@pytest.fixture
def two_orgs(store):
    """Alpha with one person in each role and an assessment; Beta with its owner and one."""
    a = store.create_org("Alpha", owner="owner@alpha.org")
    for role in ("editor", "reviewer", "trustee", "viewer"):
        store.set_member(a, f"{role}@alpha.org", role, by="owner@alpha.org")
    b = store.create_org("Beta", owner="owner@beta.org")
    da = store.create(org("Alpha"), author="owner@alpha.org", org=a)
    db = store.create(org("Beta"), author="owner@beta.org", org=b)
    return store, a, b, da, db


def test_an_editor_answers_and_a_trustee_reads_but_cannot_change(two_orgs, mini):
    store, a, _, draft, _ = two_orgs
    editor = CheckedStore(store, "Editor@Alpha.org")
    r = editor.apply(draft, 1, {"answers/contact.c1/value": "partly"}, mini, author="spoofed")
    assert r.rev == 2 and store.revisions(draft)[0].author == "editor@alpha.org"  # the signed-in name
    trustee = CheckedStore(store, "trustee@alpha.org")
    assert trustee.load(draft, mini).answers["contact.c1"].value == "partly"
    assert trustee.summary(draft).revision == 2 and trustee.revisions(draft)
    for attempt in (
        lambda: trustee.apply(draft, 2, {"answers/contact.c1/value": "in_place"}, mini),
        lambda: trustee.save(draft, org("Renamed")),
        lambda: trustee.restore(draft, 1, mini),
        lambda: trustee.delete(draft),
        lambda: trustee.purge(draft),
        lambda: trustee.create(org("New"), org=a),
        lambda: trustee.members(a),
        lambda: trustee.invite(a, "x@alpha.org", "owner"),
        lambda: trustee.audit(a),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert store.head(draft) == 2 and store.exists(draft)
    viewer = CheckedStore(store, "viewer@alpha.org")
    with pytest.raises(Forbidden):
        viewer.apply(draft, 2, {"answers/contact.c1/value": "in_place"}, mini)
    owner = CheckedStore(store, "owner@alpha.org")
    assert [e.actor for e in owner.audit(a) if e.action == "edit"] == ["editor@alpha.org"]


def test_another_organisation_reads_nothing(two_orgs, mini):
    """Every way in, by id or code: the answer is the one for a draft that does not exist."""
    store, a, _, draft, theirs = two_orgs
    code = store.summary(draft).code
    outsider = CheckedStore(store, "owner@beta.org")
    assert [d.id for d in outsider.list()] == [theirs]
    assert outsider.list([draft]) == [] and outsider.list(org=a) == []
    assert outsider.list(deleted=True) == []
    assert outsider.find_code(code) is None and not outsider.exists(draft)
    assert outsider.draft_org(draft) is None
    reads = [
        lambda: outsider.head(draft),
        lambda: outsider.load_text(draft),
        lambda: outsider.load(draft, mini),
        lambda: outsider.open(draft, mini),
        lambda: outsider.revisions(draft),
        lambda: outsider.changes_in(draft, 1),
        lambda: outsider.conflicts(draft),
        lambda: outsider.summary(draft),
        lambda: outsider.apply(draft, 1, {"answers/contact.c1/value": "partly"}, mini),
        lambda: outsider.save(draft, org("Taken")),
        lambda: outsider.restore(draft, 1, mini),
        lambda: outsider.resolve(draft, 1, "partly", mini),
        lambda: outsider.delete(draft),
        lambda: outsider.undelete(draft),
        lambda: outsider.purge(draft),
        lambda: outsider.log(draft, "download"),
    ]
    for read in reads:
        with pytest.raises(DraftNotFound):
            read()
    for call in (
        lambda: outsider.org(a),
        lambda: outsider.members(a),
        lambda: outsider.audit(a),
        lambda: outsider.invitations(a),
        lambda: outsider.invite(a, "owner@beta.org", "owner"),
        lambda: outsider.set_member(a, "owner@beta.org", "owner"),
    ):
        with pytest.raises(OrgNotFound):
            call()
    with pytest.raises(Forbidden):
        outsider.create(org("Planted"), org=a)
    with pytest.raises(AttributeError):
        outsider.is_owner_of_everything()  # nothing else is reachable unchecked
    assert store.head(draft) == 1 and store.role_of(a, "owner@beta.org") is None
    # Someone signed in who belongs nowhere: nothing at all.
    nobody = CheckedStore(store, "nobody@example.org")
    assert nobody.list() == [] and nobody.orgs() == []
    with pytest.raises(DraftNotFound):
        nobody.load(theirs, mini)


def test_owner_manages_members_and_keeps_one_owner(two_orgs):
    store, a, _, _, _ = two_orgs
    owner = CheckedStore(store, "owner@alpha.org")
    token = owner.invite(a, "new@alpha.org", "reviewer")
    with pytest.raises(InvalidInvite):
        CheckedStore(store, "owner@beta.org").accept_invite(token)
    assert CheckedStore(store, "new@alpha.org").accept_invite(token).role == "reviewer"
    owner.set_member(a, "viewer@alpha.org", "editor")
    owner.remove_member(a, "reviewer@alpha.org")
    assert {m.email: m.role for m in owner.members(a)}["viewer@alpha.org"] == "editor"
    with pytest.raises(Forbidden):
        owner.remove_member(a, "owner@alpha.org")  # the last owner
    with pytest.raises(Forbidden):
        owner.set_member(a, "owner@alpha.org", "viewer")
    owner.set_member(a, "editor@alpha.org", "owner")
    owner.set_member(a, "owner@alpha.org", "viewer")  # now there is another owner
    assert store.role_of(a, "owner@alpha.org") == "viewer"
    actions = [e.action for e in store.audit(a)]
    assert actions[:5] == ["member", "member", "remove member", "member", "join"]
    assert "join" in actions and "invite" in actions


def test_the_sign_off_chain_by_role(two_orgs, catalogue):
    """Submit (editor), mark reviewed (reviewer, the safeguarding lead), approve (trustee): each
    step saved through the checked store by its role only; a trustee who approves still cannot
    change an answer, in the same save or another."""
    import datetime as dt

    from assessor import lifecycle as lc
    from assessor.access import lifecycle_role
    from assessor.assessment import load_assessment
    from assessor.store import diff, flatten

    store, a, _, _, _ = two_orgs
    draft = store.create(load_assessment("examples/youth-forum.yaml", catalogue), org=a)
    day = dt.date(2026, 11, 30)
    people = {
        r: CheckedStore(store, f"{r}@alpha.org") for r in ("owner", "editor", "reviewer", "trustee", "viewer")
    }

    def step(who: str, move, **kw):
        head = store.load(draft, catalogue)
        after = move(head, role=lifecycle_role(who) or "viewer", on=day, **kw)
        changes = diff(flatten(head.to_data()), flatten(after.to_data()))
        return people[who].apply(draft, store.head(draft), changes, catalogue)

    def refused(who: str, changes) -> None:
        with pytest.raises(Forbidden):
            people[who].apply(draft, store.head(draft), changes, catalogue)

    def fields(move, **kw):
        head = store.load(draft, catalogue)
        return diff(flatten(head.to_data()), flatten(move(head, on=day, **kw).to_data()))

    # Submitting: any role that prepares it, not a viewer.
    refused("viewer", fields(lc.submit, by="Vi", role=lc.EDITOR))
    step("editor", lc.submit, by="Eddie Editor")
    # Marking reviewed: the reviewer only (not the trustee, nor the editor).
    for who in ("editor", "trustee", "owner"):
        refused(who, fields(lc.review, by="X", role=lc.LEAD))
    step("reviewer", lc.review, by="Lee Lead")
    # Approving: the trustee only; and not with an answer changed in the same save.
    approval = fields(lc.approve, approvers=[("Chris Chair", "Chair")], minute="TM 1", role=lc.TRUSTEE)
    for who in ("editor", "reviewer", "owner", "viewer"):
        refused(who, approval)
    refused("trustee", {**approval, "answers/oversharing.member_advice/value": "not_in_place"})
    assert lc.status(store.load(draft, catalogue)).value == "reviewed"
    step("trustee", lc.approve, approvers=[("Chris Chair", "Chair of trustees")], minute="TM 2026/14")
    assert lc.is_approved(store.load(draft, catalogue))
    refused("trustee", {"answers/oversharing.member_advice/value": "not_in_place"})
    who_did = [(e.actor, e.action) for e in store.audit(a, draft_id=draft)][:3]
    assert who_did == [
        ("trustee@alpha.org", "edit"),
        ("reviewer@alpha.org", "edit"),
        ("editor@alpha.org", "edit"),
    ]


def test_hosted_commands_show_another_organisation_nothing(tmp_path, capsys):
    """``python -m assessor org ... --as EMAIL``: the same checks as the app, on the command line."""
    from assessor.cli import main
    from assessor.store import SQLiteStore, new_draft_id

    db = tmp_path / "db.sqlite3"
    store = SQLiteStore(db)
    a = store.create_org("Alpha", owner="owner@alpha.org")
    store.set_member(a, "trustee@alpha.org", "trustee", by="owner@alpha.org")
    b = store.create_org("Beta", owner="owner@beta.org")
    da = store.create(org("Alpha Secret Name"), org=a)
    db_ = store.create(org("Beta's own"), org=b)
    code = store.summary(da).code

    def run(
        command: str, *positional: str, who: str = "", flags: tuple[str, ...] = ()
    ) -> tuple[int, str, str]:
        # "--" before ids: a draft id may begin with "-" (URL-safe base64).
        mine = ("--as", who) if who else ()
        rest = ("--", *positional) if positional else ()
        rc = main(["org", "--db", str(db), command, *mine, *flags, *rest])
        out, err = capsys.readouterr()
        return rc, out, err

    beta = "owner@beta.org"
    listed = run("drafts", who=beta)[1]
    assert listed.split("\t")[0] == db_ and "Alpha" not in listed and listed.count("\n") == 1
    for positional, flags in (([da], ()), ([code], ("--code",)), ([new_draft_id()], ())):
        assert run("show", *positional, who=beta, flags=flags) == (1, "", "no such assessment\n")
    assert run("delete", da, who=beta) == (1, "", "no such assessment\n")  # as for no assessment
    for command, positional in (("members", [a]), ("audit", [a]), ("invite", [a, beta, "owner"])):
        assert run(command, *positional, who=beta) == (1, "", "no such organisation\n")
    assert store.exists(da) and store.role_of(a, beta) is None
    # Alpha's own people, within their roles.
    rc, out, _ = run("show", code, who="trustee@alpha.org", flags=("--code",))
    assert rc == 0 and "Alpha Secret Name" in out
    rc, _, err = run("delete", da, who="trustee@alpha.org")
    assert rc == 1 and "trustee" in err and store.exists(da)
    assert run("audit", a, who="trustee@alpha.org")[0] == 1
    rc, out, _ = run("audit", a, who="owner@alpha.org", flags=("--json",))
    assert rc == 0 and {e["action"] for e in json.loads(out)} >= {"create", "member", "create organisation"}
    assert run("delete", da, who="owner@alpha.org")[0] == 0 and not store.exists(da)
    assert run("create", "Gamma", flags=("--owner", "g@gamma.org"))[0] == 0
    assert [m.org_name for m in store.orgs_for("g@gamma.org")] == ["Gamma"]
    store.close()


def test_a_member_who_reads_can_list_the_approved_versions_and_an_outsider_cannot(two_orgs, mini):
    store, _, _, draft, _ = two_orgs
    assert CheckedStore(store, "viewer@alpha.org").approved_revisions(draft) == []
    with pytest.raises(DraftNotFound):
        CheckedStore(store, "owner@beta.org").approved_revisions(draft)
