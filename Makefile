# The two commands (see README):
#   make report   - set up .venv if needed, run the whole assessment on the demo data (HTML + PDF in reports/)
#   make test     - set up .venv if needed, run the test suite
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: report test setup clean

report: $(STAMP)
	$(VENV)/bin/assessment run

test: $(STAMP)
	$(VENV)/bin/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf reports .pytest_cache
