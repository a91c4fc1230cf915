# Two commands set everything up on a fresh machine:
#   make demo   build the graph from examples/, print sample answers, write the HTML view
#   make test   run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out
STORE  := $(OUT)/demo-store

.PHONY: demo test bench clean

$(BIN)/kg: setup.cfg pyproject.toml tests/requirements-ner.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes --ignore-requires-python -r tests/requirements-ner.txt
	touch $(BIN)/kg

demo: $(BIN)/kg
	rm -rf $(STORE)
	$(BIN)/kg build examples --store $(STORE)
	@echo; echo "== Who commands US Central Command?"
	$(BIN)/kg query --name who-commands --param name=CENTCOM --store $(STORE)
	@echo; echo "== The chain of command above Lt. Gen. Pat White"
	$(BIN)/kg query --name chain-of-command --param name="Pat White" --store $(STORE)
	@echo; echo "== US troops per host country"
	$(BIN)/kg query --name troops-by-country --param name="United States" --store $(STORE)
	@echo; echo "== Extraction quality against examples/gold.json"
	$(BIN)/kg eval examples/gold.json --store $(STORE)
	@echo
	$(BIN)/kg view --store $(STORE) -o $(OUT)/kg-view.html

test: $(BIN)/kg
	$(BIN)/python -m pytest

bench: $(BIN)/kg
	$(BIN)/python bench/run.py
	$(BIN)/python bench/warc.py

clean:
	rm -rf $(OUT) kg-store kg-view.html test-artifacts .pytest_cache
