# Riskmon — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make run` needs the program only; tests, lint, the PostgreSQL driver and PyInstaller come on top.
DEV_STAMP := $(VENV)/.installed-dev
DEV_EXTRAS := dev,postgres,dist
# the frozen build's own venv (runtime, postgres, PyInstaller; pinned by constraints.txt)
DIST_VENV  := .venv-dist
DIST_STAMP := $(DIST_VENV)/.installed
# the suite on every core, a test file's tests together on one (module fixtures are built once)
PYTEST_ARGS ?= -n auto --dist loadfile

# Debian libraries that Qt (offscreen and on screen) and the document tests need; the Secret
# Service test needs a D-Bus session bus, GNOME Keyring and Debian's keyrings.alt (to be refused).
SYSTEM_LIBS := /usr/lib/x86_64-linux-gnu/libEGL.so.1:libegl1 \
               /usr/lib/x86_64-linux-gnu/libGL.so.1:libgl1 \
               /usr/lib/x86_64-linux-gnu/libxkbcommon.so.0:libxkbcommon0 \
               /usr/lib/x86_64-linux-gnu/libfontconfig.so.1:libfontconfig1 \
               /usr/lib/x86_64-linux-gnu/libdbus-1.so.3:libdbus-1-3 \
               /usr/lib/x86_64-linux-gnu/libglib-2.0.so.0:libglib2.0-0 \
               /usr/lib/x86_64-linux-gnu/libxkbcommon-x11.so.0:libxkbcommon-x11-0 \
               /usr/lib/x86_64-linux-gnu/libxcb-cursor.so.0:libxcb-cursor0 \
               /usr/bin/pdftotext:poppler-utils \
               /usr/bin/zbarimg:zbar-tools \
               /usr/bin/makensis:nsis \
               /usr/bin/dbus-run-session:dbus \
               /usr/bin/gnome-keyring-daemon:gnome-keyring \
               /usr/lib/python3/dist-packages/keyrings/alt:python3-keyrings.alt

.PHONY: run test lint bench dist deb constraints sysdeps venv dev-venv translations clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(STAMP)

dev-venv: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[$(DEV_EXTRAS)]'
	touch $(DEV_STAMP)

# Installs the missing Debian libraries when running as root; otherwise says what is missing.
sysdeps:
	@missing=""; for pair in $(SYSTEM_LIBS); do f=$${pair%%:*}; p=$${pair##*:}; \
	  [ -e "$$f" ] || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "warning: missing Debian packages:$$missing (install them with apt-get)"; fi; \
	fi

run: venv
	$(BIN)/riskmon db upgrade
	$(BIN)/riskmon gui

lint: dev-venv
	$(BIN)/ruff check app tests db

test: sysdeps dev-venv lint
	@pg_url=$$(scripts/test-postgres.sh); \
	echo "PostgreSQL for tests: $${pg_url:-none (its tests skip)}"; \
	QT_QPA_PLATFORM=offscreen RISKMON_TEST_PG_URL="$$pg_url" \
	  $(BIN)/python -m pytest -q $(PYTEST_ARGS) && \
	echo "date-sensitive tests again on a machine clock in UTC:" && \
	TZ=UTC QT_QPA_PLATFORM=offscreen RISKMON_TEST_PG_URL="$$pg_url" \
	  $(BIN)/python -m pytest -q $(PYTEST_ARGS) -m lab_time

# Every benchmark runs (a miss does not stop the others); one table at the end; exit 1 on any miss.
bench: dev-venv
	@table=$$(mktemp); status=0; \
	for f in tests/bench/bench_*.py; do echo "== $$f"; start=$$(date +%s); \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python $$f; rc=$$?; \
	  if [ $$rc -eq 0 ]; then result="goals met"; else result="MISSED (exit $$rc)"; status=1; fi; \
	  printf '%-44s %-20s %6s s\n' "$$f" "$$result" "$$(( $$(date +%s) - start ))" >> $$table; \
	done; \
	echo; echo "== benchmark summary (load average now: $$(cut -d' ' -f1-3 /proc/loadavg))"; \
	printf '%-44s %-20s %8s\n' benchmark result time; cat $$table; rm -f $$table; exit $$status

# make dist freezes from a venv of its own: the program, the PostgreSQL driver and PyInstaller at the
# versions of constraints.txt, none of the test tools. Then the folder's size package by package;
# over 200 MB fails (the target of an installed workstation).
$(DIST_STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	rm -rf $(DIST_VENV) && $(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install -q --upgrade pip
	$(DIST_VENV)/bin/python -m pip install -q -c constraints.txt -e '.[postgres,dist]'
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(DIST_VENV)/bin/pyinstaller --noconfirm --clean build.spec
	$(DIST_VENV)/bin/python scripts/bundle_report.py dist/riskmon --max-mb 200

# constraints.txt resolved afresh from pyproject.toml (review its diff, then make dist)
constraints:
	rm -rf .venv-constraints && $(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install -q --upgrade pip
	.venv-constraints/bin/python -m pip install -q -e '.[postgres,dist]'
	{ echo "# What make dist bundles: make constraints regenerates it from pyproject.toml's"; \
	  echo "# runtime dependencies with the postgres and dist extras."; \
	  .venv-constraints/bin/python -m pip freeze --exclude riskmon --exclude-editable; } > constraints.txt
	rm -rf .venv-constraints

# Debian/UOS/Kylin package of the PyInstaller folder: dist/riskmon_VERSION_ARCH.deb
deb: dist
	scripts/build-deb.sh dist/riskmon dist

translations: venv
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf build dist .pytest_cache .ruff_cache
