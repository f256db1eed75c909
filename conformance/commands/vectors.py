"""``convspec vectors``: conformance vectors as files, for implementations outside Python.

Usage::

    convspec vectors export --ops correlate,max_pool --profile ci --out vectors/ [--seed S] [--examples N] [--force]
    convspec vectors verify vectors/ --results results/ [--allow-missing] [--report out.json] [--junit out.xml]

``export`` writes per operation the cases drawn from the catalog strategies (seeded: the
same command writes byte-identical files), the catalog's literal worked examples and a
few edge cases, each with its expected outputs and per-element bounds, and a
``manifest.json`` with a sha256 per file (:func:`convspec.conformance.vectors.exporter.export`).
It writes only to a new or empty folder, or with ``--force`` over an earlier export, of
which it removes only the listed files (:mod:`.vectors_folder`).
``verify`` compares an outside program's outputs (``results/OP/CASE_ID/output_K.npy`` or
``.json``) with the stored bounds, prints a table per operation and each failure
(:func:`convspec.conformance.vectors.exporter.verify`). The file format is described in ``docs/vectors.md``.

:func:`add_parser` adds the subcommand to an ``argparse`` subparsers object; :func:`run`
executes parsed arguments and returns the exit status, :data:`EXIT_STATUSES`.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from pathlib import Path

from convspec.conformance.catalog import CATALOG, named
from convspec.conformance.internal_error import report_internal_error
from convspec.conformance.runner import PROFILES

#: what each exit status of ``convspec vectors export|verify`` means (also in ``--help`` and the docs)
EXIT_STATUSES = {
    0: "ok: the export was written; verify: every case passed (missing ones too, with --allow-missing)",
    1: "verify: verification failed (a case failed or is missing, no case has a result, the export changed "
       "since it was written: a file's sha256, cases removed from the manifest)",
    2: "usage error: a bad option or folder, a refused overwrite, a manifest that does not match the schema; "
       "nothing was verified or written",
    3: "convspec's own internal error (please report it; CONVSPEC_DEBUG=1 shows the traceback)",
}


def _exit_statuses_text() -> str:
    return "exit status:\n" + "\n".join(textwrap.fill(meaning, width=100, initial_indent=f"  {code}  ",
                                                       subsequent_indent="     ") for code, meaning in EXIT_STATUSES.items())


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``vectors`` (with ``export`` and ``verify``) to ``subparsers``; its default ``handler`` is :func:`run`."""
    common = {"formatter_class": argparse.RawDescriptionHelpFormatter, "epilog": _exit_statuses_text()}
    parser = subparsers.add_parser(
        "vectors",
        help="export conformance vectors as files, and verify an outside implementation's results",
        description=(
            "Conformance vectors for implementations outside Python: 'export' writes cases (inputs, "
            "parameters, expected outputs, per-element bounds) as .npy and JSON files with a manifest; "
            "'verify' compares another program's outputs with them."
        ),
        **common,
    )
    commands = parser.add_subparsers(dest="vectors_command", metavar="{export,verify}", required=True)
    _add_export(commands, common)
    _add_verify(commands, common)
    return parser


def _add_export(commands, common: dict) -> None:
    export = commands.add_parser(
        "export",
        help="write the vectors of some operations to a folder",
        description=(
            "Write, per operation, cases drawn from the catalog strategies with --seed (the same command "
            "writes byte-identical files), every literal worked example and a few edge cases. Each case is "
            "a folder OP/CASE_ID/ with case.json, the inputs, output_K and bound_K as .npy and .json.\n\n"
            "--out must be a new or empty folder, or hold an earlier export (its manifest.json checked against "
            "convspec's schema) and --force be given: then only the files that export's manifest lists are "
            "removed, and anything else in the folder stays. Any other non-empty folder is refused, even with "
            "--force. The export is written whole beside --out first (.DIR.convspec-tmp-XXXX) and moved in at "
            "the end, so an interrupted export leaves the earlier one as it was."
        ),
        **common,
    )
    export.add_argument("--out", required=True, metavar="DIR", help="the folder to write: new, empty, or an "
                        "earlier export with --force")
    export.add_argument("--force", action="store_true", help="replace the earlier export in --out (its listed "
                        "files only)")
    export.add_argument("--ops", help=f"comma-separated operations (default: all of {', '.join(op.name for op in CATALOG)})")
    export.add_argument("--profile", choices=sorted(PROFILES), default="ci",
                        help="how many drawn cases per operation: " + ", ".join(
                            f"{name} {count}" for name, (count, _) in PROFILES.items()) + " (default ci)")
    export.add_argument("--examples", type=int, help="drawn cases per operation (overrides the profile's count; "
                        "0: worked examples and edge cases only)")
    export.add_argument("--seed", type=int, default=0, help="hypothesis seed of the drawn cases (default 0)")
    export.set_defaults(handler=run)


def _add_verify(commands, common: dict) -> None:
    verify = commands.add_parser(
        "verify",
        help="compare an outside program's outputs with exported vectors",
        description=(
            "Check that the export in DIR is the one its manifest describes (every file's sha256, the number "
            "and list of cases, no case folder without an entry), then compare RESULTS_DIR/OP/CASE_ID/output_K.npy "
            "(or .json) with the expected outputs, element by element within the stored bound (0: bit for bit; "
            "NaN matches NaN; shape and dtype must match). It fails if any case failed, if a case has no result "
            "file (unless --allow-missing), if no case has a result, or if the export changed. RESULTS_DIR must "
            "not be DIR or inside it."
        ),
        **common,
    )
    verify.add_argument("directory", metavar="DIR", help="an export written by 'convspec vectors export'")
    verify.add_argument("--results", required=True, metavar="RESULTS_DIR", help="the outside program's outputs")
    verify.add_argument("--ops", help="comma-separated operations to verify (default: all in the export)")
    verify.add_argument("--report", metavar="FILE.json", help="also write the report as JSON (every failure)")
    verify.add_argument("--junit", metavar="FILE.xml", help="also write JUnit XML: one testcase per case")
    verify.add_argument("--allow-missing", action="store_true", help="accept cases without a result file (they are "
                        "still reported as missing; at least one case must have a result)")
    verify.add_argument("--fail-on-missing", action="store_true", help="the default now (missing cases fail); "
                        "accepted for older scripts")
    verify.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Execute ``convspec vectors export|verify``; returns the exit status of :data:`EXIT_STATUSES`."""
    from convspec.conformance.outputs import OutputError
    from convspec.conformance.vectors.exporter import VectorsError

    command = f"convspec vectors {args.vectors_command}"
    try:
        if args.vectors_command == "export":
            return _export(args)
        return _verify(args)
    except (VectorsError, OutputError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a folder that cannot be read or written: the user's to fix
        print(f"{command}: {error.strerror or error}" + (f": {error.filename}" if error.filename else ""),
              file=sys.stderr)
        return 2
    except Exception:  # convspec's own fault: one line, exit 3, the traceback on demand
        return report_internal_error(command)


def _operations(option: str | None):
    from convspec.conformance.vectors.exporter import VectorsError

    try:
        return named(option)
    except ValueError as error:
        raise VectorsError(str(error)) from None


def _export(args: argparse.Namespace) -> int:
    from convspec.conformance.vectors.exporter import export

    operations = _operations(args.ops)
    started = time.perf_counter()
    summary = export(args.out, operations, profile=args.profile, examples=args.examples, random_seed=args.seed,
                     force=args.force)
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
    from convspec.conformance import command_state
    from convspec.conformance.outputs import write_atomically
    from convspec.conformance.vectors.exporter import print_verify_report, verify, verify_json, verify_junit

    outputs = _report_paths(args.report, args.junit)
    ops = None if args.ops is None else [op.name for op in _operations(args.ops)]
    report = verify(args.directory, args.results, ops=ops, allow_missing=args.allow_missing)
    console = command_state.console()
    print_verify_report(report, console)
    if "--report" in outputs:
        text = json.dumps(verify_json(report), indent=2, allow_nan=False) + "\n"
        write_atomically(outputs["--report"], lambda handle: handle.write(text.encode()))
        console.print(f"JSON report: {args.report}", highlight=False)
    if "--junit" in outputs:
        write_atomically(outputs["--junit"], lambda handle: verify_junit(report).write(
            handle, encoding="utf-8", xml_declaration=True))
        console.print(f"JUnit XML: {args.junit}", highlight=False)
    return 1 if report.failed else 0


def _report_paths(report: str | None, junit: str | None) -> dict[str, Path]:
    """The report files, checked before verifying: a .json and a .xml name, in a writable folder, and never
    over a file that is not a report convspec wrote (an earlier verify report may be replaced)."""
    from convspec.conformance.outputs import check_output_paths

    chosen = {"--report": report, "--junit": junit}
    ours = {option for option, path in chosen.items() if path and _is_verify_report(Path(path))}
    checked = check_output_paths({option: None if option in ours else path for option, path in chosen.items()})
    return {**checked, **{option: Path(chosen[option]).absolute() for option in ours}}


def _is_verify_report(path: Path) -> bool:
    """A JSON report an earlier ``convspec vectors verify`` wrote (by its mark, or its keys before the mark)."""
    from convspec.conformance.vectors.verifier import REPORT_FORMAT

    if path.suffix.lower() != ".json" or not path.is_file() or path.is_symlink():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and (data.get("format") == REPORT_FORMAT
                                       or {"vectors", "results", "summary", "operations"} <= set(data))
