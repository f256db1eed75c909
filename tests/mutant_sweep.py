"""The planted-bug meta-test (tests/test_mutants.py) swept over several seeds: ``make mutants-sweep``.

For each seed it runs ``convspec check`` on every mutant in ``tests/mutants/`` exactly as the
meta-test does (the default 100 examples, only the mutant's BUGGY_OPS) and prints the kill rate,
the mean number of examples to detection, and the mutants that survived. ``make test`` runs the
meta-test at seed 0 only; this sweep says how much of the kill rate is luck of that seed.

    .venv/bin/python tests/mutant_sweep.py                  # seeds 0-5, every mutant, 2 processes
    .venv/bin/python tests/mutant_sweep.py --seeds 0 3 --jobs 1 --mutants relu_fmax_drops_nan
    .venv/bin/python tests/mutant_sweep.py --no-regions     # the random search alone

Most mutants are caught by the named regions' explicit cases, which every seed checks first (so every
seed kills them at the same example); ``--no-regions`` skips those cases to measure what the seeded
random search (conformance/search.py) finds on its own.

A survivor is information, not an error: the exit status is 0 unless a mutant fails to load.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def _run(job: tuple[str, int, int, bool]) -> tuple[str, int, bool, list, str]:
    """(mutant, seed, examples, regions) -> (mutant, seed, caught, examples to detection per buggy op, note)."""
    name, seed, examples, regions = job
    from test_mutants import MUTANTS, _module  # noqa: PLC0415 (imported in the worker)

    from convspec.conformance import catalog, runner
    from convspec.conformance.runner import run_check
    from convspec.conformance.targets import load_target

    if not regions:  # --no-regions: the search's drawn cases only
        runner.region_cases = lambda op: []

    path = MUTANTS / f"{name}.py"
    module = _module(path)
    report = run_check(load_target(str(path)), [catalog.get(op) for op in module.BUGGY_OPS],
                       examples=examples, random_seed=seed)
    caught = all(result.failed for result in report.results)
    notes = [f"{r.op}: {r.status}" for r in report.results if not r.failed]
    return name, seed, caught, [r.first_failure_example for r in report.results], "; ".join(notes)


def main(argv=None) -> int:
    from test_mutants import EXAMPLES, MUTANT_FILES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(6)))
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mutants", nargs="+", help="mutant file stems (default: all)")
    parser.add_argument("--no-regions", action="store_true", help="skip the named regions' explicit cases")
    args = parser.parse_args(argv)
    names = args.mutants or [path.stem for path in MUTANT_FILES]
    started = time.perf_counter()
    survivors: dict[str, list[int]] = {}
    without = ", without the named regions' cases" if args.no_regions else ""
    print(f"{len(names)} mutants, {args.examples} examples each{without}, seeds {args.seeds}", flush=True)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for seed in args.seeds:
            rows = list(pool.map(_run, [(name, seed, args.examples, not args.no_regions) for name in names]))
            killed = [r for r in rows if r[2]]
            detections = [n for r in killed for n in r[3] if n is not None]
            mean = sum(detections) / len(detections) if detections else float("nan")
            print(f"seed {seed}: {len(killed)}/{len(rows)} killed ({100 * len(killed) / len(rows):.0f}%), "
                  f"mean examples to detection {mean:.1f}, worst {max(detections, default='-')}")
            for name, _, caught, _, note in rows:
                if not caught:
                    survivors.setdefault(name, []).append(seed)
                    print(f"    survived: {name} ({note})")
            sys.stdout.flush()
    print("survivors over all seeds:" if survivors else "no survivors at any seed")
    for name, seeds in sorted(survivors.items()):
        print(f"    {name}: seeds {seeds}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
