"""Cases drawn ahead while the target loads (conformance/ahead.py): the same cases as drawn in place, used only
where they are the search's own, and a helper that leaves nothing behind."""

from __future__ import annotations

import hashlib
import os
import pickle
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


def _write(folder, ahead, seeded_by: str | None = None) -> None:
    with open(drawn_ahead._file(str(folder), seeded_by or ahead.seeded_by), "wb") as handle:
        pickle.dump(ahead, handle)


def _checked(folder=None, **fields) -> list:
    record: list = []
    result = run_operation(BY_NAME["relu"], _recording_target(record, **fields), examples=40, random_seed=3,
                           drawn_ahead=None if folder is None else str(folder))
    assert result.status == "passed", result
    return record


@pytest.mark.parametrize("count", [0, 7, 40, 60])
def test_the_cases_drawn_ahead_are_the_cases_drawn_in_place(tmp_path, count):
    """All, some (the search draws on from the helper's Random state) or more than needed: the same cases."""
    strategy = BY_NAME["relu"].strategy()
    _write(tmp_path, drawn_ahead.draw_ahead("relu", strategy, search.seed_text("relu", 3, False), count))
    assert _checked(tmp_path) == _checked()


def _planted(tmp_path, value=1.5):
    """A file of draws that are not the search's (every case is relu of one constant): where it is used, the
    recorded cases show it."""
    from convspec.conformance.case import Case
    import numpy as np

    seeded_by = search.seed_text("relu", 3, False)
    planted = drawn_ahead.Ahead("relu", seeded_by, repr(BY_NAME["relu"].strategy()))
    planted.draws = [(Case("relu", {"x": np.full((2,), value, "float32")}, {}, "floats"), ())] * 40
    planted.random_state = __import__("random").Random(seeded_by).getstate()
    _write(tmp_path, planted)
    return planted


def test_draws_ahead_are_taken_when_they_are_the_searchs(tmp_path):
    _planted(tmp_path)
    recorded = _checked(tmp_path)
    assert len(set(recorded[-40:])) == 1  # the planted constant, 40 times: the file was used


def test_draws_ahead_are_not_taken_under_a_targets_draw_limits_or_strategy(tmp_path):
    _planted(tmp_path)
    limited = _checked(tmp_path, draws={"relu": {"dtypes": ("float32",)}})
    assert len(set(limited[-40:])) > 1
    own = _checked(tmp_path, strategies={"relu": lambda: BY_NAME["relu"].strategy()})
    assert len(set(own[-40:])) > 1


@pytest.mark.parametrize("change", ["op", "seeded_by", "strategy", "hypothesis_version"])
def test_a_file_for_another_search_is_not_taken(tmp_path, change):
    planted = _planted(tmp_path)
    setattr(planted, change, "something else")
    _write(tmp_path, planted, seeded_by=search.seed_text("relu", 3, False))  # where the search looks
    taken = drawn_ahead.take(str(tmp_path), "relu", BY_NAME["relu"].strategy(), search.seed_text("relu", 3, False))
    assert taken is None


def test_a_missing_or_unreadable_file_means_drawing_in_place(tmp_path):
    seeded_by = search.seed_text("relu", 3, False)
    strategy = BY_NAME["relu"].strategy()
    assert drawn_ahead.take(None, "relu", strategy, seeded_by) is None
    assert drawn_ahead.take(str(tmp_path), "relu", strategy, seeded_by) is None
    with open(drawn_ahead._file(str(tmp_path), seeded_by), "wb") as handle:
        handle.write(b"not a pickle")
    assert drawn_ahead.take(str(tmp_path), "relu", strategy, seeded_by) is None
    assert _checked(tmp_path) == _checked()


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


def test_the_helper_draws_each_search_and_removes_its_folder():
    searches = [("relu", "relu:0", 5), ("flatten", "flatten:0", 5)]
    helper = drawn_ahead.Helper(searches)
    deadline = time.monotonic() + 60
    while helper.process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    for op, seeded_by, _ in searches:
        ahead = drawn_ahead.take(helper.folder, op, BY_NAME[op].strategy(), seeded_by)
        assert ahead is not None and len(ahead.draws) == round(5 * drawn_ahead.DRAWS_PER_EXAMPLE)
    helper.stop()
    assert not os.path.exists(helper.folder)


def test_a_check_leaves_no_folder_behind(tmp_path):
    """Its helper's folder is the check's own, removed at the end, whether the check passes or its target fails
    to load; nothing else in the temporary folder is touched."""
    mine = tmp_path / "mine.txt"
    mine.write_text("the user's")
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    for target, status in (("accelerated", 0), ("no-such-target", 2)):
        result = subprocess.run([sys.executable, "-m", "convspec.conformance", "check", target, "--ops", "relu,flatten",
                                 "--examples", "5"], capture_output=True, text=True, env=environment, timeout=300)
        assert result.returncode == status, result.stderr
        assert not [p for p in tmp_path.iterdir() if p.name.startswith("convspec-ahead-")]
    assert mine.read_text() == "the user's"
