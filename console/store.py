"""The console's one data-access layer: every statement the console's pages run.

Every change is written to the audit log in the same transaction as the change itself.
Times are naive UTC.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, cast, delete, false, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from console.forms import Entry, SchoolProfile
from console.passwords import hash_password, needs_rehash, verify_password
from console.schema import (
    accounts,
    audit_log,
    daily_counts,
    declined_questions,
    entries,
    login_failures,
    schools,
    sessions,
)

# The 11th wrong password for one user name within a minute is refused (even a right one);
# one address (a school's students share one) gets more before it waits.
FAILURES_PER_USER = 10
FAILURES_PER_ADDRESS = 50
FAILURE_WINDOW = timedelta(minutes=1)
# Verified when the user name is unknown, so a wrong name takes as long as a wrong password.
_UNKNOWN_USER_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZQ"


def now() -> datetime:
    return datetime.utcnow().replace(microsecond=0)


class LoginRateLimited(Exception):
    pass


class DuplicateError(ValueError):
    pass


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    school_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_manage(self, school_id: str) -> bool:
        return self.is_admin or self.school_id == school_id


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConsoleStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ audit

    @staticmethod
    def _audit(conn: Connection, actor: str, school_id: str | None, action: str, detail: str = "") -> None:
        conn.execute(
            insert(audit_log).values(at=now(), account=actor, school_id=school_id, action=action, detail=detail[:2000])
        )

    def audit(self, school_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if school_id is not None:
            query = query.where(audit_log.c.school_id == school_id)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    # --------------------------------------------------------------- accounts

    def create_account(self, actor: str, username: str, password: str, role: str, school_id: str | None) -> int:
        password_hash = hash_password(password)
        with self.engine.begin() as conn:
            if conn.execute(select(accounts.c.id).where(accounts.c.username == username)).first():
                raise DuplicateError(f"用户名 {username} 已被使用。")
            result = conn.execute(
                insert(accounts).values(
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    school_id=school_id,
                    active=True,
                    created_at=now(),
                )
            )
            self._audit(conn, actor, school_id, "create_account", f"{username} ({role})")
            return int(result.inserted_primary_key[0])

    def accounts(self) -> list[dict[str, Any]]:
        query = select(
            accounts.c.id, accounts.c.username, accounts.c.role, accounts.c.school_id, accounts.c.active
        ).order_by(accounts.c.role, accounts.c.school_id, accounts.c.username)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def set_account_active(self, actor: str, account_id: int, active: bool) -> None:
        with self.engine.begin() as conn:
            row = conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first()
            if row is None:
                raise KeyError(account_id)
            conn.execute(update(accounts).where(accounts.c.id == account_id).values(active=active))
            if not active:
                conn.execute(delete(sessions).where(sessions.c.account_id == account_id))
            self._audit(
                conn, actor, row["school_id"], "enable_account" if active else "disable_account", row["username"]
            )

    def set_password(self, actor: str, account_id: int, password: str) -> None:
        password_hash = hash_password(password)
        with self.engine.begin() as conn:
            row = conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first()
            if row is None:
                raise KeyError(account_id)
            conn.execute(update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash))
            # A new password signs out every browser of the old one.
            conn.execute(delete(sessions).where(sessions.c.account_id == account_id))
            self._audit(conn, actor, row["school_id"], "set_password", row["username"])

    def authenticate(self, username: str, password: str, address: str) -> Account | None:
        """The account if the password is right; raises LoginRateLimited after too many failures."""
        keys = (f"user:{username.lower()}"[:120], f"addr:{address}"[:120])
        since = now() - FAILURE_WINDOW
        with self.engine.begin() as conn:
            failures = dict(
                conn.execute(
                    select(login_failures.c.key, func.count())
                    .where(and_(login_failures.c.key.in_(keys), login_failures.c.at > since))
                    .group_by(login_failures.c.key)
                ).all()
            )
            if failures.get(keys[0], 0) >= FAILURES_PER_USER or failures.get(keys[1], 0) >= FAILURES_PER_ADDRESS:
                raise LoginRateLimited(username)
            row = (
                conn.execute(select(accounts).where(and_(accounts.c.username == username, accounts.c.active)))
                .mappings()
                .first()
            )
            if row is not None and verify_password(row["password_hash"], password):
                if needs_rehash(row["password_hash"]):  # argon2-cffi's parameters were raised
                    conn.execute(
                        update(accounts).where(accounts.c.id == row["id"]).values(password_hash=hash_password(password))
                    )
                return Account(row["id"], row["username"], row["role"], row["school_id"])
            if row is None:
                verify_password(_UNKNOWN_USER_HASH, password)
            conn.execute(insert(login_failures), [{"key": key, "at": now()} for key in keys])
            conn.execute(delete(login_failures).where(login_failures.c.at < now() - timedelta(hours=1)))
            return None

    # --------------------------------------------------------------- sessions

    def open_session(self, account: Account, lifetime: timedelta) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        session = Session(account, secrets.token_urlsafe(32), now() + lifetime)
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < now()))
            conn.execute(
                insert(sessions).values(
                    token_hash=_token_hash(token),
                    account_id=account.id,
                    csrf_token=session.csrf_token,
                    created_at=now(),
                    expires_at=session.expires_at,
                )
            )
            self._audit(conn, account.username, account.school_id, "login")
        return token, session

    def session(self, token: str) -> Session | None:
        query = (
            select(sessions.c.csrf_token, sessions.c.expires_at, accounts)
            .join(accounts, accounts.c.id == sessions.c.account_id)
            .where(and_(sessions.c.token_hash == _token_hash(token), sessions.c.expires_at > now(), accounts.c.active))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        account = Account(row["id"], row["username"], row["role"], row["school_id"])
        return Session(account, row["csrf_token"], row["expires_at"])

    def close_session(self, token: str, account: Account) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == _token_hash(token)))
            self._audit(conn, account.username, account.school_id, "logout")

    # ---------------------------------------------------------------- schools

    def create_school(self, actor: str, school_id: str, name: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(select(schools.c.id).where(schools.c.id == school_id)).first():
                raise DuplicateError(f"学校代号 {school_id} 已被使用。")
            conn.execute(
                insert(schools).values(
                    id=school_id,
                    name=name,
                    color="#1a73e8",
                    widget_title="职教升学助手",
                    allowed_origins="",
                    admissions_phone="",
                    admissions_url="",
                    aid_phone="",
                    aid_url="",
                    created_at=now(),
                    updated_at=now(),
                )
            )
            self._audit(conn, actor, school_id, "create_school", name)

    def school(self, school_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(schools).where(schools.c.id == school_id)).mappings().first()
        return dict(row) if row else None

    def schools(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(select(schools).order_by(schools.c.id)).mappings()]

    def update_school(self, actor: str, school_id: str, profile: SchoolProfile) -> None:
        values = profile.values()
        with self.engine.begin() as conn:
            before = conn.execute(select(schools).where(schools.c.id == school_id)).mappings().first()
            if before is None:
                raise KeyError(school_id)
            changed = {name: value for name, value in values.items() if before[name] != value}
            conn.execute(update(schools).where(schools.c.id == school_id).values(**values, updated_at=now()))
            detail = "; ".join(f"{name}: {before[name]!r} → {value!r}" for name, value in changed.items())
            self._audit(conn, actor, school_id, "update_school", detail)

    # ---------------------------------------------------------------- entries

    def entries(self, school_id: str) -> list[dict[str, Any]]:
        query = select(entries).where(entries.c.school_id == school_id).order_by(entries.c.updated_at.desc())
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def entry(self, school_id: str, entry_id: int) -> dict[str, Any] | None:
        query = select(entries).where(and_(entries.c.school_id == school_id, entries.c.id == entry_id))
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def add_entry(self, actor: str, school_id: str, new: Entry, conn: Connection | None = None) -> int:
        if conn is None:
            with self.engine.begin() as own:
                return self.add_entry(actor, school_id, new, own)
        result = conn.execute(
            insert(entries).values(
                school_id=school_id,
                question=new.question,
                answer=new.answer,
                link=new.link,
                author=actor,
                created_at=now(),
                updated_at=now(),
            )
        )
        entry_id = int(result.inserted_primary_key[0])
        self._audit(conn, actor, school_id, "add_entry", f"#{entry_id} {new.question}")
        return entry_id

    def update_entry(self, actor: str, school_id: str, entry_id: int, changed: Entry) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(entries)
                .where(and_(entries.c.school_id == school_id, entries.c.id == entry_id))
                .values(
                    question=changed.question, answer=changed.answer, link=changed.link, author=actor, updated_at=now()
                )
            )
            if result.rowcount:
                self._audit(conn, actor, school_id, "update_entry", f"#{entry_id} {changed.question}")
            return bool(result.rowcount)

    def delete_entry(self, actor: str, school_id: str, entry_id: int) -> bool:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(entries.c.question).where(and_(entries.c.school_id == school_id, entries.c.id == entry_id))
            ).first()
            if row is None:
                return False
            # The questions it answered are open again.
            conn.execute(
                update(declined_questions).where(declined_questions.c.entry_id == entry_id).values(entry_id=None)
            )
            conn.execute(delete(entries).where(entries.c.id == entry_id))
            self._audit(conn, actor, school_id, "delete_entry", f"#{entry_id} {row[0]}")
            return True

    # ------------------------------------------------------ declined questions

    @staticmethod
    def _of_school(school_id: str | None):
        """The declined questions of a school; None: of widgets embedded without one."""
        d = declined_questions
        return d.c.school_id == school_id if school_id is not None else d.c.school_id.is_(None)

    def declined_groups(self, school_id: str | None, since: datetime | None = None) -> list[dict[str, Any]]:
        """Declined questions grouped by their normalised form, the most asked first."""
        d = declined_questions
        where = [self._of_school(school_id)]
        if since is not None:
            where.append(d.c.asked_at >= since)
        query = (
            select(
                d.c.group_key,
                func.count().label("times"),
                func.min(d.c.question).label("question"),
                func.max(d.c.asked_at).label("last_asked"),
                func.max(d.c.entry_id).label("entry_id"),
                func.max(cast(d.c.for_maintainers, Integer)).label("for_maintainers"),
            )
            .where(and_(*where))
            .group_by(d.c.group_key)
            .order_by(func.max(d.c.entry_id).is_not(None), func.count().desc(), func.max(d.c.asked_at).desc())
        )
        with self.engine.connect() as conn:
            groups = [dict(row) for row in conn.execute(query).mappings()]
            for group in groups:
                group["for_maintainers"] = bool(group["for_maintainers"])
                group["examples"] = [
                    row[0]
                    for row in conn.execute(
                        select(d.c.question)
                        .distinct()
                        .where(and_(*where, d.c.group_key == group["group_key"]))
                        .limit(3)
                    )
                ]
        return groups

    def answer_group(self, actor: str, school_id: str, group_key: str, new: Entry) -> int | None:
        """Make the answer one of the school's entries and let it answer the group."""
        d = declined_questions
        in_group = and_(d.c.school_id == school_id, d.c.group_key == group_key)
        with self.engine.begin() as conn:
            if conn.execute(select(d.c.id).where(in_group).limit(1)).first() is None:
                return None
            entry_id = self.add_entry(actor, school_id, new, conn)
            conn.execute(update(d).where(in_group).values(entry_id=entry_id))
            self._audit(conn, actor, school_id, "answer_declined", f"{group_key} → #{entry_id}")
            return entry_id

    def mark_group(self, actor: str, school_id: str | None, group_key: str, marked: bool) -> bool:
        d = declined_questions
        with self.engine.begin() as conn:
            result = conn.execute(
                update(d)
                .where(and_(self._of_school(school_id), d.c.group_key == group_key))
                .values(for_maintainers=marked)
            )
            if result.rowcount:
                action = "mark_for_maintainers" if marked else "unmark_for_maintainers"
                self._audit(conn, actor, school_id, action, group_key)
            return bool(result.rowcount)

    def marked_for_maintainers(self, school_ids: Iterable[str], without_school: bool = False) -> list[dict[str, Any]]:
        """Marked groups of these schools (and of widgets without a school if asked), with
        the answer a school gave if it gave one."""
        d = declined_questions
        query = (
            select(
                d.c.school_id,
                d.c.group_key,
                func.count().label("times"),
                func.min(d.c.question).label("question"),
                func.min(d.c.asked_at).label("first_asked"),
                func.max(d.c.asked_at).label("last_asked"),
                func.max(d.c.entry_id).label("entry_id"),
            )
            .where(
                and_(
                    d.c.for_maintainers,
                    or_(d.c.school_id.in_(list(school_ids)), d.c.school_id.is_(None) if without_school else false()),
                )
            )
            .group_by(d.c.school_id, d.c.group_key)
            .order_by(d.c.school_id, func.count().desc())
        )
        with self.engine.connect() as conn:
            groups = [dict(row) for row in conn.execute(query).mappings()]
            for group in groups:
                answer = None
                if group["entry_id"] is not None:
                    answer = conn.execute(select(entries.c.answer).where(entries.c.id == group["entry_id"])).scalar()
                group["school_answer"] = answer
        return groups

    # ----------------------------------------------------------------- counts

    def daily_counts(
        self, school_ids: Iterable[str] | None, first: date, last: date
    ) -> list[tuple[str, str, str, int]]:
        """(school_id, day, measure, count) rows of the days first..last; None: every school."""
        c = daily_counts
        query = select(c.c.school_id, c.c.day, c.c.measure, c.c.count).where(
            and_(c.c.day >= first.isoformat(), c.c.day <= last.isoformat())
        )
        if school_ids is not None:
            query = query.where(c.c.school_id.in_(list(school_ids)))
        with self.engine.connect() as conn:
            return [(row[0], row[1], row[2], int(row[3])) for row in conn.execute(query)]
