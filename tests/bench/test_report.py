"""The bench's figures and the document it writes (no server, no model)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from bench.conversations import (
    ACTION_UNAVAILABLE_REPLY,
    CONVERSATIONS,
    UNAVAILABLE_REPLY,
    Turn,
    long_conversation,
    reply_problem,
)
from bench.report import (
    BEGIN,
    END,
    LevelFigures,
    Record,
    Report,
    length_figures,
    level_figures,
    percentile,
    ratio,
    render,
    replace_block,
    targets,
)

REPO = Path(__file__).resolve().parents[2]
FLOOR = REPO / "bench" / "floor"


@pytest.mark.parametrize("q, expected", [(0, 1.0), (50, 2.5), (100, 4.0), (25, 1.75), (95, 3.85)])
def test_percentile_interpolates_between_ranks(q, expected):
    assert expected == pytest.approx(percentile([4.0, 1.0, 3.0, 2.0], q))


def test_percentile_of_one_to_a_hundred():
    values = [float(n) for n in range(1, 101)]
    assert (50.5, 95.05, 99.01) == pytest.approx(tuple(percentile(values, p) for p in (50, 95, 99)))


def test_percentile_of_a_single_value_is_that_value():
    assert 7.0 == percentile([7.0], 99)


@pytest.mark.parametrize("values, q", [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_refuses_what_has_none(values, q):
    with pytest.raises(ValueError):
        percentile(values, q)


def test_level_figures_time_the_answers_and_count_the_errors():
    records = [
        Record(100.0, 0.010),
        Record(100.5, 0.020),
        Record(101.0, 0.030),
        Record(101.5, 2.0, "HTTP 503"),
        Record(102.0, 0.040, "wrong answer"),
        Record(103.0, 1.0, "HTTP 503"),
    ]
    figures = level_figures(20, records)
    assert (3, 3, {"HTTP 503": 2, "wrong answer": 1}) == (figures.messages, figures.errors, figures.errors_by_kind)
    # Errors are not timed: the 2 s failure does not raise the percentiles.
    assert (20.0, 30.0) == pytest.approx((figures.p50_ms, figures.p99_ms), abs=0.3)
    assert 4.0 == pytest.approx(figures.seconds)  # first sent at 100, last answer at 104
    assert 0.75 == pytest.approx(figures.per_second)


def test_level_figures_of_a_level_where_nothing_was_answered():
    figures = level_figures(50, [Record(1.0, 2.0, "ConnectionRefusedError")])
    assert (0, 1, None, 0.0) == (figures.messages, figures.errors, figures.p95_ms, figures.per_second)


@pytest.mark.parametrize(
    "value, floor, expected",
    [(30.0, 20.0, 1.5), (10.0, 40.0, 0.25), (None, 1.0, None), (1.0, None, None), (1.0, 0.0, None)],
)
def test_ratio_to_the_floor(value, floor, expected):
    assert expected == ratio(value, floor)


def figures(users, messages, seconds, p95, errors=0):
    return LevelFigures(
        users=users,
        messages=messages,
        errors=errors,
        errors_by_kind={"HTTP 503": errors} if errors else {},
        seconds=seconds,
        p50_ms=p95 / 2,
        p95_ms=p95,
        p99_ms=p95 * 1.5,
    )


def report(assistant, floor, **costs):
    found = Report(
        commit="abc1234",
        date="2026-01-01 00:00 UTC",
        machine="2 cores",
        seconds_per_level=60,
        think_seconds=0.0,
        levels=[(assistant, floor)],
    )
    found.costs.update(costs)
    return found


def test_targets_at_twenty_conversations_are_judged_against_the_floor():
    judged = {
        t.name: t.holds
        for t in targets(
            report(
                figures(20, 950, 60, 110),
                figures(20, 1000, 60, 100),
                cold_start_s=(25.0, 10.0),
                rss_actions_mb=(120.0, None),
            )
        )
    }
    assert judged["p95 at 20 conversations ≤ 1.2× the floor's"] is True
    assert judged["throughput at 20 conversations ≥ 0.9× the floor's"] is True
    assert judged["no errors at 20 conversations"] is True
    assert judged["cold start ≤ 20 s"] is False
    assert judged["action server RSS ≤ 150 MB"] is True
    assert judged["`rasa train` ≤ 120 s"] is None  # not measured


def test_targets_fail_on_a_slow_tail_low_throughput_or_any_error():
    judged = {t.name: t.holds for t in targets(report(figures(20, 800, 60, 130, errors=1), figures(20, 1000, 60, 100)))}
    assert [False, False, False] == [
        judged["p95 at 20 conversations ≤ 1.2× the floor's"],
        judged["throughput at 20 conversations ≥ 0.9× the floor's"],
        judged["no errors at 20 conversations"],
    ]


def test_the_document_shows_each_figure_next_to_the_floor_and_the_ratio():
    text = render(report(figures(20, 600, 60, 300, errors=2), figures(20, 1200, 60, 100), rss_rasa_mb=(1200.0, 800.0)))
    assert text.startswith(BEGIN) and text.endswith(END)
    assert "| 20 | assistant | 600 | 10.0 | 150 | 300 | 450 | 2 (HTTP 503: 2) |" in text
    assert "| 20 | **ratio** | | **0.50×** | **3.00×** | **3.00×** | **3.00×** | |" in text
    assert "| peak RSS, Rasa server | 1200 MB | 800 MB | 1.50× |" in text
    assert "abc1234" in text


def test_the_servers_cpu_time_per_answer_is_shown_next_to_the_floors():
    assistant, floor = figures(20, 600, 60, 300), figures(20, 1200, 60, 100)
    assert "CPU time per message" not in render(report(assistant, floor))  # not measured: no table
    assistant.cpu_ms, floor.cpu_ms = {"rasa": 9.0, "actions": 1.5}, {"rasa": 6.0}
    text = render(report(assistant, floor))
    assert "| 20 | assistant | 9.00 | 1.50 | 10.5 |" in text
    assert "| 20 | floor | 6.00 | — | 6.00 |" in text
    assert "| 20 | **ratio** | **1.50×** | | **1.75×** |" in text


def test_cpu_seconds_of_a_session_count_the_work_of_its_processes():
    import subprocess
    import sys

    from bench.run import cpu_seconds

    # Burns 0.3 s of CPU, says so, then waits to be read.
    script = (
        "import time\nend = time.process_time() + 0.3\n"
        "while time.process_time() < end: pass\nprint(1, flush=True)\ntime.sleep(30)"
    )
    busy = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, stdout=subprocess.PIPE)
    try:
        assert busy.stdout is not None and busy.stdout.readline().strip() == b"1"
        spent = cpu_seconds(busy.pid)
        assert spent is not None and 0.25 <= spent < 5
    finally:
        busy.kill()
        busy.wait()
    assert cpu_seconds(busy.pid) is None  # no process left in the session


def test_the_workers_variant_is_shown_apart_from_the_default_levels():
    found = report(figures(20, 600, 60, 300), figures(20, 1200, 60, 100))
    found.workers_variant = (2, (figures(20, 1080, 60, 110), figures(20, 1200, 60, 100)))
    text = render(found)
    assert "### 2 Sanic workers each" in text
    assert "| 20 | assistant, 2 workers | 1080 | 18.0 | 55.0 | 110 | 165 | 0 |" in text
    assert "| 20 | floor, 2 workers | 1200 | 20.0 | 50.0 | 100 | 150 | 0 |" in text
    assert "| 20 | **ratio** | | **0.90×** | **1.10×** | **1.10×** | **1.10×** | |" in text
    # The targets are judged on the default levels only.
    assert "| throughput at 20 conversations ≥ 0.9× the floor's | 0.50× | **no** |" in text


def test_the_generated_block_replaces_the_old_one_and_keeps_the_prose():
    document = f"# Benchmarks\n\nHow.\n\n{BEGIN}\nold figures\n{END}\n\n## Cheap wins\n\nText.\n"
    updated = replace_block(document, f"{BEGIN}\nnew figures\n{END}")
    assert f"# Benchmarks\n\nHow.\n\n{BEGIN}\nnew figures\n{END}\n\n## Cheap wins\n\nText.\n" == updated


def test_the_generated_block_is_appended_to_a_document_without_one():
    assert f"# Benchmarks\n\n{BEGIN}\nx\n{END}\n" == replace_block("# Benchmarks\n", f"{BEGIN}\nx\n{END}")


@pytest.mark.parametrize(
    "status, messages, turn, expected",
    [
        (200, [{"text": "内蒙古共有职业院校237所。\n来源：…"}], Turn("q", expect="237"), ""),
        (200, [{"text": "内蒙古共有职业院校200所。"}], Turn("q", expect="237"), "wrong answer"),
        (200, [{"text": "抱歉。\n来源：…"}], Turn("q", forbid="来源："), "wrong answer"),
        (200, [], Turn("q"), "no reply"),
        (200, [{"text": ACTION_UNAVAILABLE_REPLY}], Turn("q"), "apology"),
        (503, {"error": UNAVAILABLE_REPLY}, Turn("q"), "HTTP 503"),
    ],
)
def test_a_reply_is_an_error_when_it_failed_or_answered_wrongly(status, messages, turn, expected):
    assert expected == reply_problem(status, messages, turn, check_answer=True)


def test_the_floor_is_not_held_to_the_assistants_answers():
    assert "" == reply_problem(200, [{"text": "固定回答"}], Turn("q", expect="237"), check_answer=False)


def test_the_apologies_are_the_ones_the_channel_sends():
    from connectors.action_guard import ACTION_UNAVAILABLE_REPLY as sent_by_the_guard
    from connectors.rest import UNAVAILABLE_REPLY as sent_by_the_channel

    assert (sent_by_the_guard, sent_by_the_channel) == (ACTION_UNAVAILABLE_REPLY, UNAVAILABLE_REPLY)


def test_the_floor_is_trained_on_every_message_the_bench_sends():
    nlu = yaml.safe_load((FLOOR / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    examples = {line.strip()[2:] for block in nlu for line in block["examples"].splitlines() if line.strip()}
    assert set() == {turn.text for conversation in CONVERSATIONS for turn in conversation} - examples


def rasa_component(name: str) -> str:
    """The Rasa component a pipeline entry is: ours are named by module path and extend one."""
    if "." not in name:
        return name
    module, _, attribute = name.rpartition(".")
    component = getattr(importlib.import_module(module), attribute)
    return next(base.__name__ for base in component.__mro__ if base.__module__.startswith("rasa."))


def test_the_floor_uses_the_assistants_language_tokenizer_and_featurizer():
    floor = yaml.safe_load((FLOOR / "config.yml").read_text(encoding="utf-8"))
    assistant = yaml.safe_load((REPO / "bot" / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in floor["pipeline"]]
    assert ["JiebaTokenizer", "CountVectorsFeaturizer", "DIETClassifier"] == names
    assert floor["language"] == assistant["language"] == "zh"
    # The classifier is Rasa's default (DIET), which the bare bot stands for; the assistant's is cheaper.
    assert set(names) - {"DIETClassifier"} <= {rasa_component(c["name"]) for c in assistant["pipeline"]}
    assert [p["name"] for p in floor["policies"]] == [p["name"] for p in assistant["policies"]]


def test_every_conversation_asks_statistics_policy_eligibility_and_something_out_of_scope():
    for conversation in CONVERSATIONS:
        texts = [turn.text for turn in conversation]
        assert "那高职呢？" in texts and "3+2是什么" in texts and "中职国家助学金多少钱" in texts
        assert texts[texts.index("帮我查一下孩子能享受哪些资助") :][:6] == [
            "帮我查一下孩子能享受哪些资助",
            "中职",
            "一年级",
            "家里不困难",
            "城市户口",
            "不是涉农专业",
        ]
        assert any(turn.forbid == "来源：" for turn in conversation)


def long_records(early_ms: float, late_ms: float, problems: dict[int, str] | None = None) -> list[Record]:
    """200 messages: 1-100 take `early_ms`, 101-200 `late_ms`; `problems` by message number."""
    problems = problems or {}
    return [Record(float(n), (early_ms if n <= 100 else late_ms) / 1000, problems.get(n, "")) for n in range(1, 201)]


def test_the_long_conversation_compares_its_late_messages_with_its_early_ones():
    figures = length_figures("assistant", 20, long_records(40, 60, {3: "HTTP 503"}), range(1, 11), range(190, 201))
    assert (199, 1, 40.0, 60.0) == (figures.messages, figures.errors, figures.early_p50_ms, figures.late_p50_ms)
    assert 1.5 == pytest.approx(figures.late_to_early)


def test_the_long_conversation_has_a_table_and_a_target():
    found = report(figures(20, 600, 60, 300), figures(20, 1200, 60, 100))
    found.length = [
        length_figures("assistant", 1, long_records(20, 40), range(1, 11), range(190, 201)),
        length_figures("assistant", 20, long_records(40, 48), range(1, 11), range(190, 201)),
        length_figures("floor", 20, long_records(20, 40), range(1, 11), range(190, 201)),
    ]
    text = render(found)
    assert "| 1 | assistant | 200 | 0 | 20.0 | 40.0 | **2.00×** |" in text
    assert "| 20 | assistant | 200 | 0 | 40.0 | 48.0 | **1.20×** |" in text
    assert "| 20 | floor | 200 | 0 | 20.0 | 40.0 | **2.00×** |" in text
    # Judged on the assistant at 20 conversations only.
    target = "| messages 190–200 of a conversation at 20 conversations: p50 ≤ 1.3× messages 1–10's | 1.20× | yes |"
    assert target in text


def test_the_floor_uses_the_assistants_tracker_and_lock_stores():
    def stores(path: Path) -> dict:
        endpoints = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {kind: endpoints[kind] for kind in ("tracker_store", "lock_store")}

    assert stores(REPO / "bot" / "endpoints.yml") == stores(FLOOR / "endpoints.yml")


def test_the_long_conversation_repeats_its_early_messages_late():
    texts = [turn.text for turn in long_conversation()]
    assert 200 == len(texts)
    assert texts[0:10] == texts[189:199]
