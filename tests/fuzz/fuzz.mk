# tests/fuzz/fuzz.mk: libFuzzer targets (clang, ASan + UBSan) for the VMM's fw_cfg DMA,
# virtqueue walking and option parsing, and the firmware's cmdline and kernel-header
# parsers compiled for the host. `make fuzz-build` builds them; `make fuzz` runs each for
# FUZZ_RUNS executions from the corpus in tests/fuzz/corpus/<target>/ (new inputs go to
# build/fuzz/work/, crashes to build/fuzz/crash-<target>-*). tests/test_fuzz.py runs a
# short bounded pass of each as part of `make test`.
.PHONY: fuzz fuzz-build

FUZZ_DIR     := tests/fuzz


FUZZ_OUT     := $(BUILD)/fuzz
FUZZ_CC      ?= clang
FUZZ_RUNS    ?= 1000000
FUZZ_SAN     := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_BASE    := -std=gnu11 -g -O1 -fPIE -Wall -Wno-unused-parameter
FUZZ_CFLAGS  := $(FUZZ_BASE) $(FUZZ_SAN)
FUZZ_OBJ_SAN := $(subst fuzzer,fuzzer-no-link,$(FUZZ_SAN))
FUZZ_VMM_TARGETS := fw_cfg virtqueue options
FUZZ_FW_TARGETS  := fw_cmdline fw_kernel
FUZZ_TARGETS := $(FUZZ_VMM_TARGETS) $(FUZZ_FW_TARGETS)
FUZZ_BINS    := $(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_TARGETS))

# The VMM's objects (main.c aside), built with the fuzzer's coverage and sanitizers.
FUZZ_VMM_OBJS := $(patsubst vmm/%.c,$(FUZZ_OUT)/vmm/%.o,$(filter-out vmm/main.c,$(wildcard vmm/*.c)))
# The firmware's parsers, for the host: its fixed addresses become pointers into a mapping.
FUZZ_FW_CFLAGS := -std=gnu11 -g -O1 -fPIE -Ifirmware -I$(FUZZ_DIR) -Wno-int-to-pointer-cast \
                  -Wno-pointer-to-int-cast -Wno-ignored-attributes -Wno-unknown-attributes
FUZZ_FW_cmdline := cmdline.c
FUZZ_FW_kernel  := kernel.c bzimage.c pvh.c multiboot.c

fuzz-build: $(FUZZ_BINS)

$(FUZZ_OUT)/vmm/%.o: vmm/%.c $(wildcard vmm/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_BASE) $(FUZZ_OBJ_SAN) -D_GNU_SOURCE -pthread -c -o $@ $<

$(FUZZ_OUT)/fw/%.o: firmware/%.c $(wildcard firmware/*.h) $(FUZZ_DIR)/fw_shim.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FW_CFLAGS) $(FUZZ_OBJ_SAN) -c -o $@ $<

$(FUZZ_OUT)/fw/fw_shim.o: $(FUZZ_DIR)/fw_shim.c $(FUZZ_DIR)/fw_shim.h $(wildcard firmware/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FW_CFLAGS) $(FUZZ_OBJ_SAN) -c -o $@ $<

$(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_VMM_TARGETS)): $(FUZZ_OUT)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c \
		$(FUZZ_DIR)/fuzz_input.h $(FUZZ_VMM_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -D_GNU_SOURCE -pthread -o $@ $< $(FUZZ_VMM_OBJS)

$(FUZZ_OUT)/fuzz_fw_cmdline: $(patsubst %.c,$(FUZZ_OUT)/fw/%.o,$(FUZZ_FW_cmdline))
$(FUZZ_OUT)/fuzz_fw_kernel: $(patsubst %.c,$(FUZZ_OUT)/fw/%.o,$(FUZZ_FW_kernel))
$(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_FW_TARGETS)): $(FUZZ_OUT)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c \
		$(FUZZ_DIR)/fuzz_input.h $(FUZZ_OUT)/fw/fw_shim.o
	$(FUZZ_CC) $(FUZZ_FW_CFLAGS) $(FUZZ_SAN) -o $@ $< $(filter %.o,$^)

# 10^6 executions of each target, one after the other (one core), from the kept corpus.
# The log of each run is build/fuzz/<target>.log; a crash stops here with its reproducer.
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_OUT)/work/$$t; \
	  echo "fuzz: $$t, $(FUZZ_RUNS) runs"; \
	  $(FUZZ_OUT)/fuzz_$$t -runs=$(FUZZ_RUNS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_OUT)/crash-$$t- $(FUZZ_OUT)/work/$$t $(FUZZ_DIR)/corpus/$$t \
	    >$(FUZZ_OUT)/$$t.log 2>&1; status=$$?; \
	  grep -E 'number_of_executed_units|DONE|ERROR|SUMMARY|Test unit written' $(FUZZ_OUT)/$$t.log; \
	  test $$status = 0 || { echo "fuzz: $$t failed (status $$status), see $(FUZZ_OUT)/$$t.log"; exit 1; }; \
	done
