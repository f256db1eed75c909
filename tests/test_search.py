"""The random search (conformance/search.py): seeded draws, a failure shrunk by hypothesis, the engine fallback."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable, UnsatisfiedAssumption

from convspec.conformance import search
from convspec.conformance.case import CaseFailure
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.runner import run_operation
from convspec.conformance.targets import load_target
from convspec.reference import activations as reference_activations


def _recording_relu(record: list):
    """A correct relu that records a digest of every input it is called on."""

    def relu(x):
        record.append(hashlib.sha256(x.tobytes() + str((x.shape, x.dtype)).encode()).hexdigest())
        return reference_activations.relu(x)

    return relu


def _target(relu):
    target = load_target("reference")
    return type(target)(name="test", functions={"relu": relu}, snippet_setup=target.snippet_setup)


def _drawn(seed: int, derandomize: bool = False, examples: int = 30) -> list:
    record: list = []
    result = run_operation(BY_NAME["relu"], _target(_recording_relu(record)), examples=examples, random_seed=seed,
                           derandomize=derandomize)
    assert result.status == "passed"
    return record


def test_the_same_seed_draws_the_same_cases_and_another_seed_others():
    first, again, other = _drawn(0), _drawn(0), _drawn(1)
    assert first == again
    assert first != other
    assert len(set(first)) > 20  # distinct cases, not one case drawn thirty times
    assert _drawn(5, derandomize=True) == _drawn(6, derandomize=True)  # derandomized: the seed does not matter


def test_the_draws_do_not_depend_on_the_modules_loaded(tmp_path, monkeypatch):
    """hypothesis's own provider also draws literals of the local modules loaded; the search's does not, so a
    target file full of constants (or an editable install) leaves a seed's cases as they were."""
    before = _drawn(0, examples=200)
    literals = ", ".join(str(1_000_003 + 7_919 * i) for i in range(300))  # in range of the data seeds drawn
    (tmp_path / "constants_galore.py").write_text(f"LITERALS = [{literals}]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import constants_galore  # noqa: F401 - loaded: a local module with 300 literals

    assert _drawn(0, examples=200) == before


def test_seed_text_names_the_operation_the_label_and_the_seed():
    assert search.seed_text("conv", 3, False) == "conv:3"
    assert search.seed_text("conv", 3, True) == "conv:derandomized"
    assert search.seed_text("conv", 0, False, "grad") == "conv (grad):0"


class _ListFailure(CaseFailure):
    """A failure of the plain-list searches below (no Case to describe)."""

    def __init__(self, reason: str):
        Exception.__init__(self, reason)
        self.case, self.reason, self.comparison = None, reason, None


def _fails_from_three_elements(seen: list):
    """A search body that fails on every list of three or more integers (and records what it saw)."""

    def body(drawn: list) -> None:
        seen.append(drawn)
        if len(drawn) >= 3:
            raise _ListFailure(f"{len(drawn)} elements")

    return body


def _shrunk(seen: list) -> list:
    with pytest.raises(CaseFailure) as raised:
        search.search(_fails_from_three_elements(seen), st.lists(st.integers()), examples=100, seeded_by="t:0",
                      shrink_seed=0)
    return raised.value


def test_a_failure_is_shrunk_to_the_smallest_failing_draw():
    seen: list = []
    failure = _shrunk(seen)
    assert failure.reason == "3 elements"
    assert seen[-1] == [0, 0, 0]  # the last call: hypothesis replays its smallest failing draw
    first_failing = next(drawn for drawn in seen if len(drawn) >= 3)
    assert first_failing != [0, 0, 0]  # (so it was shrunk, not drawn that small)


def test_a_failure_that_does_not_repeat_is_reported_as_first_seen():
    """The shrinking run replays the failing draw; a target that then passes must not turn the failure green."""
    seen: list = []

    def fails_once(drawn: list) -> None:
        seen.append(drawn)
        if len(drawn) >= 3 and not any(len(earlier) >= 3 for earlier in seen[:-1]):
            raise _ListFailure(f"{drawn} failed")

    with pytest.raises(CaseFailure) as raised:
        search.search(fails_once, st.lists(st.integers()), examples=100, seeded_by="t:0", shrink_seed=0)
    first_failing = next(drawn for drawn in seen if len(drawn) >= 3)
    assert raised.value.reason == f"{first_failing} failed"
    assert seen.count(first_failing) >= 2  # hypothesis did replay it


def test_without_the_drawing_primitives_hypothesis_runs_the_whole_search(monkeypatch):
    """An older hypothesis (no ConjectureData(random=...), no choices_to_bytes): the @given engine draws and
    shrinks; the verdicts are the same."""
    monkeypatch.setattr(search, "ConjectureData", None)
    passed = run_operation(BY_NAME["relu"], _target(reference_activations.relu), examples=40)
    assert passed.status == "passed" and passed.examples >= 40
    seen: list = []
    assert _shrunk(seen).reason == "3 elements"
    assert seen[-1] == [0, 0, 0]


def test_a_target_that_supports_nothing_is_unsupported():
    target = _target(reference_activations.relu)
    target.supports["relu"] = lambda case: "never"
    result = run_operation(BY_NAME["relu"], target, examples=10)
    assert result.status == "unsupported"
    assert result.unsupported_reasons["never"] > 0


@pytest.mark.parametrize("examples", [1, 7])
def test_the_search_checks_the_number_of_examples_asked_for(examples):
    record: list = []
    run_operation(BY_NAME["relu"], _target(_recording_relu(record)), examples=examples)
    from convspec.conformance.regions import region_cases

    assert len(record) == examples + len(region_cases("relu"))


def test_strategies_that_need_hypothesis_build_context_draw():
    """A tuple strategy (the backward search's: a case and a gradient seed) asks for hypothesis's build context."""
    seen: list = []
    search.search(seen.append, st.tuples(st.integers(0, 9), st.lists(st.booleans())), examples=20,
                  seeded_by="t:0", shrink_seed=0)
    assert len(seen) == 20 and all(isinstance(drawn, tuple) for drawn in seen)


def test_a_target_that_accepts_few_draws_still_gets_its_examples():
    """One accepted draw in about thirty: the search draws on (up to a hundred per example) until it has them."""
    accepted: list = []

    def body(drawn: int) -> None:
        if drawn % 31:
            raise UnsatisfiedAssumption()
        accepted.append(drawn)

    search.search(body, st.integers(1, 10**9), examples=40, seeded_by="t:0", shrink_seed=0)
    assert len(accepted) == 40


def test_a_target_that_accepts_nothing_is_given_up_on_after_ten_draws_per_example():
    draws: list = []

    def body(drawn: int) -> None:
        draws.append(drawn)
        raise UnsatisfiedAssumption()

    with pytest.raises(Unsatisfiable):
        search.search(body, st.integers(), examples=12, seeded_by="t:0", shrink_seed=0)
    assert len(draws) == 12 * search.MAX_DRAWS_PER_EXAMPLE


# ------------------------------------------------------------------ strategy objects built once per arguments


def _choices_and_values(strategy_for_each_draw, draws: int = 40, seed: str = "built-once") -> tuple:
    from random import Random

    random = Random(seed)
    seen = []
    for _ in range(draws):
        data = search.ConjectureData(random=random, **search._PROVIDER)
        with search.BuildContext(data, **search._CONTEXT_KEYWORDS):
            value = data.draw(strategy_for_each_draw())
        seen.append((tuple(data.choices), repr(value)))
    return tuple(seen)


def test_a_built_once_strategy_is_one_object_per_typed_arguments():
    from convspec.conformance.strategies import sampled_from

    assert sampled_from((1, 2, 3)) is sampled_from((1, 2, 3))
    # equal but not the same values: 1.0 and True draw as themselves, so they are other strategies
    assert len({id(sampled_from(values)) for values in [(1, 2), (1.0, 2), (True, 2)]}) == 3
    assert sampled_from([1, 2]) is not sampled_from([1, 2])  # a list cannot be a key: built afresh, still right
    assert repr(sampled_from([1, 2])) == repr(st.sampled_from([1, 2]))


def test_built_once_strategies_draw_what_fresh_ones_do():
    """The point of building once is speed only: the same choices and values as a strategy built per draw."""
    from convspec.conformance.families.activations.strategies import _shape
    from convspec.conformance.strategies import sampled_from

    assert _choices_and_values(lambda: sampled_from((0.1, 0.3, 1.0))) == \
        _choices_and_values(lambda: st.sampled_from((0.1, 0.3, 1.0)))
    assert _choices_and_values(lambda: _shape(min_dims=2)) == _choices_and_values(lambda: _shape.__wrapped__(min_dims=2))
