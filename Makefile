# `make run` and `make test` build .venv on a fresh machine, and rebuild it only when the dependency files change.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: run test browser lint typecheck bench demo clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==24.3.1
	# The lock pins the whole tree, so pip installs without resolving anything.
	$(PY) -m pip install -q --no-deps -r requirements.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/assist serve

test: $(STAMP) browser
	$(PY) -m pytest -q

# The QA review page is tested in headless Chromium, from Debian's packages.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || \
		echo "chromium could not be installed: the /review browser test will be skipped"

lint: $(STAMP)
	$(VENV)/bin/ruff check assist tests benchmarks
	$(VENV)/bin/ruff format --check assist tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy assist

demo: $(STAMP)
	$(VENV)/bin/assist demo

bench: $(STAMP)
	$(PY) benchmarks/assist_latency.py

clean:
	rm -rf $(VENV) .assist-data
