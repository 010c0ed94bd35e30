# Confidente — set-up, run, test and benchmark from a fresh clone.
#   make run          create .venv, install, assemble the starter model, open the app
#   make test         same set-up, then ruff, mypy, the import contracts and the whole test suite
#   make bench        engine, document and model benchmarks (figures printed, nothing asserted)
#   make screenshots  the main states, light and dark, English and Spanish, in docs/screenshots/
#   make run CUDA=1   build llama.cpp with CUDA (-DGGML_CUDA=on)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
CUDA   ?= 0

LLAMA_CPP_VERSION := 0.3.36
ARCH := $(shell uname -m)

# llama.cpp is compiled for this CPU. AMX kernels are left out: they crash
# where the kernel or hypervisor does not grant AMX tile state (seen here),
# and laptops have no AMX. The built wheel is cached per variant, outside the
# clone, because pip's own wheel cache ignores CMAKE_ARGS.
ifeq ($(CUDA),1)
  LLAMA_VARIANT := cuda
  LLAMA_CMAKE_ARGS := -DGGML_CUDA=on
else
  LLAMA_VARIANT := cpu
  LLAMA_CMAKE_ARGS :=
endif
ifeq ($(ARCH),x86_64)
  LLAMA_CFLAGS := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
else
  LLAMA_CFLAGS :=
endif
WHEEL_CACHE := $(HOME)/.cache/confidente/wheels/llama-cpp-python-$(LLAMA_CPP_VERSION)-$(LLAMA_VARIANT)-$(ARCH)
STAMP := $(VENV)/.installed-$(LLAMA_VARIANT)

.PHONY: run test lint typecheck imports pytest bench setup model clean translations screenshots

run: setup model
	$(PY) -m app

test: setup model lint typecheck imports pytest

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip
	@if ! ls $(WHEEL_CACHE)/*.whl >/dev/null 2>&1; then \
	  echo ">>> Building llama.cpp ($(LLAMA_VARIANT)) from source. The first build takes several minutes (about 7 on 2 cores); later set-ups reuse it."; \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CFLAGS="$(LLAMA_CFLAGS)" CXXFLAGS="$(LLAMA_CFLAGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc 2>/dev/null || echo 2) \
	    $(PIP) wheel --no-cache-dir --no-deps --wheel-dir $(WHEEL_CACHE) llama-cpp-python==$(LLAMA_CPP_VERSION) \
	    || { rm -rf $(WHEEL_CACHE); exit 1; }; \
	fi
	@echo ">>> Installing dependencies"
	@$(PIP) install --quiet --force-reinstall --no-deps $(WHEEL_CACHE)/*.whl
	@$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

model: setup
	@$(PY) -m app models starter

lint: setup
	$(VENV)/bin/ruff check app tests bench scripts
	$(VENV)/bin/ruff format --check app tests bench scripts

typecheck: setup
	$(VENV)/bin/mypy

# The layer contracts in pyproject.toml ([tool.importlinter]).
imports: setup
	$(VENV)/bin/lint-imports --no-logo

pytest: setup model
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# The Spanish UI: extract the marked strings from app/gui (translations already in the
# .ts are kept), then compile the .qm the app loads. Both files are committed.
translations: setup
	$(VENV)/bin/pyside6-lupdate $(shell find app/gui -name "*.py") -target-language es -no-obsolete -locations none \
	  -ts app/resources/i18n/confidente_es.ts
	$(VENV)/bin/pyside6-lrelease app/resources/i18n/confidente_es.ts -qm app/resources/i18n/confidente_es.qm

# Screenshots of the main states into docs/screenshots/, under Xvfb when it is installed
# (apt-get install xvfb), else on Qt's offscreen platform: the pictures are the same.
SCREENSHOT_RUN := $(shell command -v xvfb-run >/dev/null 2>&1 && echo "xvfb-run -a env QT_QPA_PLATFORM=xcb")
screenshots: setup model
	$(SCREENSHOT_RUN) $(PY) -m scripts.screenshots --theme light --language en
	$(SCREENSHOT_RUN) $(PY) -m scripts.screenshots --theme dark --language en
	$(SCREENSHOT_RUN) $(PY) -m scripts.screenshots --theme light --language es
	$(SCREENSHOT_RUN) $(PY) -m scripts.screenshots --theme dark --language es

bench: setup model
	$(PY) -m bench.engine
	$(PY) -m bench.documents
	$(PY) -m bench.models
	$(PY) -m bench.realdocs
	$(PY) -m bench.answers

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .import_linter_cache
