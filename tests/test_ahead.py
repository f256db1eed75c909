"""Cases drawn ahead while the target loads (conformance/ahead.py): the same cases as drawn in place, used only
where they are the search's own, shared with the workers in memory, and nothing left behind."""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import strategies as st

from convspec.conformance import ahead as drawn_ahead
from convspec.conformance import search
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.runner import run_operation
from convspec.conformance.targets import load_target
from convspec.reference import activations as reference_activations


def _recording_target(record: list, **fields):
    def relu(x):
        record.append(hashlib.sha256(x.tobytes() + str((x.shape, x.dtype)).encode()).hexdigest())
        return reference_activations.relu(x)

    target = load_target("reference")
    return type(target)(name="test", functions={"relu": relu}, snippet_setup=target.snippet_setup, **fields)


@pytest.fixture
def store():
    made = drawn_ahead.Store(slots=4, capacity=2**20)
    yield made
    made.close()


def _write(store, ahead, seeded_by: str | None = None) -> None:
    assert store.put(seeded_by or ahead.seeded_by, pickle.dumps(ahead))


def _checked(store=None, **fields) -> list:
    record: list = []
    result = run_operation(BY_NAME["relu"], _recording_target(record, **fields), examples=40, random_seed=3,
                           drawn_ahead=store)
    assert result.status == "passed", result
    return record


@pytest.mark.parametrize("count", [0, 7, 40, 60])
def test_the_cases_drawn_ahead_are_the_cases_drawn_in_place(store, count):
    """All, some (the search draws on from the helper's Random state) or more than needed: the same cases."""
    strategy = BY_NAME["relu"].strategy()
    _write(store, drawn_ahead.draw_ahead("relu", strategy, search.seed_text("relu", 3, False), count))
    assert _checked(store) == _checked()


def _planted(store, value=1.5, write=True):
    """Draws that are not the search's (every case is relu of one constant): where they are used, the recorded
    cases show it."""
    from convspec.conformance.case import Case
    import numpy as np

    seeded_by = search.seed_text("relu", 3, False)
    planted = drawn_ahead.Ahead("relu", seeded_by, repr(BY_NAME["relu"].strategy()))
    planted.draws = [(Case("relu", {"x": np.full((2,), value, "float32")}, {}, "floats"), ())] * 40
    planted.random_state = __import__("random").Random(seeded_by).getstate()
    if write:
        _write(store, planted)
    return planted


def test_draws_ahead_are_taken_when_they_are_the_searchs(store):
    _planted(store)
    recorded = _checked(store)
    assert len(set(recorded[-40:])) == 1  # the planted constant, 40 times: the entry was used


def test_draws_ahead_are_not_taken_under_a_targets_draw_limits_or_strategy(store):
    _planted(store)
    limited = _checked(store, draws={"relu": {"dtypes": ("float32",)}})
    assert len(set(limited[-40:])) > 1
    own = _checked(store, strategies={"relu": lambda: BY_NAME["relu"].strategy()})
    assert len(set(own[-40:])) > 1


@pytest.mark.parametrize("change", ["op", "seeded_by", "strategy", "hypothesis_version"])
def test_an_entry_for_another_search_is_not_taken(store, change):
    planted = _planted(store, write=False)
    setattr(planted, change, "something else")
    _write(store, planted, seeded_by=search.seed_text("relu", 3, False))  # where the search looks
    taken = drawn_ahead.take(store, "relu", BY_NAME["relu"].strategy(), search.seed_text("relu", 3, False))
    assert taken is None


def test_a_missing_or_unreadable_entry_means_drawing_in_place(store):
    seeded_by = search.seed_text("relu", 3, False)
    strategy = BY_NAME["relu"].strategy()
    assert drawn_ahead.take(None, "relu", strategy, seeded_by) is None
    assert drawn_ahead.take(store, "relu", strategy, seeded_by) is None
    assert store.put(seeded_by, b"not a pickle")
    assert drawn_ahead.take(store, "relu", strategy, seeded_by) is None
    assert _checked(store) == _checked()


def test_the_store_keeps_each_entry_and_refuses_what_does_not_fit():
    store = drawn_ahead.Store(slots=2, capacity=96 + 110)  # a table of two 48-byte entries, then the data
    try:
        assert store.get("a") is None
        assert store.put("a", b"x" * 50) and store.put("b", b"y" * 60)
        assert not store.put("c", b"z")  # every slot taken
        assert store.get("a") == b"x" * 50 and store.get("b") == b"y" * 60 and store.get("c") is None
    finally:
        store.close()
    small = drawn_ahead.Store(slots=2, capacity=120)  # 96 bytes of table, 24 of data
    try:
        assert not small.put("a", b"x" * 25) and small.get("a") is None
        assert small.put("a", b"x" * 24) and small.get("a") == b"x" * 24
    finally:
        small.close()


def test_a_store_is_shared_with_forked_processes_and_empty_where_unpickled():
    store = drawn_ahead.Store(slots=1, capacity=4096)
    try:
        pid = os.fork()
        if pid == 0:  # the helper's side
            store.put("relu:0", b"drawn in the child")
            os._exit(0)
        os.waitpid(pid, 0)
        assert store.get("relu:0") == b"drawn in the child"
        assert pickle.loads(pickle.dumps(store)).get("relu:0") is None  # a fork server's worker: draws in place
    finally:
        store.close()


def test_a_draw_that_raises_ends_the_drawing_before_it():
    calls = []

    @st.composite
    def third_raises(draw):
        calls.append(1)
        value = draw(st.integers(0, 100))
        if len(calls) == 3:
            raise RuntimeError("a strategy's bug")
        return value

    ahead = drawn_ahead.draw_ahead("op", third_raises(), "op:0", 5)
    assert len(ahead.draws) == 2
    random = __import__("random").Random("op:0")
    for _ in range(2):
        search.draw_once(st.integers(0, 100), random)
    assert ahead.random_state == random.getstate()  # where the third draw began: the worker meets the error


def test_the_helper_draws_each_search_into_the_store():
    searches = [("relu", "relu:0", 5), ("flatten", "flatten:0", 5)]
    helper = drawn_ahead.Helper(searches)
    deadline = time.monotonic() + 60
    while helper.process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    for op, seeded_by, _ in searches:
        ahead = drawn_ahead.take(helper.store, op, BY_NAME[op].strategy(), seeded_by)
        assert ahead is not None and len(ahead.draws) == round(5 * drawn_ahead.DRAWS_PER_EXAMPLE)
    helper.stop()
    assert helper.store.memory is None


def test_a_check_leaves_nothing_behind(tmp_path):
    """Nothing of a check stays in the temporary folder, whether it passes or its target fails to load, and
    nothing of the user's there is touched."""
    mine = tmp_path / "mine.txt"
    mine.write_text("the user's")
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    for target, status in (("accelerated", 0), ("no-such-target", 2)):
        result = subprocess.run([sys.executable, "-m", "convspec.conformance", "check", target, "--ops", "relu,flatten",
                                 "--examples", "5"], capture_output=True, text=True, env=environment, timeout=300)
        assert result.returncode == status, result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]
    assert mine.read_text() == "the user's"


def test_a_check_killed_while_its_target_loads_leaves_no_draws_behind(tmp_path):
    """SIGKILL while the helper draws (the target still loading): nothing can clean up, and nothing needs to."""
    target = tmp_path / "slow_target.py"
    target.write_text("import time\ntime.sleep(60)\n")
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "convspec.conformance", "check", str(target)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    try:
        time.sleep(4)  # the console's imports, the helper forked, the target's module sleeping
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slow_target.py"]
