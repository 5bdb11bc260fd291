# The two commands (see README):
#   make report   - set up .venv if needed, run the whole assessment on the demo data (HTML + PDF in reports/)
#   make test     - set up .venv if needed, run the test suite (quick default, under 5 minutes: every unit
#                   test, the bad-input corpora and one whole hostile-input run of every notebook)
#   make lab      - set up .venv if needed, open JupyterLab here (chapter notebooks in notebooks/; the kernel is
#                   the .venv Python the runner uses, and a notebook finds assessment.yml in the folder above)
#   make test-all - the quick suite plus the long end-to-end runs (`slow`: whole demo runs, batches,
#                   kill tests, real-data reports); CI runs both
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# the tested dependency set (constraints.txt) was resolved on Python 3.11; older Pythons resolve their own
CONSTRAINTS := $(shell $(PYTHON) -c "import sys; print('-c constraints.txt' if sys.version_info >= (3, 11) else '')")

.PHONY: report test test-slow test-all setup lab clean constraints

report: $(STAMP)
	$(VENV)/bin/assessment run

# the quick suite runs on every core (at most 4 workers: pytest-xdist); each worker builds its own session fixtures
test: $(STAMP)
	$(VENV)/bin/python -m pytest -m "not slow" -n auto --maxprocesses=4

test-slow: $(STAMP)
	$(VENV)/bin/python -m pytest -m slow

test-all: $(STAMP)
	$(VENV)/bin/python -m pytest

setup: $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab

$(STAMP): pyproject.toml constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]' $(CONSTRAINTS)
	touch $(STAMP)

# re-resolve the dependency set from pyproject.toml (newest releases) into constraints.txt
constraints:
	rm -rf .venv-constraints && $(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet -e '.[test]'
	{ sed -n '1,4p' constraints.txt; .venv-constraints/bin/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .venv-constraints

clean:
	rm -rf reports .pytest_cache
