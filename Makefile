# The two commands (see README):
#   make report   - set up .venv if needed, run the whole assessment on the demo data (HTML + PDF in reports/)
#   make test     - set up .venv if needed, run the test suite (quick default, under 5 minutes: every unit
#                   test, the bad-input corpora and one whole hostile-input run of every notebook)
#   make test-all - the quick suite plus the long end-to-end runs (`slow`: whole demo runs, batches,
#                   kill tests, real-data reports); CI runs both
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: report test test-slow test-all setup clean

report: $(STAMP)
	$(VENV)/bin/assessment run

test: $(STAMP)
	$(VENV)/bin/python -m pytest -m "not slow"

test-slow: $(STAMP)
	$(VENV)/bin/python -m pytest -m slow

test-all: $(STAMP)
	$(VENV)/bin/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf reports .pytest_cache
