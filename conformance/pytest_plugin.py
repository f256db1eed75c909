"""A pytest plugin: run convspec's conformance check inside a project's own test run.

    pytest --convspec-target mypkg.conv                 # one test per operation the target defines
    pytest --convspec-target mypkg/conv.py --convspec-ops correlate,max_pool --convspec-profile ci

Installed with convspec it is registered as the ``pytest11`` entry point ``convspec``
(without the package installed: ``pytest -p convspec.conformance.pytest_plugin``). Without
``--convspec-target`` it adds nothing. Each operation becomes the test
``convspec[TARGET]::OPERATION``: it fails with the shrunk case, the reason and the
reproduction snippet; an operation the target does not define, or none of whose drawn
cases it supports, is skipped; expected divergences (the target's own, and
``--convspec-expected-divergences FILE``) pass, listed in the output.

The settings follow ``convspec check``: ``--convspec-examples``, ``--convspec-seed``,
``--convspec-profile dev|ci|thorough`` (default: the ``CONVSPEC_PROFILE`` environment variable,
else ``ci``: derandomized, so a CI run draws the same cases every time), ``--convspec-device``.
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("convspec", "convspec conformance check")
    group.addoption("--convspec-target", metavar="TARGET", help="check TARGET (a module, a .py file, 'accelerated', "
                    "'torch', 'scipy', ...) against convspec's reference: one test per operation")
    group.addoption("--convspec-ops", metavar="A,B", help="only these operations")
    group.addoption("--convspec-examples", type=int, metavar="N", help="hypothesis examples per operation")
    group.addoption("--convspec-seed", type=int, metavar="S", help="random seed (not derandomized)")
    group.addoption("--convspec-profile", choices=("dev", "ci", "thorough"),
                    help="example count and derandomization (default: $CONVSPEC_PROFILE, else ci)")
    group.addoption("--convspec-device", choices=("cpu", "cuda"), help="for accelerated, torch and jax")
    group.addoption("--convspec-expected-divergences", metavar="FILE", help="a YAML/JSON/TOML expected-divergences file")


class ConvspecFailure(AssertionError):
    """An operation on which the target disagrees with the specification."""


class ConvspecItem(pytest.Item):
    def __init__(self, *, operation, target, settings, divergences, **kwargs):
        super().__init__(**kwargs)
        self.operation, self.target, self.settings, self.divergences = operation, target, settings, divergences
        self.result = None

    def runtest(self):
        from .runner import run_operation

        examples, seed, derandomize = self.settings
        self.result = result = run_operation(
            self.operation, self.target, examples=examples, random_seed=seed, derandomize=derandomize,
            divergences=self.divergences,
        )
        if result.status == "not provided":
            pytest.skip(f"{self.target.name} does not define {self.operation.name}")
        if result.status == "unsupported":
            pytest.skip(f"{self.target.name} supports none of the drawn {self.operation.name} cases: "
                        + "; ".join(result.unsupported_reasons))
        summary = (f"{result.examples} examples, {result.exact_examples} bit-exact, {result.unsupported} unsupported, "
                   f"{result.expected_count} expected divergence(s)")
        for expected in result.expected[:1]:
            summary += f"\nexpected divergence: {expected.entry.reason}\n  e.g. {expected.case.describe()}"
        self.add_report_section("call", "convspec", summary)
        if result.failed:
            raise ConvspecFailure(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ConvspecFailure):
            from .report import reproduction_snippet

            result = self.result
            failure = result.failure
            return (
                f"convspec: {self.target.name} disagrees with the specification on {result.op}\n"
                f"{failure.case.describe()}\n{failure.reason}\n"
                f"(first failure at example {result.first_failure_example}, then shrunk)\n\n"
                f"Reproduce:\n{reproduction_snippet(result, self.target)}"
            )
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"convspec check {self.target.name}: {self.operation.name}"


class ConvspecCollector(pytest.Collector):
    def __init__(self, *, target, operations, settings, divergences, **kwargs):
        super().__init__(**kwargs)
        self.target, self.operations, self.settings, self.divergences = target, operations, settings, divergences

    def collect(self):
        for operation in self.operations:
            yield ConvspecItem.from_parent(self, name=operation.name, operation=operation, target=self.target,
                                           settings=self.settings, divergences=self.divergences)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    spec = config.getoption("convspec_target")
    if not spec:
        return
    from .catalog import CATALOG, get
    from .cli import resolve_settings
    from .divergences import load
    from .targets import load_target

    try:
        target = load_target(spec, config.getoption("convspec_device"))
        ops = config.getoption("convspec_ops")
        operations = [get(name.strip()) for name in ops.split(",")] if ops else list(CATALOG)
        profile = config.getoption("convspec_profile") or os.environ.get("CONVSPEC_PROFILE") or "ci"
        settings = resolve_settings(profile, config.getoption("convspec_examples"), config.getoption("convspec_seed"))
        path = config.getoption("convspec_expected_divergences")
        divergences = (load(path) if path else []) + list(target.known_divergences)
    except ValueError as error:
        raise pytest.UsageError(f"--convspec-target {spec}: {error}") from None
    collector = ConvspecCollector.from_parent(session, name=f"convspec[{spec}]", target=target,
                                              operations=operations, settings=settings, divergences=divergences)
    items.extend(collector.collect())
