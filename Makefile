# School finder. `make site` sets everything up and builds the demo city into output/; `make test` tests it.
CITY ?= data/demo
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PROCESSED := data/processed
export PYTHONPATH := plugins
export SCHOOLFINDER_PROCESSED := $(PROCESSED)

.PHONY: init site data html serve test check golden bench clean setup vendor demo-data messages config-docs search nightly rollback
PUBLISH ?= published

site: setup data html  ## set up, build the data and the pages of $(CITY) into output/

setup: $(VENV)/.installed node_modules/.installed vendor

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

vendor: node_modules/.installed  ## copy pinned front-end files from node_modules into the theme
	mkdir -p theme/static/vendor/leaflet
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css theme/static/vendor/leaflet/
	cp -r node_modules/leaflet/dist/images theme/static/vendor/leaflet/
	mkdir -p theme/static/vendor/search
	node_modules/.bin/terser node_modules/minisearch/dist/es/index.js --module -c -m -o theme/static/vendor/search/minisearch.js
	node_modules/.bin/terser node_modules/stemmer/index.js --module -c -m -o theme/static/vendor/search/stemmer.js

init: $(VENV)/.installed  ## draft data/<city>/city.toml from a folder of raw files and check it: make init DIR=path [NAME="City"]
	$(PY) -m schoolfinder init $(DIR) $(if $(NAME),--city "$(NAME)") $(if $(OUT),--out $(OUT)) $(if $(FORCE),--force)

demo-data: $(VENV)/.installed
	$(PY) -m schoolfinder demo --out data/demo/raw

data: $(VENV)/.installed $(if $(filter data/demo,$(CITY:/=)),demo-data)  ## run the pipeline: raw files -> data/processed
	$(PY) -m schoolfinder build $(CITY) --out $(PROCESSED) --cache build/cache

html: $(VENV)/.installed  ## render pages from data/processed into output/
	SCHOOLFINDER_PAGE_CACHE=$${SCHOOLFINDER_PAGE_CACHE-build/page-cache} $(VENV)/bin/pelican content -s pelicanconf.py -o output --fatal errors -q

serve:  ## serve output/ on http://127.0.0.1:8000
	$(PY) -m http.server 8000 --bind 127.0.0.1 -d output

test: setup  ## the whole test suite (unit, stages, golden, site build, real browser, nightly), in two processes; then Lighthouse by itself
	$(PY) -m pytest -n 2 --dist loadgroup -m "not alone"
	$(PY) -m pytest -m alone

CHECK_TESTS := tests/test_config.py tests/test_problems.py tests/test_layout.py tests/ingest tests/directory tests/ratings tests/geo \
	tests/transit tests/travel tests/access tests/search tests/outputs tests/golden tests/cache tests/nightly/test_scope.py
check: $(VENV)/.installed  ## the fast tier (at most a minute): unit, stage and golden tests, no browser or site build
	$(PY) -m pytest $(CHECK_TESTS) -m "not browser and not real_data and not site_build and not demo_build" -q -p no:cacheprovider -n 2 --dist loadfile

golden: $(VENV)/.installed  ## rewrite tests/golden/*.json from the demo city; review `git diff tests/golden` before committing
	SCHOOLFINDER_UPDATE_GOLDEN=1 $(PY) -m pytest tests/golden -q -p no:cacheprovider -rN

bench: setup  ## page generation (10k, 100k schools), ingest+validate+match (100k rows), router, search (2,000 schools), Chicago nightly (cold, no change, one change)
	$(PY) -m benchmarks.pages
	$(PY) -m benchmarks.maps
	$(PY) -m benchmarks.ingest --rows 100000
	$(PY) -m benchmarks.router
	$(PY) -m benchmarks.search
	$(PY) -m benchmarks.nightly

nightly: setup $(if $(filter data/demo,$(CITY:/=)),demo-data)  ## fetch, validate, build, check, publish atomically into $(PUBLISH)/current
	$(PY) -m schoolfinder nightly $(CITY) --root $(PUBLISH) $(NIGHTLY_FLAGS)

rollback: $(VENV)/.installed  ## point $(PUBLISH)/current back at the previous build
	$(PY) -m schoolfinder rollback --root $(PUBLISH)

search: $(VENV)/.installed  ## data staff: query the merged directory, e.g. make search Q="dual language"
	$(PY) -m schoolfinder search $(PROCESSED) "$(Q)"

messages: $(VENV)/.installed  ## extract UI strings to theme/translations/messages.pot and merge them into each <lang>.po
	mkdir -p theme/translations
	$(VENV)/bin/pybabel extract -F babel.cfg -o theme/translations/messages.pot --no-location --sort-output theme/templates plugins/schoolfinder_site
	$(VENV)/bin/pybabel update -i theme/translations/messages.pot -d theme/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf output $(PROCESSED) data/demo/raw theme/static/vendor build $(PUBLISH)

config-docs: $(VENV)/.installed  ## regenerate data/README.md's key tables (config schema) and problem-code tables (problems.CODES)
	$(PY) -m schoolfinder.configdocs
