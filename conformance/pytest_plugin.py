"""A pytest plugin: run convspec's conformance check inside a project's own test run.

    pytest --convspec-target mypkg.conv                 # one test per operation the target defines
    pytest --convspec-target mypkg/conv.py --convspec-ops correlate,max_pool --convspec-profile ci

Installed with convspec it is registered as the ``pytest11`` entry point ``convspec``
(without the package installed: ``pytest -p convspec.conformance.pytest_plugin``). Without
``--convspec-target`` it adds nothing. Each operation becomes the test
``convspec[TARGET]::OPERATION``: it fails with the shrunk case, the reason and the
reproduction snippet; an operation none of whose drawn cases the target supports is skipped;
expected divergences (the target's own, and ``--convspec-expected-divergences FILE``) pass,
listed in the output. As in ``convspec check``, each operation runs in a worker process
(:mod:`.isolation`): a target that crashes, exits or hangs (``--convspec-timeout SECONDS`` per
example) fails that test with the case that caused it, and the run goes on; a target whose import never returns
stops pytest with exit status 4 after ``--convspec-load-timeout SECONDS`` (default 300). On Linux, ``pytest``
run as its own command runs the session in a child of the process the shell started (:mod:`.first_process`), so
that what the target's module leaves running (a thread, an exit handler) can neither turn the session's status
green nor hang its exit: the first process exits with the status pytest decided, and ends a child still running
``--convspec-exit-grace SECONDS`` (default 30) after it.

Usage errors (pytest exits 4, before any test runs), as ``convspec check`` exits 2: a target
that does not import or defines none of the operations; an unknown operation; a bad example
count. Without ``--convspec-ops`` the operations the target does not define get no test; one
named in ``--convspec-ops`` that it does not define is skipped.

The settings follow ``convspec check``: ``--convspec-examples``, ``--convspec-seed``,
``--convspec-profile dev|ci|thorough`` (default: the ``CONVSPEC_PROFILE`` environment variable,
else ``ci``: derandomized, so a CI run draws the same cases every time), ``--convspec-device``.
"""

from __future__ import annotations

import contextlib
import os
import sys

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
    group.addoption("--convspec-timeout", type=float, metavar="SECONDS", help="the longest one example may run before "
                    "its worker is killed and the test fails as timed out (default: convspec check's)")
    group.addoption("--convspec-load-timeout", type=float, metavar="SECONDS", help="the longest the target may take "
                    "to load (its module's import) before pytest stops with exit status 4 (default: convspec "
                    "check's)")
    group.addoption("--convspec-exit-grace", type=float, metavar="SECONDS", default=EXIT_GRACE,
                    help="the longest pytest's process may run on after its result is decided (the interpreter's "
                    "exit waits for every thread the target started) before it is ended (default: %(default)s)")


#: seconds pytest's process may run on after the session's result is decided (its exit: threads, exit handlers)
EXIT_GRACE = 30.0
#: where this process tells pytest's exit status (:class:`.first_process.Verdicts`), or None
_telling = None
#: the session whose exit status is told
_session = None


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """With ``--convspec-target``, run the rest of pytest in a child of this process (:mod:`.first_process`): code
    the target's module leaves running (a thread, an exit handler) may end the process with status 0 after a
    failed check, or before any result; the first process, which never loads the target, exits with the status
    pytest decided, or says what ended its child."""
    global _telling
    spec = config.getoption("convspec_target")
    if not spec or _telling is not None or not _owns_the_process(config):
        return
    from .first_process import can_supervise, supervise

    grace = config.getoption("convspec_exit_grace")
    if not grace > 0:
        raise pytest.UsageError(f"--convspec-exit-grace must be a positive number of seconds, got {grace:g}")
    if not can_supervise():
        return
    capture = config.pluginmanager.getplugin("capturemanager")
    # the first process's messages go to the terminal, not to a capture of pytest's (none runs here, as a rule)
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        _telling = supervise(f"pytest --convspec-target {spec}", grace=grace)


def _owns_the_process(config) -> bool:
    """Whether pytest runs as its own command (``pytest``, ``python -m pytest``) with this configuration, in a
    process with no other thread: not ``pytest.main()`` called from someone's program (or an in-process
    ``pytester`` run), whose process is the caller's; not an xdist worker, whose controller already reports a
    worker that ended; not a process whose threads a fork would leave behind."""
    program = sys.argv[0] if sys.argv else ""
    started_as_pytest = (os.path.basename(program) in ("pytest", "py.test")
                         or program.endswith(os.path.join("pytest", "__main__.py")))
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        threads = 0  # no /proc: not Linux, where no first process runs
    return (started_as_pytest and tuple(config.invocation_params.args) == tuple(sys.argv[1:])
            and not hasattr(config, "workerinput") and threads == 1)


def pytest_sessionstart(session):
    global _session
    _session = session


#: the umask from before the target loaded (:func:`pytest_collection_modifyitems`), given back at the session's end
_umask_before_load: int | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    """Give back the umask from before the target loaded, before the files of the session's end are written (the
    JUnit XML, the cache): a module that set ``os.umask(0o777)`` made ``--junitxml`` a file of mode 000. The
    target's own code, in the workers, ran with the umask it chose."""
    global _umask_before_load
    if _umask_before_load is not None:
        os.umask(_umask_before_load)
        _umask_before_load = None


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Tell the first process pytest's exit status, now decided (:func:`pytest_configure`)."""
    global _telling
    if _telling is not None and _session is not None:
        from .first_process import tell

        tell(_telling, int(_session.exitstatus))
        _telling = None


class ConvspecFailure(AssertionError):
    """An operation on which the target disagrees with the specification."""


class ConvspecItem(pytest.Item):
    def __init__(self, *, operation, target, settings, divergences, source, **kwargs):
        super().__init__(**kwargs)
        self.operation, self.target, self.settings, self.divergences = operation, target, settings, divergences
        self.source = source  # (target, device): how a worker loads the target again
        self.result = None

    def runtest(self):
        from .isolation import DEFAULT_TIMEOUT, run_isolated

        examples, seed, derandomize = self.settings
        timeout = self.config.getoption("convspec_timeout") or DEFAULT_TIMEOUT
        report = run_isolated(self.target, [self.operation], examples=examples, random_seed=seed,
                              derandomize=derandomize, divergences=self.divergences, known_divergences=True,
                              jobs=1, timeout=timeout, source=self.source)
        if report.interrupted:
            raise KeyboardInterrupt
        (self.result,) = report.results
        result = self.result
        if result.status == "not provided":
            pytest.skip(f"{self.target.name} does not define {self.operation.name}"
                        + (f" ({result.detail})" if result.detail else ""))
        if result.status == "unsupported":
            pytest.skip(f"{self.target.name} supports none of the drawn {self.operation.name} cases: "
                        + "; ".join(result.unsupported_reasons))
        summary = (f"{result.examples} examples, {result.exact_examples} bit-exact, {result.unsupported} unsupported, "
                   f"{result.expected_count} expected divergence(s)")
        for expected in result.expected[:1]:
            summary += f"\nexpected divergence: {expected.entry.reason}\n  e.g. {expected.case.describe()}"
        self.add_report_section("call", "convspec", summary)
        if result.failed or result.status == "internal error":
            raise ConvspecFailure(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ConvspecFailure):
            from .report import reproduction_snippet

            result = self.result
            failure = result.failure
            if failure is None:  # a crash before the first case, or convspec's own error
                return f"convspec: {self.target.name} {result.status} on {result.op}\n{result.detail}"
            verb = {"failed": "disagrees with the specification on"}.get(result.status, f"{result.status} on")
            how = (f"(first failure at example {result.first_failure_example}, then shrunk)"
                   if result.first_failure_example else f"(at example {result.examples})")
            text = (f"convspec: {self.target.name} {verb} {result.op}\n"
                    f"{failure.case.describe()}\n{failure.reason}\n{how}\n")
            if "\n" in result.detail:
                text += result.detail.partition("\n")[2] + "\n"
            if result.status != "error":
                text += f"\nReproduce:\n{reproduction_snippet(result, self.target)}"
            return text
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"convspec check {self.target.name}: {self.operation.name}"


class ConvspecCollector(pytest.Collector):
    def __init__(self, *, target, operations, settings, divergences, source, **kwargs):
        super().__init__(**kwargs)
        self.target, self.operations, self.settings, self.divergences = target, operations, settings, divergences
        self.source = source

    def collect(self):
        for operation in self.operations:
            yield ConvspecItem.from_parent(self, name=operation.name, operation=operation, target=self.target,
                                           settings=self.settings, divergences=self.divergences, source=self.source)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    spec = config.getoption("convspec_target")
    if not spec:
        return
    from . import command_state
    from .catalog import named
    from .cli import resolve_settings
    from .divergences import load
    from .targets import is_path, load_target

    global _umask_before_load
    # where a fork server's workers load the target from, made absolute before its module may change the folder
    source = (os.path.abspath(spec) if is_path(spec) else spec, config.getoption("convspec_device"))
    watchdog = _load_watchdog(spec, config.getoption("convspec_load_timeout"))
    _umask_before_load = command_state.umask()
    try:
        try:
            with _output_kept():
                target = load_target(spec, config.getoption("convspec_device"))
        finally:
            watchdog.cancel()
        ops = config.getoption("convspec_ops")
        operations = named(ops, "--convspec-ops")
        profile = config.getoption("convspec_profile") or os.environ.get("CONVSPEC_PROFILE") or "ci"
        settings = resolve_settings(profile, config.getoption("convspec_examples"), config.getoption("convspec_seed"))
        path = config.getoption("convspec_expected_divergences")
        divergences = load(path) if path else []  # the target's own are added by the worker
        lacking = [op.name for op in operations if not target.provides(op.name)]
        if len(lacking) == len(operations):
            raise ValueError(f"the target defines none of {', '.join(lacking)}")
        if ops is None:  # all of the catalog: only what the target defines gets a test
            operations = [op for op in operations if target.provides(op.name)]
    except ValueError as error:
        raise pytest.UsageError(f"--convspec-target {spec}: {error}") from None
    collector = ConvspecCollector.from_parent(session, name=f"convspec[{spec}]", target=target,
                                              operations=operations, settings=settings, divergences=divergences,
                                              source=source)
    items.extend(collector.collect())


@contextlib.contextmanager
def _output_kept():
    """Keep pytest's output through the target's load: a module that closed ``sys.stdout`` when imported closed
    the stream pytest's terminal writes to (an internal error, exit 3, the session's report lost), and one that
    pointed descriptor 1 or 2 at ``os.devnull`` silenced pytest's report. While the module loads, ``sys.stdout``
    and ``sys.stderr`` are stand-ins whose ``close`` closes nothing; afterwards a descriptor the load redirected
    or closed is given back what it was (the target's code that runs later runs in the workers, whose output
    goes to files of their own), and a stand-in the target left in place is replaced by pytest's stream. A
    stream the target put in their place (``sys.stdout = open(os.devnull, "w")``) is left: pytest keeps its own."""
    streams = sys.stdout, sys.stderr
    descriptors = {}
    for number in (1, 2):
        with contextlib.suppress(OSError):
            descriptors[number] = os.dup(number), os.fstat(number)
    sys.stdout, sys.stderr = _Unclosable(streams[0]), _Unclosable(streams[1])
    try:
        yield
    finally:
        if isinstance(sys.stdout, _Unclosable):
            sys.stdout = streams[0]
        if isinstance(sys.stderr, _Unclosable):
            sys.stderr = streams[1]
        for number, (copy, before) in descriptors.items():
            try:
                now = os.fstat(number)
                moved = (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino)
            except OSError:  # closed
                moved = True
            with contextlib.suppress(OSError):
                if moved:
                    os.dup2(copy, number)
                os.close(copy)


class _Unclosable:
    """A stand-in for a stream that delegates everything to it but ``close`` (see :func:`_output_kept`)."""

    def __init__(self, stream):
        self._stream, self._closed = stream, False

    def close(self) -> None:
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed or self._stream.closed

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _load_watchdog(spec: str, seconds: float | None):
    """A timer that ends pytest with exit status 4 (a usage error, before any test ran) if the target has not
    loaded within ``seconds`` (default: ``convspec check``'s ``--load-timeout``): a module whose import waits
    for what never comes hung the whole session during collection, where no per-test timeout reaches. The
    process is ended outright (``os._exit``, after flushing): the main thread is stuck in the target's import."""
    import threading

    from .cli import DEFAULT_LOAD_TIMEOUT
    from .first_process import tell

    seconds = DEFAULT_LOAD_TIMEOUT if seconds is None else seconds
    if not seconds > 0:
        raise pytest.UsageError(f"--convspec-load-timeout must be a positive number of seconds, got {seconds:g}")

    def stop() -> None:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed or captured stream: the message below is what matters
                pass
        os.write(2, (f"ERROR: --convspec-target {spec}: the target did not finish loading (importing its module) "
                     f"within {seconds:g} s (--convspec-load-timeout SECONDS allows longer)\n").encode())
        tell(_telling, 4)
        os._exit(4)  # pytest's usage error: no test ran

    watchdog = threading.Timer(min(seconds, threading.TIMEOUT_MAX), stop)
    watchdog.daemon = True
    watchdog.start()
    return watchdog
