# Thin wrappers around the project's commands. GNU make.
#
#   make lab       set up .venv if needed, then open the course in JupyterLab (token authentication on)
#   make test      set up .venv if needed, then lint, check the import layers and run the whole test suite
#                  (extra pytest options: PYTEST_ARGS=...)
#   make bench     time the core steps (training, evaluation) and each lesson's run on this machine
#                  (only the lessons' run times: make bench BENCH_ARGS=--lessons-only)
#   make execute   re-run every notebook in place, so committed outputs match the code
#   make html      build the static HTML site
#   make weights   retrain and ship the model weights for seeds 0-9

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
JUPYTER := $(VENV)/bin/jupyter
STAMP   := $(VENV)/.installed

NOTEBOOKS     := $(wildcard notebooks/*.ipynb)
CELL_TIMEOUT  := 300
PYTEST_ARGS   ?=
BENCH_ARGS    ?=
# Extra options for `jupyter lab`, e.g. LAB_ARGS=--no-browser. The token stays on whatever you pass here.
LAB_ARGS      ?=

.PHONY: lab test bench execute html weights install results

# The virtual environment. Its pip is the marker: a half-made venv (no pip) is made again.
$(PIP):
	@$(PYTHON3) -m venv $(VENV) || { \
	  echo ""; \
	  echo "ERROR: '$(PYTHON3) -m venv $(VENV)' failed."; \
	  echo "  On Debian/Ubuntu the venv module is a separate package: sudo apt install python3-venv"; \
	  echo "  Then run this command again."; \
	  exit 1; }

# Install the project (editable, with the browser tests' and the linters' extras) only when pyproject.toml is newer
# than the stamp; then the course's JupyterLab settings (jupyter/overrides.json: no news pop-up).
$(STAMP): pyproject.toml jupyter/overrides.json | $(PIP)
	$(PIP) install -e '.[browser,dev]'
	$(PY) -m helpers.tools.lab_settings
	@touch $@

install: $(STAMP)

# JupyterLab refuses to start as root; say why and what to do instead of failing after its log.
lab: $(STAMP)
	@if [ "$$(id -u)" = 0 ] && ! printf '%s' "$(LAB_ARGS)" | grep -q -- --allow-root; then \
	  echo "JupyterLab will not run as root. Run 'make lab' as a normal user, or, inside a container," \
	  "run: make lab LAB_ARGS=--allow-root (the server still asks for its token)."; exit 1; fi
	@$(PY) -m helpers.tools.lab_settings
	$(JUPYTER) lab notebooks/ $(LAB_ARGS)

# The linter and the import layers first (a second each), then every test.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m helpers.tools.bench $(BENCH_ARGS)

execute: $(STAMP)
ifeq ($(strip $(NOTEBOOKS)),)
	@echo "No notebooks in notebooks/ yet: nothing to execute."
else
	$(JUPYTER) nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=$(CELL_TIMEOUT) $(NOTEBOOKS)
endif

# The pages' plotly.js: the 1.5 MB cartesian bundle pinned in package-lock.json (npm ci, no install scripts, only
# when the lock file changed); without npm the build says so and ships plotly's full 4.8 MB bundle.
NPM_BUNDLE = @if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: the pages get plotly's full 4.8 MB bundle (slower); for the 1.5 MB one: sudo apt install npm"; \
	elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --ignore-scripts --no-audit --no-fund; fi

html: $(STAMP)
	$(NPM_BUNDLE)
	$(PY) -m helpers.publishing.site

# Base world, then the role-model worlds of lesson 05 (about 20 s per model on a quiet 2-core laptop).
weights: $(STAMP)
	$(PY) -m helpers.experiments.weights --seeds 0-9
	for rm in steward gamer; do for w in 0.05 0.15; do \
	  $(PY) -m helpers.experiments.weights --seeds 0-9 --role-model $$rm --weight $$w || exit 1; done; done

# Re-run every experiment over seeds 0-9 into data/results/ (each file starts with the command that made it).
results: $(STAMP)
	$(PY) -m helpers.experiments.results

# make handouts  student copies of the lessons, solutions removed: handouts/notebooks/ and handouts/site/
# make slides    one slide deck per lesson in slides/ (opens from disk, no network)
.PHONY: handouts slides
handouts: $(STAMP)
	$(NPM_BUNDLE)
	$(PY) -m helpers.publishing.handouts

slides: $(STAMP)
	$(NPM_BUNDLE)
	$(PY) -m helpers.publishing.slides
