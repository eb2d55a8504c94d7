"""Hosted commands: ``python -m assessor org ...``, on the database named by ASSESSOR_DB (or --db).

``org create`` sets up an organisation with its first owner: a job for whoever runs the server.
Every other command acts *as* a member (``--as EMAIL``) and goes through the same checked store
as the web app (``assessor.access.CheckedStore``): it lists, shows, audits or deletes only what
that person's role allows in the organisations they belong to. Another organisation's assessment
is reported exactly as one that does not exist. A draft id may begin with "-": put "--" before
it (``org show --as EMAIL -- ID``).
"""

from __future__ import annotations

import argparse
import json
import sys

from assessor.access import ROLES, CheckedStore, Forbidden
from assessor.store import DraftNotFound, InvalidInvite, OrgNotFound, open_store


def _store(args: argparse.Namespace):
    return open_store(args.db)


def _as(args: argparse.Namespace, store) -> CheckedStore:
    return CheckedStore(store, args.as_email)


def _refused(exc: Exception) -> int:
    if isinstance(exc, DraftNotFound):
        print("no such assessment", file=sys.stderr)
    elif isinstance(exc, OrgNotFound):
        print("no such organisation", file=sys.stderr)
    else:
        print(exc, file=sys.stderr)
    return 1


def cmd_org(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        return _run(args, store)
    except (DraftNotFound, OrgNotFound, Forbidden, InvalidInvite, ValueError) as exc:
        return _refused(exc)
    finally:
        store.close()


def _run(args: argparse.Namespace, store) -> int:
    what = args.org_command
    if what == "create":
        print(store.create_org(args.name, owner=args.owner))
        return 0
    me = _as(args, store)
    if what == "list":
        for m in me.orgs():
            print(f"{m.org_id}\t{m.role}\t{m.org_name}")
    elif what == "drafts":
        for d in me.list(org=args.org, deleted=args.deleted):
            print(f"{d.id}\t{d.code}\t{d.progress:.0%}\t{d.updated:%Y-%m-%d %H:%M}\t{d.organisation}")
    elif what == "show":
        if args.code:
            found = me.find_code(args.draft)
            if found is None:
                raise DraftNotFound(args.draft)
            args.draft = found
        print(me.load_text(args.draft))
    elif what == "members":
        for m in me.members(args.org):
            print(f"{m.email}\t{m.role}")
    elif what == "invite":
        print(me.invite(args.org, args.email, args.role))
    elif what == "audit":
        entries = me.audit(args.org, draft_id=args.draft, limit=args.limit)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "at": e.at.isoformat(),
                            "actor": e.actor,
                            "action": e.action,
                            "draft": e.draft_id,
                            "fields": list(e.fields),
                            "detail": e.detail,
                        }
                        for e in entries
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for e in entries:
                print(
                    f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.actor or '-'}\t{e.action}\t{e.draft_id or '-'}\t{','.join(e.fields)}"
                )
    elif what == "delete":
        me.delete(args.draft)
        print(f"deleted {args.draft} (it can be brought back for 30 days)")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("org", help="hosted mode: organisations, members, assessments and the audit log")
    p.add_argument(
        "--db", default=None, help="database: an SQLite file or postgresql:// (default: ASSESSOR_DB)"
    )
    org = p.add_subparsers(dest="org_command", required=True)

    def member(name: str, help: str) -> argparse.ArgumentParser:
        q = org.add_parser(name, help=help)
        q.add_argument("--as", dest="as_email", required=True, metavar="EMAIL", help="act as this member")
        return q

    q = org.add_parser("create", help="set up an organisation with its first owner (for the server's host)")
    q.add_argument("name")
    q.add_argument("--owner", required=True, metavar="EMAIL")
    member("list", "the organisations this person belongs to")
    q = member("drafts", "the assessments this person may read")
    q.add_argument("--org", default=None, help="only this organisation")
    q.add_argument("--deleted", action="store_true", help="deleted ones (kept for 30 days)")
    q = member("show", "print an assessment (JSON) by id, or by return code with --code")
    q.add_argument("draft")
    q.add_argument("--code", action="store_true", help="the argument is a return code")
    q = member("members", "an organisation's members (owners only)")
    q.add_argument("org")
    q = member("invite", "make an invitation token for an email address (owners only)")
    q.add_argument("org")
    q.add_argument("email")
    q.add_argument("role", choices=ROLES)
    q = member("audit", "an organisation's audit log, newest first (owners only)")
    q.add_argument("org")
    q.add_argument("--draft", default=None, help="only this assessment")
    q.add_argument("--limit", type=int, default=200)
    q.add_argument("--json", action="store_true")
    q = member("delete", "delete an assessment (owners only; can be undone for 30 days)")
    q.add_argument("draft")
    p.set_defaults(func=cmd_org)
