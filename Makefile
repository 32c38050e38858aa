# Every target creates .venv with python3 when missing, so one command is enough on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Running needs the app and its dependencies only; tests, linters and benches add the test extra.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshot wheel package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The first `make run` downloads Qt (about 100 MB): pip shows its progress, not --quiet.
$(RUN_STAMP): $(BIN)/python pyproject.toml
	@echo "Installing API Explorer into $(VENV) (the first time downloads Qt, about 100 MB)…"
	$(BIN)/python -m pip install --progress-bar on --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/api-explorer

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# Issue 10's table puts Posting beside the app when POSTING names a Python that has it:
#   python3 -m venv /tmp/posting && /tmp/posting/bin/pip install posting==2.11.1 tree-sitter==0.25.2
#   make bench POSTING=/tmp/posting/bin/python
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/large_response.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/window_large_response.py
	$(BIN)/python bench/runner_vs_httpx.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/window_click_to_status.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/typing_big_body.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/hostile_window.py
	$(BIN)/python bench/import_openapi.py
	$(BIN)/python bench/json_diff.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/diff_window.py
	$(BIN)/python bench/issue10.py $(if $(POSTING),--posting-python $(POSTING))

# setuptools builds in the checkout and copies whatever build/ still holds (modules deleted
# since) into the wheel: build/ goes first. No build isolation: the venv has setuptools.
wheel: $(STAMP)
	rm -rf build
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation -w dist .

# The one-folder app, dist/api-explorer/ (PyInstaller's work files go to build/pyinstaller/),
# then its smoke test: the built program starts headless, its window sends one request to the
# demo API, and it must exit 0 (--self-test: app/self_test.py).
PACKAGE_STAMP := $(VENV)/.installed-package

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	rm -rf dist/api-explorer
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/api-explorer.spec
	QT_QPA_PLATFORM=offscreen dist/api-explorer/api-explorer --self-test

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

screenshot: $(STAMP)
	xvfb-run -a $(BIN)/python scripts/screenshot.py
