# The README's commands. Each target sets up .venv on first use (or when the
# requirements change), then runs its job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: check test bench clean

check: $(STAMP)  ## the main job: check convspec.accelerated against the reference
	$(BIN)/convspec check accelerated

test: $(STAMP)  ## the whole test suite, with the derandomized `ci` hypothesis profile
	CONVSPEC_PROFILE=ci $(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)  ## accelerated vs native torch ratios, measured side by side
	$(BIN)/python benchmarks/bench_conv.py

$(STAMP): pyproject.toml requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
