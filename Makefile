# Two commands for a newcomer: `make run` and `make test`. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run setup test install install-dev translations extract-messages bench bench-exam clean

run: setup
	LMS_DEMO_MODE=$${LMS_DEMO_MODE:-1} $(FLASK) run --host $(HOST) --port $(PORT)

# Create or migrate the database, load the shipped courses, add the demo accounts (again is harmless).
setup: install translations
	$(FLASK) db upgrade
	$(FLASK) content load
	$(FLASK) bank load
	LMS_DEMO_MODE=$${LMS_DEMO_MODE:-1} $(FLASK) demo seed

test: install-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev translations
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/psychometrics.py

# The exam sitting under load on SQLite and PostgreSQL (127.0.0.1:5432, user postgres; database bench_exam is
# created and dropped), served by gunicorn (the prod extra): admission, saves, crash test; about 10 minutes.
bench-exam: install-dev translations
	$(BIN)/python -m pip install --quiet -e '.[dev,prod]'
	$(BIN)/python bench/exam.py $(BENCH_ARGS)
	$(BIN)/python bench/exam.py --profile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel compile --directory translations

extract-messages: install
	$(FLASK) translate update

clean:
	rm -rf $(VENV) instance build .pytest_cache
