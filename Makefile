# The README's commands. Each target sets up .venv on first use (or when the
# requirements change), then runs its job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCHMARKS := $(sort $(wildcard benchmarks/bench_*.py))
BENCH_ARGS ?=

.PHONY: check test bench docs browser bytecode clean mutants-sweep
# Material for MkDocs prints an end-of-life banner for MkDocs 2 unless told not to
export NO_MKDOCS_2_WARNING := 1

check: $(STAMP) bytecode  ## the main job: check convspec.accelerated against the reference
	$(BIN)/convspec check accelerated

test: $(STAMP) browser  ## the whole test suite, with the derandomized `ci` hypothesis profile
	$(BIN)/mkdocs build --strict --quiet -d build/site
	CONVSPEC_PROFILE=ci $(BIN)/python -m pytest -n 2 -q

docs: $(STAMP)  ## build the documentation site (strict) and serve it on http://127.0.0.1:8000
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory site

# The docs' browser test drives Debian's Chromium. As root (CI) it is installed when missing;
# otherwise install it yourself (apt-get install chromium) or the browser test skips, saying why.
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

bench: $(STAMP) bytecode  ## accelerated vs native torch ratios, measured side by side (BENCH_ARGS=--quick: shorter)
	for script in $(BENCHMARKS); do $(BIN)/python $$script $(BENCH_ARGS) || exit 1; echo; done

# convspec's modules compiled to bytecode, as pip does when it installs a wheel: the editable install
# compiles nothing, and where PYTHONDONTWRITEBYTECODE is set Python never caches what it compiles, so every
# `convspec` command would compile the package again (about 0.1 s of `convspec check`'s start-up).
# compileall rewrites only what changed since; best effort (a folder it cannot write only costs that time).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q conformance spec reference accelerated >/dev/null 2>&1 || true

# Not part of `make test` (which runs the meta-test at seed 0 only): minutes per seed.
mutants-sweep: $(STAMP)  ## the planted-bug meta-test (tests/mutants/) at seeds 0-5: kill rate, examples to detection, survivors
	$(BIN)/python tests/mutant_sweep.py --seeds 0 1 2 3 4 5

$(STAMP): pyproject.toml requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# tinygrad's CPU device compiles with clang: as root (CI) Debian's is installed when missing; otherwise
	@# install it yourself (apt-get install clang) or `convspec check tinygrad` and its tests say why not
	@command -v clang >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >/dev/null)
	touch $(STAMP)

clean:
	rm -rf $(VENV) build site reports *.egg-info .pytest_cache .hypothesis
	find conformance spec reference accelerated -name __pycache__ -type d -prune -exec rm -rf {} +
