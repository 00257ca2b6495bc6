"""The console's data-access layer on a migrated SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from console.forms import Entry, school_profile
from console.passwords import WeakPasswordError
from console.schema import accounts, declined_questions
from console.store import DuplicateError, LoginRateLimited

PASSWORD = "correct horse 1"


@pytest.fixture
def school(store):
    store.create_school("admin", "qingcheng", "青城职业技术学校")
    return "qingcheng"


def audit_actions(store):
    return [row["action"] for row in reversed(store.audit())]


def test_passwords_are_stored_hashed_with_argon2id(store, db_url, school):
    store.create_account("admin", "teacher", PASSWORD, "counselor", school)

    with store.engine.connect() as conn:
        stored = conn.execute(select(accounts.c.password_hash)).scalar_one()
        dump = "\n".join(conn.connection.iterdump())

    assert stored.startswith("$argon2id$")
    assert PASSWORD not in dump


def test_a_short_password_is_refused(store, school):
    with pytest.raises(WeakPasswordError):
        store.create_account("admin", "teacher", "short", "counselor", school)


def test_a_user_name_is_taken_once(store, school):
    store.create_account("admin", "teacher", PASSWORD, "counselor", school)

    with pytest.raises(DuplicateError):
        store.create_account("admin", "teacher", PASSWORD, "counselor", school)


def test_authenticate_knows_the_right_password_only(store, school):
    store.create_account("admin", "teacher", PASSWORD, "counselor", school)

    assert "teacher" == store.authenticate("teacher", PASSWORD, "10.0.0.1").username
    assert store.authenticate("teacher", "wrong password", "10.0.0.1") is None
    assert store.authenticate("nobody", PASSWORD, "10.0.0.1") is None


def test_the_eleventh_wrong_password_in_a_minute_is_refused_even_when_right(store, school):
    store.create_account("admin", "teacher", PASSWORD, "counselor", school)
    for attempt in range(10):
        assert store.authenticate("teacher", f"wrong {attempt}", f"10.0.0.{attempt}") is None

    with pytest.raises(LoginRateLimited):
        store.authenticate("teacher", PASSWORD, "10.0.1.1")


def test_failures_older_than_a_minute_no_longer_count(store, db_url, school):
    store.create_account("admin", "teacher", PASSWORD, "counselor", school)
    for attempt in range(10):
        store.authenticate("teacher", f"wrong {attempt}", "10.0.0.1")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE login_failures SET at = :at"), {"at": datetime.utcnow() - timedelta(minutes=2)})

    assert store.authenticate("teacher", PASSWORD, "10.0.0.1") is not None


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(store, school):
    account_id = store.create_account("admin", "teacher", PASSWORD, "counselor", school)
    token, _ = store.open_session(store.authenticate("teacher", PASSWORD, "x"), timedelta(hours=1))

    store.set_account_active("admin", account_id, False)

    assert store.authenticate("teacher", PASSWORD, "x") is None
    assert store.session(token) is None


def test_a_session_ends_at_sign_out_and_at_expiry(store, school):
    store.create_account("admin", "teacher", PASSWORD, "counselor", school)
    account = store.authenticate("teacher", PASSWORD, "x")
    token, opened = store.open_session(account, timedelta(hours=1))
    expired, _ = store.open_session(account, timedelta(seconds=-1))

    assert opened == store.session(token)
    assert store.session(expired) is None
    store.close_session(token, account)
    assert store.session(token) is None


def test_the_database_keeps_no_session_token(store, school):
    store.create_account("admin", "teacher", PASSWORD, "counselor", school)
    token, _ = store.open_session(store.authenticate("teacher", PASSWORD, "x"), timedelta(hours=1))

    with store.engine.connect() as conn:
        dump = "\n".join(conn.connection.iterdump())

    assert token not in dump


def test_profile_changes_are_saved_and_audited_with_before_and_after(store, school):
    profile, errors = school_profile(
        {"name": "青城职校", "color": "#0A7F3F", "allowed_origins": "https://www.qc.edu.cn/\nhttps://qc.edu.cn"}
    )
    assert [] == errors

    store.update_school("teacher", school, profile)

    saved = store.school(school)
    assert ("青城职校", "#0a7f3f", "https://www.qc.edu.cn\nhttps://qc.edu.cn") == (
        saved["name"],
        saved["color"],
        saved["allowed_origins"],
    )
    change = store.audit(school)[0]
    assert ("teacher", "update_school") == (change["account"], change["action"])
    assert "青城职业技术学校" in change["detail"] and "青城职校" in change["detail"]


def test_entries_are_added_changed_and_deleted_within_their_school(store, school):
    store.create_school("admin", "other", "别的学校")
    entry_id = store.add_entry("teacher", school, Entry("学费多少", "每年免学费。", ""))

    assert not store.update_entry("teacher", "other", entry_id, Entry("x", "y", ""))
    assert not store.delete_entry("teacher", "other", entry_id)
    assert store.update_entry("teacher", school, entry_id, Entry("学费多少钱", "中职免学费。", "https://qc.edu.cn"))
    assert "中职免学费。" == store.entry(school, entry_id)["answer"]
    assert store.delete_entry("teacher", school, entry_id)
    assert [] == store.entries(school)
    assert ["create_school", "create_school", "add_entry", "update_entry", "delete_entry"] == audit_actions(store)


def declined(store, school_id, question, group_key, days_ago=0):
    with store.engine.begin() as conn:
        conn.execute(
            insert(declined_questions).values(
                school_id=school_id,
                question=question,
                group_key=group_key,
                asked_at=datetime.utcnow() - timedelta(days=days_ago),
                for_maintainers=False,
            )
        )


def test_declined_questions_are_grouped_most_asked_first(store, school):
    declined(store, school, "单招什么时候报名", "单招 报名 时间")
    declined(store, school, "单招几号报名？", "单招 报名 时间")
    declined(store, school, "食堂好吃吗", "食堂")
    declined(store, "qingcheng", "宿舍几人间", "宿舍")
    store.create_school("admin", "other", "别的学校")
    declined(store, "other", "别校的问题", "别校")

    groups = store.declined_groups(school)

    assert ["单招 报名 时间", "宿舍", "食堂"] == [g["group_key"] for g in groups]
    assert 2 == groups[0]["times"]
    assert {"单招什么时候报名", "单招几号报名？"} == set(groups[0]["examples"])


def test_answering_a_group_makes_an_entry_that_answers_all_of_it(store, school):
    declined(store, school, "单招什么时候报名", "单招 报名 时间")
    declined(store, school, "单招几号报名？", "单招 报名 时间")

    entry_id = store.answer_group("teacher", school, "单招 报名 时间", Entry("单招什么时候报名", "3月初。", ""))

    assert "3月初。" == store.entry(school, entry_id)["answer"]
    assert entry_id == store.declined_groups(school)[0]["entry_id"]
    assert store.answer_group("teacher", "other", "单招 报名 时间", Entry("q", "a", "")) is None


def test_deleting_the_entry_opens_its_group_again(store, school):
    declined(store, school, "单招什么时候报名", "单招 报名 时间")
    entry_id = store.answer_group("teacher", school, "单招 报名 时间", Entry("单招什么时候报名", "3月初。", ""))

    store.delete_entry("teacher", school, entry_id)

    assert store.declined_groups(school)[0]["entry_id"] is None


def test_marked_groups_are_exported_with_the_school_answer(store, school):
    declined(store, school, "单招什么时候报名", "单招 报名 时间", days_ago=3)
    declined(store, school, "单招几号报名？", "单招 报名 时间")
    declined(store, school, "食堂好吃吗", "食堂")
    store.answer_group("teacher", school, "单招 报名 时间", Entry("单招什么时候报名", "3月初。", ""))

    assert store.mark_group("teacher", school, "单招 报名 时间", True)
    assert not store.mark_group("teacher", "other", "食堂", True)

    [marked] = store.marked_for_maintainers([school])
    assert (2, "3月初。") == (marked["times"], marked["school_answer"])
    assert "mark_for_maintainers" == audit_actions(store)[-1]


def test_questions_from_widgets_without_a_school_are_the_administrators(store, school):
    declined(store, None, "单招几号报名", "单招 报名")
    declined(store, school, "宿舍几人间", "宿舍")

    assert ["单招 报名"] == [g["group_key"] for g in store.declined_groups(None)]
    assert store.mark_group("admin", None, "单招 报名", True)
    assert not store.mark_group("admin", None, "宿舍", True)
    assert [] == store.marked_for_maintainers([school])
    assert [None] == [g["school_id"] for g in store.marked_for_maintainers([school], without_school=True)]


def test_a_hash_made_with_weaker_parameters_is_replaced_at_sign_in(store, school):
    from argon2 import PasswordHasher

    account_id = store.create_account("admin", "teacher", PASSWORD, "counselor", school)
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with store.engine.begin() as conn:
        conn.execute(accounts.update().where(accounts.c.id == account_id).values(password_hash=weak))

    assert store.authenticate("teacher", PASSWORD, "x") is not None

    with store.engine.connect() as conn:
        assert "m=65536" in conn.execute(select(accounts.c.password_hash)).scalar_one()
