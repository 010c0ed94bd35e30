# Confidente — set-up, run, test and benchmark from a fresh clone.
#   make run          create .venv, install, assemble the starter model, open the app
#   make test         same set-up, then ruff, mypy, the import contracts and the whole test suite
#   make bench        engine, document and model benchmarks (figures printed, nothing asserted)
#   make screenshots  the main states, light and dark, English and Spanish, in docs/screenshots/
#   make run CUDA=1   build llama.cpp with CUDA (-DGGML_CUDA=on)
#   make package      the frozen app (dist/confidente/) and its .deb, for any x86-64-v3 PC
#   make package-test install the .deb into a scratch root and smoke-test it (offline, Xvfb)
#   make test-deps    strace, Xvfb and Qt's X libraries for the tests (apt-get; make test runs it)

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

.PHONY: run test lint typecheck imports pytest bench setup model clean translations screenshots \
	package package-deps package-test test-deps

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
	$(VENV)/bin/ruff check app tests bench scripts packaging
	$(VENV)/bin/ruff format --check app tests bench scripts packaging

typecheck: setup
	$(VENV)/bin/mypy

# The layer contracts in pyproject.toml ([tool.importlinter]).
imports: setup
	$(VENV)/bin/lint-imports --no-logo

pytest: setup model test-deps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# What tests/test_strace_offline.py needs: strace, and Xvfb with the system libraries
# Qt's xcb platform loads (the packages named in app/gui/xcb_check.py; a test checks it).
TEST_DEPS := strace, xvfb, xauth, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, \
	libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0, libxcb-shape0, \
	libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1, libxkbcommon0, \
	libxkbcommon-x11-0, libx11-6, libx11-xcb1, libegl1, libgl1, libfontconfig1
test-deps:
	@deps="$(TEST_DEPS)"; \
	if ! command -v strace >/dev/null || ! command -v Xvfb >/dev/null || ! command -v xauth >/dev/null \
	  || ! dpkg-checkbuilddeps -d "$$deps" /dev/null >/dev/null 2>&1; then \
	  echo ">>> Installing strace, Xvfb and the X libraries the tests need"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get satisfy -y -qq --no-install-recommends "$$deps"; \
	fi

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
	$(PY) -m bench.tasks
	$(PY) -m bench.answers
	$(PY) -m bench.encryption
	$(PY) -m bench.startup

# The installed app. It gets its own environment: a plain (not editable) install of the
# project, and llama.cpp compiled for any x86-64 PC with AVX2 (2013 on) rather than for
# this machine's CPU, so the package runs on the user's laptop, not only here. The first
# build compiles llama.cpp again (about 7 minutes on 2 cores) and freezes about 2 GB.
PKG_VENV := build/package-venv
PKG_PY := $(PKG_VENV)/bin/python
PKG_STAMP := $(PKG_VENV)/.installed
# xz makes the .deb a tenth smaller and takes three times longer (for releases).
DEB_COMPRESSION ?= zstd
PKG_LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
PKG_WHEEL_CACHE := $(HOME)/.cache/confidente/wheels/llama-cpp-python-$(LLAMA_CPP_VERSION)-portable-$(ARCH)
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
DEB := dist/confidente_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(PKG_STAMP): pyproject.toml constraints.txt Makefile
	@test -x $(PKG_PY) || $(PYTHON) -m venv $(PKG_VENV)
	@$(PKG_PY) -m pip install --quiet --upgrade pip
	@if ! ls $(PKG_WHEEL_CACHE)/*.whl >/dev/null 2>&1; then \
	  echo ">>> Building llama.cpp for the package (portable x86-64-v3). The first build takes several minutes."; \
	  CMAKE_ARGS="$(PKG_LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc 2>/dev/null || echo 2) \
	    $(PKG_PY) -m pip wheel --no-cache-dir --no-deps --wheel-dir $(PKG_WHEEL_CACHE) llama-cpp-python==$(LLAMA_CPP_VERSION) \
	    || { rm -rf $(PKG_WHEEL_CACHE); exit 1; }; \
	fi
	@echo ">>> Installing the package's environment"
	@$(PKG_PY) -m pip install --quiet --force-reinstall --no-deps $(PKG_WHEEL_CACHE)/*.whl
	@$(PKG_PY) -m pip install --quiet -c constraints.txt -e '.[package]'
	@touch $@

package: $(PKG_STAMP)
	@echo ">>> Freezing the app into dist/confidente/ (PyInstaller)"
	@rm -rf dist/confidente build/pyinstaller
	cd $(CURDIR) && $(PKG_VENV)/bin/pyinstaller --noconfirm --log-level WARN \
	  --workpath build/pyinstaller --distpath dist installer.spec
	$(PKG_PY) packaging/linux/build_deb.py --dist dist/confidente --out dist --compression $(DEB_COMPRESSION)
	@du -sh dist/confidente $(DEB)

# What the smoke test needs on this machine: Xvfb, xwininfo, and the package's own Depends.
package-deps:
	@test -f $(DEB) || { echo "no $(DEB): run make package"; exit 1; }
	@deps="$$(dpkg-deb -f $(DEB) Depends), xvfb, x11-utils"; \
	if ! dpkg-checkbuilddeps -d "$$deps" /dev/null >/dev/null 2>&1; then \
	  echo ">>> Installing the package's dependencies and Xvfb"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get satisfy -y -qq --no-install-recommends "$$deps"; \
	fi

package-test: setup package package-deps
	CONFIDENTE_DEB=$(DEB) $(PY) -m pytest tests/package -v

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .import_linter_cache build dist
