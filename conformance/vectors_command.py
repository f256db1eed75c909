"""``convspec vectors``: conformance vectors as files, for implementations outside Python.

Usage::

    convspec vectors export --ops correlate,max_pool --profile ci --out vectors/ [--seed S] [--examples N]
    convspec vectors verify vectors/ --results results/ [--report out.json] [--junit out.xml]

``export`` writes per operation the cases drawn from the catalog strategies (seeded: the
same command writes byte-identical files), the catalog's literal worked examples and a
few edge cases, each with its expected outputs and per-element bounds, and a
``manifest.json`` with a sha256 per file (:func:`convspec.conformance.vectors.export`).
``verify`` compares an outside program's outputs (``results/OP/CASE_ID/output_K.npy`` or
``.json``) with the stored bounds, prints a table per operation and each failure, and
exits 1 if any case failed (:func:`convspec.conformance.vectors.verify`). The file format
is described in ``docs/vectors.md``.

:func:`add_parser` adds the subcommand to an ``argparse`` subparsers object; :func:`run`
executes parsed arguments and returns the exit status: 0, 1 (a case failed) or 2 (a usage
error, printed to stderr).
"""

from __future__ import annotations

import argparse
import sys
import time

from .catalog import CATALOG, get
from .runner import PROFILES


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``vectors`` (with ``export`` and ``verify``) to ``subparsers``; its default ``handler`` is :func:`run`."""
    parser = subparsers.add_parser(
        "vectors",
        help="export conformance vectors as files, and verify an outside implementation's results",
        description=(
            "Conformance vectors for implementations outside Python: 'export' writes cases (inputs, "
            "parameters, expected outputs, per-element bounds) as .npy and JSON files with a manifest; "
            "'verify' compares another program's outputs with them."
        ),
    )
    commands = parser.add_subparsers(dest="vectors_command", metavar="{export,verify}", required=True)
    export = commands.add_parser(
        "export",
        help="write the vectors of some operations to a directory",
        description=(
            "Write, per operation, cases drawn from the catalog strategies with --seed (the same command "
            "writes byte-identical files), every literal worked example and a few edge cases. Each case is "
            "a directory OP/CASE_ID/ with case.json, the inputs, output_K and bound_K as .npy and .json."
        ),
    )
    export.add_argument("--out", required=True, metavar="DIR", help="the directory to write (an earlier export there is replaced)")
    export.add_argument("--ops", help=f"comma-separated operations (default: all of {', '.join(op.name for op in CATALOG)})")
    export.add_argument("--profile", choices=sorted(PROFILES), default="ci",
                        help="how many drawn cases per operation: " + ", ".join(
                            f"{name} {count}" for name, (count, _) in PROFILES.items()) + " (default ci)")
    export.add_argument("--examples", type=int, help="drawn cases per operation (overrides the profile's count; "
                        "0: worked examples and edge cases only)")
    export.add_argument("--seed", type=int, default=0, help="hypothesis seed of the drawn cases (default 0)")
    export.set_defaults(handler=run)
    verify = commands.add_parser(
        "verify",
        help="compare an outside program's outputs with exported vectors",
        description=(
            "Compare RESULTS_DIR/OP/CASE_ID/output_K.npy (or .json) with the expected outputs of the export "
            "in DIR, element by element within the stored bound (0: bit for bit; NaN matches NaN; shape and "
            "dtype must match). Cases without a result file are reported as missing. Exits 1 if any case failed."
        ),
    )
    verify.add_argument("directory", metavar="DIR", help="an export written by 'convspec vectors export'")
    verify.add_argument("--results", required=True, metavar="RESULTS_DIR", help="the outside program's outputs")
    verify.add_argument("--ops", help="comma-separated operations to verify (default: all in the export)")
    verify.add_argument("--report", metavar="FILE.json", help="also write the report as JSON (every failure)")
    verify.add_argument("--junit", metavar="FILE.xml", help="also write JUnit XML: one testcase per case")
    verify.add_argument("--fail-on-missing", action="store_true", help="exit 1 when a case has no result file")
    verify.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``convspec vectors export|verify``; 0, 1 (verify: a case failed) or 2 (a usage error)."""
    from .vectors import VectorsError

    try:
        if args.vectors_command == "export":
            return _export(args)
        return _verify(args)
    except VectorsError as error:
        print(f"convspec vectors {args.vectors_command}: {error}", file=sys.stderr)
        return 2


def _operations(option: str | None):
    from .vectors import VectorsError

    if not option:
        return list(CATALOG)
    try:
        return [get(name.strip()) for name in option.split(",") if name.strip()]
    except ValueError as error:
        raise VectorsError(str(error)) from None


def _export(args: argparse.Namespace) -> int:
    from .vectors import export

    operations = _operations(args.ops)
    started = time.perf_counter()
    summary = export(args.out, operations, profile=args.profile, examples=args.examples, random_seed=args.seed)
    seconds = time.perf_counter() - started
    for op, count in summary.per_operation.items():
        print(f"  {op:<22} {count:>5} cases")
    print(
        f"wrote {summary.cases} cases of {len(summary.per_operation)} operation(s) to {summary.directory} "
        f"({summary.files} files, {summary.bytes / 1e6:.1f} MB; profile {args.profile}, seed {args.seed}) "
        f"in {seconds:.1f} s"
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .vectors import print_verify_report, verify, write_verify_json, write_verify_junit

    ops = [name.strip() for name in args.ops.split(",") if name.strip()] if args.ops else None
    report = verify(args.directory, args.results, ops=ops)
    console = Console() if sys.stdout.isatty() else Console(width=110)
    print_verify_report(report, console)
    if args.report:
        write_verify_json(report, args.report)
        console.print(f"JSON report: {args.report}", highlight=False)
    if args.junit:
        write_verify_junit(report, args.junit)
        console.print(f"JUnit XML: {args.junit}", highlight=False)
    if report.failed or (args.fail_on_missing and report.count("missing")):
        return 1
    return 0
