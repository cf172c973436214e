# The course in two commands:  make lab   (JupyterLab on chapters/)
#                              make test  (everything CI checks)
# Both create .venv with Python 3.11, install the pinned packages and make sure
# Fashion-MNIST is present.  See README.md.

PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LAB_PORT ?= 8888
NOTEBOOKS := $(sort $(wildcard chapters/[0-9]*.ipynb chapters/A[0-9]*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with chapters/nbval_sanitize.cfg \
         --nbval-cell-timeout=300

export PIP_DISABLE_PIP_VERSION_CHECK := 1
.PHONY: help check lab test test-as-is test-portable unit notebooks portability data install lock wheelhouse lint slides bench \
        tensorboard execute zh zh-text clean
.PHONY: slides-zh fonts-cjk slides-check handouts browser browser-deps platform-check portability-entry-busy emulate-arm64 \
        assignments grade

help:
	@echo "make lab      start JupyterLab on the course (sets everything up first)"
	@echo "make test     unit tests + nbval over every notebook (what CI runs)"
	@echo "make check   lint + the fast unit tests (no browser, notebooks or real data): before a commit"
	@echo "make unit     only the unit tests in tests/ (no browser);  make notebooks: only nbval"
	@echo "make portability  nbval over chapters/ under other OpenBLAS kernels, thread counts and load"
	@echo "              (NOTEBOOKS=chapters/05_x.ipynb for one chapter)"
	@echo "make data     make sure Fashion-MNIST is present (download or Debian package)"
	@echo "make slides   render each chapter as a reveal.js deck into build/slides/ (Chinese: build/slides/zh/)"
	@echo "make tensorboard  TensorBoard on 127.0.0.1:6006 over runs/ (chapter 11's command-line runs)"
	@echo "make slides-check  build the decks and check in Chromium, offline, that every slide fits"
	@echo "              1280x720 and 1400x900 and reads from a seat (NOTEBOOKS=chapters/05_x.ipynb)"
	@echo "make handouts student copies of the chapters without solutions, in build/handouts/"
	@echo "make assignments  nbgrader assignments of the chapters' exercises in build/course/"
	@echo "              (source, student release, hidden tests); make grade: autograde -> grades.csv"
	@echo "make browser  only the browser tests (JupyterLab and decks in headless Chromium)"
	@echo "make browser-deps  install Debian's chromium and a Chinese font for the browser tests (as root)"
	@echo "make bench    measure the course's speed against the standard Gluon pipeline"
	@echo "make emulate-arm64  the course on Linux arm64 under qemu-aarch64, compared with x86_64 (authors)"
	@echo "make wheelhouse  download every package into wheelhouse/ for offline installs"
	@echo "make lock     re-resolve requirements.lock after a change to pyproject.toml (authors)"
	@echo "make execute  re-run every notebook top to bottom and save its outputs (authors)"
	@echo "make zh       build and execute the Chinese edition, chapters-zh/, from translations/zh/"
	@echo "make zh-text  the same after a translation-only edit: keeps the executed outputs"
	@echo "make clean    remove .venv, build/ and caches (not the dataset cache)"

# MXNet 1.9.1 has no wheels for native Windows or macOS on Apple silicon, and its x86_64
# wheel dies with SIGILL on a CPU without AVX: say what to do there instead of a pip
# resolver error or a crash (README, "Platforms").  Standard library only, before .venv.
platform-check:
	@if command -v $(PYTHON) >/dev/null 2>&1; then $(PYTHON) d2l_utils/platforms.py; fi

$(PY): | platform-check
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: $(PYTHON) not found. This course needs Python 3.11 exactly"; \
	  echo "(MXNet 1.9.1 needs numpy 1.23.5, which has no wheels for 3.12+). Get it with one of:"; \
	  echo "  conda env create -f environment.yml && conda activate softmax-course && make PYTHON=python"; \
	  echo "  pyenv install 3.11 && pyenv local 3.11"; \
	  echo "  sudo apt-get install python3.11 python3.11-venv   (Debian/Ubuntu with 3.11 packages)"; \
	  echo "or point the Makefile at an interpreter: make PYTHON=/path/to/python3.11 ..."; \
	  exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
	  echo "error: $(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'), not 3.11;"; \
	  echo "  set PYTHON=python3.11 (see README, 'Troubleshooting')."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# With a wheelhouse/ folder (make wheelhouse, on a connected machine) installs need no network.
WHEELHOUSE := wheelhouse
PIP_FROM := $(if $(wildcard $(WHEELHOUSE)/*.whl),--no-index --find-links $(WHEELHOUSE))

# requirements.lock pins every package, dependencies of dependencies included, with the
# hashes of their files: next semester's student installs what CI tested.  The course
# package itself goes in after it, without dependencies (they are all in the lock).
LOCK := requirements.lock
$(STAMP): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet --upgrade $(PIP_FROM) pip
	$(PY) -m pip install --quiet $(PIP_FROM) --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet $(PIP_FROM) --no-deps -e .
	@$(PY) d2l_utils/platforms.py link-arm64
	@touch $@

# Authors: after changing a requirement in pyproject.toml, `make lock` re-resolves the lock
# (uv: one lock for Linux, macOS and arm64 with their platform markers, and file hashes;
# pip-compile resolves for the machine it runs on only).  Then `make install`.
UV_VERSION := 0.13.9
lock: | $(PY)
	$(PY) -m pip install --quiet 'uv==$(UV_VERSION)'
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
	    --generate-hashes --no-emit-package d2l-utils --custom-compile-command 'make lock' \
	    --quiet -o $(LOCK)

wheelhouse: $(STAMP)
	$(PY) -m pip download --quiet -d $(WHEELHOUSE) pip 'setuptools>=77'
	$(PY) -m pip download --quiet -d $(WHEELHOUSE) --require-hashes --no-deps -r $(LOCK)
	@echo "$(WHEELHOUSE)/ holds every package: copy the repository with it to machines of the same"
	@echo "OS, CPU and Python 3.11; there 'make lab' installs from it without a network."

install: $(STAMP)

data: $(STAMP)
	$(PY) -m d2l_utils.data fetch

# JupyterLab on the repository root, opening the first chapter, with the notebooks trusted
# (tools/lab.py says why; tests/test_browser.py starts it the same way on a copy).
# LAB_DIR: the folder to serve.
LAB_DIR ?= .
lab: data
	@$(PY) tools/lab.py --port $(LAB_PORT) --dir $(LAB_DIR)

lint: $(STAMP)
	$(VENV)/bin/ruff check d2l_utils grading tests bench chapters tools

# Before every commit: lint and the unit tests that need no browser, no notebook execution
# and no real-data training (tests marked slow or browser; see README, "Tests and CI").
check: lint d2lzh-reference
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not browser" tests

unit: data
	$(PY) -m pytest -m "not browser" tests

notebooks: data
	$(PY) -m pytest $(NBVAL) chapters

# Outputs must not depend on the machine (chapters/README.md, "Portability"): CI runs nbval a
# second time with another OpenBLAS kernel and more threads than cores, as a student's laptop has.
# The two passes run side by side (2 cores); -O prints each pass's output whole when it ends.
# Measured on this course's 2-core CI machine, idle: side by side 20:29 in all (as-is pass
# 17:57, the 8-thread pass 19:48 beside it), one after the other about 24 min (11 + 13).
# Unlike two 2-thread portability entries (chapters/README.md), this pairing does not stall:
# the as-is pass is mostly single-threaded unit and browser tests.
CI_PORTABILITY := OPENBLAS_CORETYPE=Haswell OMP_NUM_THREADS=8
test: data lint
	@$(MAKE) --no-print-directory -j2 -O test-as-is test-portable

test-as-is:
	$(PY) -m pytest $(NBVAL) tests chapters

test-portable:
	$(CI_PORTABILITY) $(PY) -m pytest -p no:cacheprovider $(NBVAL) $(NOTEBOOKS)

# Every OpenBLAS kernel and every thread count at least once (kernel:threads), then the
# machine's defaults with both cores busy.  A few minutes per entry: for authors, not CI.
# Each entry is its own target: `make -k portability` reports every failing one, and with
# 4+ cores `make -j2 -O -k portability` runs two at a time (not on 2 cores: an entry's
# OpenMP threads then wait for the other entry's core; see chapters/README.md).
PORTABILITY_MATRIX ?= Prescott:1 Nehalem:2 Sandybridge:8 Haswell:1 Zen:2 SkylakeX:8
PORTABILITY_ENTRIES := $(subst :,-,$(PORTABILITY_MATRIX)) busy
portability: $(addprefix portability-entry-,$(PORTABILITY_ENTRIES))
	@echo "portability: every entry of the matrix passed ($(PORTABILITY_MATRIX) busy)"

portability-entry-busy: data
	@echo "== both cores busy with other work"; \
	busy=""; for i in 1 2; do $(PY) -c 'while True: pass' & busy="$$busy $$!"; done; \
	$(PY) -m pytest -q -p no:cacheprovider $(NBVAL) $(NOTEBOOKS); status=$$?; \
	kill $$busy; exit $$status

portability-entry-%: data
	@echo "== OPENBLAS_CORETYPE=$(word 1,$(subst -, ,$*)) OMP_NUM_THREADS=$(word 2,$(subst -, ,$*))"
	@OPENBLAS_CORETYPE=$(word 1,$(subst -, ,$*)) OMP_NUM_THREADS=$(word 2,$(subst -, ,$*)) \
	  $(PY) -m pytest -q -p no:cacheprovider $(NBVAL) $(NOTEBOOKS)

# Consecutive printed lines are stored as one output (a training log is one block, as in
# JupyterLab), not one output per flush.
EXECUTE := $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False \
    '--NotebookExporter.preprocessors=["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]'
execute: data
	$(EXECUTE) $(NOTEBOOKS)
	@$(VENV)/bin/jupyter trust $(NOTEBOOKS) >/dev/null

# The Chinese edition (README, "中文版"): chapters-zh/<chapter>.ipynb is the English
# notebook with its markdown cells from translations/zh/<chapter>.md and a first cell
# that sets the language, executed like `make execute` so the self-checks print Chinese.
# Refuses, naming the chapter and cell, when a translation is missing, stale or drops a
# formula, link or code span (tools/translations.py check).  The built notebooks are
# committed: run this after the English chapters or the translations change.
ZH_DIR := chapters-zh
ZH_NOTEBOOKS = $(patsubst chapters/%,$(ZH_DIR)/%,$(NOTEBOOKS))
zh: data
	$(PY) tools/translations.py build $(NOTEBOOKS)
	$(EXECUTE) $(ZH_NOTEBOOKS)
	@$(VENV)/bin/jupyter trust $(ZH_NOTEBOOKS) >/dev/null

# After an edit of the translations only (no code cell changed): the markdown again, the
# outputs kept from the last `make zh` (the same code produced them).  Seconds, not minutes.
zh-text: $(STAMP)
	$(PY) tools/translations.py build --keep-outputs $(NOTEBOOKS)
	@$(VENV)/bin/jupyter trust $(ZH_NOTEBOOKS) >/dev/null

# Decks work offline when npm is present: reveal.js, MathJax, require.js and jQuery are
# installed next to them. Without npm the decks load them from CDNs (needs a connection).
SLIDES_DIR := build/slides
SLIDES_JS := reveal.js@4.0.2 mathjax@2.7.7 requirejs@2.1.22 jquery@2.2.4
VENDOR := vendor/node_modules
# Wide enough for code lines of about 90 characters (the browser tests check every slide);
# long slides scroll instead of being cut.
SLIDES_OPTS := --SlidesExporter.reveal_width=1200 --SlidesExporter.reveal_scroll=True
REVEAL_OFFLINE := --SlidesExporter.reveal_url_prefix=$(VENDOR)/reveal.js \
    --SlidesExporter.mathjax_url='$(VENDOR)/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe' \
    --SlidesExporter.require_js_url=$(VENDOR)/requirejs/require.js \
    --SlidesExporter.jquery_url=$(VENDOR)/jquery/dist/jquery.min.js
slides: $(STAMP)
	@mkdir -p $(SLIDES_DIR)
	@if [ -f $(SLIDES_DIR)/$(VENDOR)/reveal.js/dist/reveal.js ] || { command -v npm >/dev/null 2>&1 \
	      && npm install --silent --no-audit --no-fund \
	      --prefix $(SLIDES_DIR)/vendor $(SLIDES_JS) >/dev/null 2>&1; }; then \
	    echo "reveal.js, MathJax, require.js and jQuery are in $(SLIDES_DIR)/vendor: the decks work offline"; \
	    $(VENV)/bin/jupyter nbconvert --to slides --output-dir $(SLIDES_DIR) $(SLIDES_OPTS) $(REVEAL_OFFLINE) $(NOTEBOOKS); \
	else \
	    echo "npm not available: the decks load reveal.js, MathJax, require.js and jQuery from CDNs"; \
	    $(VENV)/bin/jupyter nbconvert --to slides --output-dir $(SLIDES_DIR) $(SLIDES_OPTS) $(NOTEBOOKS); \
	fi
	@$(PY) tools/publish.py decks $(SLIDES_DIR)
	@echo "Decks written to $(SLIDES_DIR)/ (open the .slides.html files in a browser)"
	@$(MAKE) --no-print-directory slides-zh

# The Chinese edition's decks, from the committed chapters-zh/ notebooks (`make zh`), in
# build/slides/zh/: the same slides (same cells and slide metadata), the same vendored
# scripts one folder up, links to the other Chinese decks.
ZH_SLIDES_DIR := $(SLIDES_DIR)/zh
slides-zh: $(STAMP)
	@mkdir -p $(ZH_SLIDES_DIR)
	$(VENV)/bin/jupyter nbconvert --to slides --output-dir $(ZH_SLIDES_DIR) $(SLIDES_OPTS) \
	    $(if $(wildcard $(SLIDES_DIR)/$(VENDOR)/reveal.js/dist/reveal.js),$(subst $(VENDOR)/,../$(VENDOR)/,$(REVEAL_OFFLINE))) \
	    $(ZH_NOTEBOOKS)
	@$(PY) tools/publish.py decks $(ZH_SLIDES_DIR)
	@echo "Chinese decks written to $(ZH_SLIDES_DIR)/"

# Chinese text in Chromium (the zh decks and JupyterLab in the browser tests) needs a CJK
# font, or it shows as boxes: Debian's fonts-noto-cjk, installed as root like the dataset
# package (make data); elsewhere, say what to install.
fonts-cjk:
	@if [ -z "$$(fc-list :lang=zh family 2>/dev/null)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing fonts-noto-cjk (Chinese text in the browser)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -qq \
	      && apt-get install -y -qq fonts-noto-cjk >/dev/null; }; \
	  else \
	    echo "warning: no Chinese font: Chinese text shows as boxes in the browser tests;"; \
	    echo "  sudo apt-get install fonts-noto-cjk (Debian/Ubuntu), or any CJK font"; \
	  fi; \
	fi

# Chapter 11: TensorBoard over the run folders that `python -m d2l_utils.run train` writes.
RUNS ?= runs
TB_PORT ?= 6006
tensorboard: $(STAMP)
	@mkdir -p $(RUNS)
	@echo "TensorBoard over $(RUNS)/ at http://127.0.0.1:$(TB_PORT)/  (a run: .venv/bin/python -m d2l_utils.run train --run-dir $(RUNS)/mlp)"
	$(VENV)/bin/tensorboard --logdir $(RUNS) --host 127.0.0.1 --port $(TB_PORT)
# Authors: does every slide fit, and can a room read it?  Builds the decks of NOTEBOOKS and
# checks them in Chromium with the network blocked (tests/browser.py; findings listed in
# tests/slide_findings.json are reported, not failed); screenshots go to build/slide-check/.
slides-check: slides
	$(PY) tests/browser.py $(patsubst chapters/%.ipynb,$(SLIDES_DIR)/%.slides.html,$(NOTEBOOKS)) \
	    $(patsubst chapters/%.ipynb,$(ZH_SLIDES_DIR)/%.slides.html,$(NOTEBOOKS))

# Student copies: solution cells removed, exercise outputs cleared, a note on the solutions.
HANDOUTS_DIR := build/handouts
handouts: $(STAMP)
	$(PY) tools/publish.py handouts $(HANDOUTS_DIR) $(NOTEBOOKS)

# Exercises as nbgrader assignments (README, "For instructors"): instructor source, student
# release and hidden tests in $(COURSE_DIR); `make grade` autogrades what is in
# $(COURSE_DIR)/submitted/ and writes $(COURSE_DIR)/grades.csv.  nbgrader comes with the
# `grade` extra, which requirements.lock includes.
COURSE_DIR ?= build/course
assignments: data
	$(PY) -m grading assignments $(COURSE_DIR) $(NOTEBOOKS)

grade: data
	$(PY) -m grading grade $(COURSE_DIR)

# The browser tests alone (tests/test_browser.py; part of `make test`).
browser: data
	$(PY) -m pytest -m browser tests/test_browser.py

# What the browser tests need, prepared before pytest starts (a test never installs or
# builds; a missing prerequisite skips them naming the target, and fails under CI=true):
# Chromium, here Debian's chromium installed when run as root, like `make data`'s
# dataset package; a Chinese font for the Chinese edition (fonts-cjk); and the decks
# (`make slides`, both editions).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
test browser: browser-deps slides
test unit: d2lzh-reference
slides-check: browser-deps
# The first edition's d2lzh 1.0.0 sdist for tests/test_d2lzh_parity.py, fetched before pytest
# (no test reaches the network); a no-op once it is in the cache.
d2lzh-reference: $(STAMP)
	@$(PY) tools/d2lzh_reference.py

browser-deps: fonts-cjk
	@if [ -x "$(CHROMIUM)" ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium (for the browser tests)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "warning: no Chromium at $(CHROMIUM) or on PATH: the browser tests will skip"; \
	  echo "  (fail under CI=true); sudo apt-get install chromium, or make CHROMIUM=/path/to/it"; \
	fi

bench: data
	$(PY) bench/bench.py

# Authors: the course on Linux arm64 under qemu-aarch64 (tools/platform/emulate-arm64.sh):
# Debian arm64 packages and the aarch64 wheels (network once, kept in build/arm64/), then
# the platform check, the loader and gradient tests, one epoch compared with x86_64 and
# chapter 03 under nbval.  Slow: on 2 cores shared with other work (load 7 to 45) it took
# 103 minutes, 86 of them chapter 03.  Not part of `make test`.
emulate-arm64: $(STAMP)
	$(PY) -m pip install --quiet 'uv==$(UV_VERSION)'
	nice -n 5 tools/platform/emulate-arm64.sh $(CURDIR)/build/arm64 $(abspath $(PY)) \
	    $(abspath $(VENV))/bin/uv

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache *.egg-info bench/results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
