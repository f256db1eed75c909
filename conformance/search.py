"""One operation's random search: cases drawn straight from the strategy, a failure shrunk by hypothesis.

:func:`search` runs ``body`` (the runner's check of one case) on ``examples`` cases drawn from a hypothesis
strategy and, when one fails, hands that case to hypothesis to shrink, so the report shows the smallest
failing case hypothesis finds.

How the cases are drawn
-----------------------
Each case is one draw of the strategy on a fresh ``ConjectureData`` fed by one ``random.Random`` per
search, seeded by the operation's name and the run's seed (``f"{op}:{seed}"``; ``f"{op}:derandomized"``
for the ``ci`` profile), so the same seed draws the same cases on every run and every machine with the
same hypothesis. The draws come from hypothesis's own provider: the same distributions as a ``@given``
test's generation, with its bias to boundary values and to hypothesis's table of notable constants, but
not to the literals of the modules loaded (:class:`_GlobalConstantsProvider` says why). A draw the strategy
rejects, or that the target does not support (``SUPPORTS`` or a refusal), is redrawn: at most ten
draws per example while none is accepted, as hypothesis allows, and a hundred once one is (hypothesis's
engine steers towards accepted cases; plain draws need the room when a target accepts few of them).

What is not hypothesis's engine here: the generation phase of ``@given`` also keeps a tree of the
choices made so far (so no case repeats) and mutates earlier cases. On ``convspec check accelerated``
that bookkeeping cost more than the drawing and the checking together (in one process, 3,071 examples,
the two measured alternately three times: 5.6-7.2 s with the engine, 4.5-5.3 s drawn here); repeats are rare in these strategies, and the corners a
mutation would hit by luck are visited on purpose, before the search, by the named regions
(:mod:`.regions`). ``make mutants-sweep`` measures the search's bug-finding at six seeds.

How a failure is shrunk
-----------------------
The failing draw's choice sequence is put in an in-memory example database (its secondary corpus, the one
hypothesis shrinks from) and a ``@given`` test with the same body is run with only hypothesis's ``reuse``
and ``shrink`` phases: it replays the case, shrinks it and raises the smallest failure, exactly as a ``@given`` search would after finding it. Should the
replay not fail again (a target whose verdict changes from call to call), the failure first seen is
raised.

Worked example: ``search(body, strategy, examples=100, seeded_by="flatten:0", shrink_seed=0)`` draws a hundred
``flatten`` cases, the same hundred on every run; if the 37th fails, hypothesis shrinks it (the body runs
again on each smaller candidate) and the smallest failing case is raised as a ``CaseFailure``.
"""

from __future__ import annotations

import inspect
from random import Random
from typing import Callable
from unittest import SkipTest

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable, UnsatisfiedAssumption

from .case import CaseFailure

try:  # hypothesis's drawing and database primitives (as in hypothesis 6.170; internal, hence the guard)
    from hypothesis.control import BuildContext
    from hypothesis.database import InMemoryExampleDatabase, choices_to_bytes
    from hypothesis.errors import StopTest
    from hypothesis.internal.conjecture.data import ConjectureData
except ImportError:  # an older hypothesis: the whole search runs in the @given engine
    ConjectureData = None
else:  # a draw runs inside a build context, as under @given (tuples and lists note how they print there)
    _CONTEXT_KEYWORDS = {"is_final": False}
    if "wrapped_test" in inspect.signature(BuildContext).parameters:
        _CONTEXT_KEYWORDS["wrapped_test"] = None

try:  # the provider's constants (as in hypothesis 6.170); see _GlobalConstantsProvider
    from hypothesis.internal.conjecture.choice import choice_constraints_key, choice_permitted
    from hypothesis.internal.conjecture.providers import GLOBAL_CONSTANTS, Constants, HypothesisProvider

    HypothesisProvider._maybe_draw_constant  # noqa: B018 - the method the subclass replaces
except (ImportError, AttributeError):  # another hypothesis: its own provider (draws may then vary, see below)
    _PROVIDER = {}
else:

    class _GlobalConstantsProvider(HypothesisProvider):
        """hypothesis's provider, its occasional constants taken from hypothesis's own table only.

        hypothesis's provider also draws, now and then, a literal from the source of every "local" module
        loaded (one outside site-packages): which those are depends on how convspec was installed (an
        editable checkout is local, a wheel is not), on the target's file and on what else was imported,
        so the same seed would draw different cases on different machines. Without them a seed's cases
        depend only on the seed, the operation and the hypothesis version; the corners such literals
        might hit by luck are the named regions' business (:mod:`.regions`). No module is scanned either.
        """

        _local_constants = Constants()  # hides the provider's scan of sys.modules
        _permitted: dict = {}  # (choice type, constraints key) -> the global constants those allow

        def _maybe_draw_constant(self, choice_type, constraints, *, p: float = 0.05):
            if self._random.random() > p:
                return None
            key = (choice_type, choice_constraints_key(choice_type, constraints))
            permitted = self._permitted.get(key)
            if permitted is None:
                if len(self._permitted) > 4096:  # a bounded cache: drawn bounds make many keys
                    self._permitted.clear()
                permitted = self._permitted[key] = tuple(
                    choice for choice in GLOBAL_CONSTANTS.set_for_type(choice_type)
                    if choice_permitted(choice, constraints))
            return self._random.choice(permitted) if permitted else None

    _PROVIDER = {"provider": _GlobalConstantsProvider}

#: drawn cases per example asked for at most, rejected ones included, while none has been accepted
#: (hypothesis's own limit: a target that supports nothing is told "unsupported" soon) ...
MAX_DRAWS_PER_EXAMPLE = 10
#: ... and once one has: a target that supports few of the drawn cases (an adapter for a library with
#: 'valid'/'same' padding only, say) still gets its examples, down to one accepted draw in a hundred
MAX_DRAWS_PER_EXAMPLE_ONCE_ACCEPTED = 100
#: the database key of the shrinking run; the failing draw waits under its secondary corpus, which hypothesis
#: replays and shrinks (an entry of the primary corpus counts as shrunk already and is only replayed)
_FAILURE_KEY = b"convspec:failing-draw"
_SECONDARY = _FAILURE_KEY + b".secondary"


def seed_text(op: str, random_seed: int, derandomize: bool, label: str = "") -> str:
    """The text that seeds ``op``'s draws: ``"conv:0"``, ``"conv:derandomized"``, ``"conv (grad):0"``."""
    name = f"{op} ({label})" if label else op
    return f"{name}:derandomized" if derandomize else f"{name}:{random_seed}"


def search(body: Callable[[object], None], strategy, *, examples: int, seeded_by: str, shrink_seed: int,
           ahead=None) -> None:
    """Run ``body(drawn)`` on ``examples`` accepted draws of ``strategy``; raise the shrunk failure, if any.

    ``body`` raises :class:`CaseFailure` for a failing case and ``UnsatisfiedAssumption`` for a rejected
    one (counted by the caller as unsupported). Raises ``Unsatisfiable`` when no draw was accepted.
    ``seeded_by`` seeds the draws (:func:`seed_text`); ``shrink_seed`` seeds hypothesis's shrinker, so a failure
    shrinks to the same case on every run. ``ahead``: the first draws, made ahead by :mod:`.ahead` for the same
    strategy and ``seeded_by`` (the same cases, without drawing them here).
    """
    if ConjectureData is None:
        _engine(body, strategy, examples, shrink_seed, phases=(Phase.generate, Phase.shrink))
        return
    found = _first_failure(body, strategy, examples, Random(seeded_by), ahead)
    if found is None:
        return
    choices, failure = found
    database = InMemoryExampleDatabase()
    database.save(_SECONDARY, choices_to_bytes(choices))
    try:
        _engine(body, strategy, examples, shrink_seed, phases=(Phase.reuse, Phase.shrink), database=database)
    except SkipTest:  # hypothesis could not replay the draw at all (it says it ran no test case)
        pass
    raise failure  # the replay passed: the target's verdict changed; report what it did first


def draw_once(strategy, random: Random) -> tuple[object, tuple]:
    """One draw of ``strategy`` fed by ``random``: ``(value, choices)``, ``value`` None when the strategy
    rejected the draw (``choices`` then unused)."""
    data = ConjectureData(random=random, **_PROVIDER)
    try:
        with BuildContext(data, **_CONTEXT_KEYWORDS):
            return data.draw(strategy), tuple(data.choices)
    except (StopTest, UnsatisfiedAssumption):
        return None, ()


def _draws(strategy, random: Random, ahead):
    """``(value, choices)`` of each draw in turn: those made ahead first, then drawn here, the ``random`` going on
    from the state the draws ahead left."""
    if ahead is not None:
        yield from ahead.draws
        random.setstate(ahead.random_state)
    while True:
        yield draw_once(strategy, random)


def _first_failure(body, strategy, examples: int, random: Random, ahead=None):
    """(choices, CaseFailure) of the first failing draw, or None once ``examples`` draws were accepted."""
    accepted = draws = 0
    drawn = _draws(strategy, random, ahead)
    while accepted < examples and draws < examples * (
            MAX_DRAWS_PER_EXAMPLE_ONCE_ACCEPTED if accepted else MAX_DRAWS_PER_EXAMPLE):
        draws += 1
        value, choices = next(drawn)
        if value is None:  # the strategy rejected the draw
            continue
        try:
            body(value)
        except UnsatisfiedAssumption:  # SUPPORTS or the target rejected the case
            continue
        except CaseFailure as failure:
            return choices, failure
        accepted += 1
    if accepted == 0:
        raise Unsatisfiable(f"none of {draws} drawn cases was accepted")
    return None


def _engine(body, strategy, examples: int, shrink_seed: int, *, phases, database=None) -> None:
    """``body`` as a ``@given(strategy)`` test run by hypothesis's engine in ``phases``."""

    @settings(
        max_examples=examples,
        database=database,
        deadline=None,
        derandomize=False,
        print_blob=False,
        phases=phases,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    @seed(shrink_seed)  # under @given and @settings: a seed put on top would switch the database off
    def run(drawn) -> None:
        body(drawn)

    run._hypothesis_internal_database_key = _FAILURE_KEY  # where hypothesis's reuse phase looks
    run()
