# guest/probe/probe.mk: the probe payload in its three forms, from one C build:
#   build/guest/probe/probe.bzImage  (16-bit setup + 32/64-bit entries)
#   build/guest/probe/probe.pvh      (ELF64 with the Xen PVH note, type 18)
#   build/guest/probe/probe.mb       (Multiboot v1, a.out kludge, flat binary)
# The C runs in 64-bit mode; the entry stubs get there from each protocol.

PROBE_OUT   := $(BUILD)/guest/probe
PROBE_CC    ?= gcc
PROBE_LD    ?= ld
PROBE_PY    ?= /usr/bin/python3
PROBE_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror=implicit-function-declaration \
	-ffreestanding -fno-builtin -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -m64 -mno-red-zone \
	-mgeneral-regs-only -mcmodel=small -Iguest/lib -Iguest/probe -Iguest/conformance
PROBE_LDFLAGS := -m elf_x86_64 -nostdlib -static -z max-page-size=4096 --build-id=none \
	-z noexecstack --no-warn-rwx-segments

PROBE_LIB_SRC := $(wildcard guest/lib/*.c)
PROBE_C_SRC   := $(wildcard guest/probe/*.c) $(wildcard guest/conformance/*.c)
PROBE_C_OBJ   := $(patsubst guest/%.c,$(PROBE_OUT)/obj/%.o,$(PROBE_LIB_SRC) $(PROBE_C_SRC))
PROBE_S_SRC   := $(wildcard guest/conformance/*.S)
PROBE_COMMON  := $(PROBE_C_OBJ) $(PROBE_OUT)/obj/probe/entry32.o \
	$(patsubst guest/%.S,$(PROBE_OUT)/obj/%.o,$(PROBE_S_SRC))
PROBE_HDRS    := $(wildcard guest/lib/*.h guest/probe/*.h guest/conformance/*.h)

PROBE_SOURCES := $(wildcard guest/lib/*.[chS] guest/probe/*.[chS] guest/conformance/*.[chS])
PROBE_IMAGES := $(PROBE_OUT)/probe.bzImage $(PROBE_OUT)/probe.pvh $(PROBE_OUT)/probe.mb

.PHONY: probe
all: probe
probe: $(PROBE_IMAGES)

$(PROBE_OUT)/obj/%.o: guest/%.c $(PROBE_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PROBE_CC) $(PROBE_CFLAGS) -c -o $@ $<

$(PROBE_OUT)/obj/%.o: guest/%.S $(PROBE_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PROBE_CC) $(PROBE_CFLAGS) -D__ASSEMBLER__ -c -o $@ $<

# One link per form: each takes its own head (entry stub / header / note).
$(PROBE_OUT)/probe-%.elf: $(PROBE_OUT)/obj/probe/head_%.o $(PROBE_COMMON) guest/probe/probe.ld
	@echo "  LD      $@"
	@$(PROBE_LD) $(PROBE_LDFLAGS) -T guest/probe/probe.ld -o $@ $< $(PROBE_COMMON)

$(PROBE_OUT)/probe.pvh: $(PROBE_OUT)/probe-pvh.elf
	objcopy --strip-debug $< $@
	@printf 'probe: %s %s bytes\n' $@ $$(stat -c %s $@)
	@printf 'probe: %s lines of C and assembly (lib %s, probe %s, conformance %s)\n' \
		$$(cat $(PROBE_SOURCES) | wc -l) $$(cat guest/lib/*.[chS] | wc -l) \
		$$(cat guest/probe/*.[chS] | wc -l) $$(cat guest/conformance/*.[chS] | wc -l)

$(PROBE_OUT)/probe.mb: $(PROBE_OUT)/probe-mb.elf
	objcopy -O binary -R .stack -R .bss $< $@
	@printf 'probe: %s %s bytes\n' $@ $$(stat -c %s $@)

# The setup is linked at 0 (the loader runs it at seg:0): on x86-64 the
# object's absolute references stay zero until a link applies the addends.
$(PROBE_OUT)/setup16.bin: $(PROBE_OUT)/obj/probe/setup16.o
	@$(PROBE_LD) $(PROBE_LDFLAGS) --section-start=.setup=0 -e 0 -o $(PROBE_OUT)/setup16.elf $<
	objcopy -O binary -j .setup $(PROBE_OUT)/setup16.elf $@

$(PROBE_OUT)/pm.bin: $(PROBE_OUT)/probe-bz.elf
	objcopy -O binary -R .stack -R .bss $< $@

$(PROBE_OUT)/probe.bzImage: $(PROBE_OUT)/setup16.bin $(PROBE_OUT)/pm.bin guest/probe/mkbzimage.py
	$(PROBE_PY) guest/probe/mkbzimage.py $(PROBE_OUT)/setup16.bin $(PROBE_OUT)/pm.bin \
		$$(( 0x$$(nm $(PROBE_OUT)/probe-bz.elf | awk '$$3 == "_end" {print $$1}') - 0x100000 )) $@
	@printf 'probe: %s %s bytes\n' $@ $$(stat -c %s $@)

# Keep the objects: make would otherwise delete the pattern-built heads.
.SECONDARY: $(PROBE_COMMON) $(PROBE_OUT)/obj/probe/head_bz.o $(PROBE_OUT)/obj/probe/head_pvh.o \
	$(PROBE_OUT)/obj/probe/head_mb.o $(PROBE_OUT)/obj/probe/setup16.o
