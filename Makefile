# Two commands set everything up on a fresh machine:
#   make demo   install kg in .venv, build ./kg-store from examples/, print sample answers, write the
#               HTML view and the troop chart to out/
#   make test   ruff, mypy --strict and the whole test suite
# After either, `. .venv/bin/activate` puts `kg` on PATH.
PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
OUT      ?= out
KG_STORE ?= kg-store
STORE    := $(KG_STORE)

.PHONY: demo test bench clean

$(BIN)/kg: setup.cfg pyproject.toml tests/requirements-ner.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes --ignore-requires-python -r tests/requirements-ner.txt
	touch $(BIN)/kg

demo: $(BIN)/kg
	mkdir -p $(OUT)
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
	$(BIN)/kg chart troops --store $(STORE) -o $(OUT)/troops.svg
	@echo; echo "kg is installed in $(VENV): run  . $(VENV)/bin/activate  and then  kg --help"

test: $(BIN)/kg
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(BIN)/kg
	$(BIN)/python bench/run.py
	$(BIN)/python bench/warc.py

clean:
	rm -rf $(OUT) kg-view.html test-artifacts .pytest_cache .mypy_cache .ruff_cache
