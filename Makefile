# microrig: top-level build. Each part owns a fragment: firmware/firmware.mk,
# vmm/vmm.mk, guest/guest.mk, harness/tools/tools.mk. This file only ties them together.

BUILD          := build
PYTHON         := /usr/bin/python3
MICRORIG_CACHE ?= $(HOME)/.cache/microrig
export MICRORIG_CACHE

CC             ?= cc
HOST_CFLAGS    := -std=c11 -O2 -g -Wall -Wextra -Werror=implicit-function-declaration
JOBS           ?= $(shell nproc)

.PHONY: all deps test matrix bench clean
all:

include firmware/firmware.mk
include vmm/vmm.mk
include guest/guest.mk
include harness/tools/tools.mk
-include tests/fuzz/fuzz.mk

# Install missing Debian packages (idempotent; prints what it installs).
deps:
	@ci/install-deps.sh

# The test suite: unit tests of every part, then the conformance cases.
test: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m pytest -p no:cacheprovider -n $(JOBS) --dist loadgroup -rs tests guest/l1/test_l1.py

# The whole conformance matrix, printed as a table and written to results/.
matrix: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m harness matrix

bench: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m harness bench

clean:
	rm -rf $(BUILD) results
