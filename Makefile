# Riskmon — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make run` needs the program only; tests, lint, the PostgreSQL driver and PyInstaller come on top.
DEV_STAMP := $(VENV)/.installed-dev
DEV_EXTRAS := dev,postgres,dist
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

.PHONY: run test lint bench dist deb sysdeps venv dev-venv translations clean

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

# the folder's size package by package; over 200 MB fails (the target of an installed workstation)
dist: dev-venv
	$(BIN)/pyinstaller --noconfirm --clean build.spec
	$(BIN)/python scripts/bundle_report.py dist/riskmon --max-mb 200

# Debian/UOS/Kylin package of the PyInstaller folder: dist/riskmon_VERSION_ARCH.deb
deb: dist
	scripts/build-deb.sh dist/riskmon dist

translations: venv
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf build dist .pytest_cache .ruff_cache
