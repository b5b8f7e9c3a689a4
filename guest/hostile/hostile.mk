# guest/hostile/hostile.mk: the hostile guest payload, build/guest/hostile/hostile.pvh: an
# ELF32 PVH kernel, 32-bit flat mode, built with guest/lib (compiled here for -m32). The
# variant is chosen with hostile=<name> on the kernel command line (main.c).
HOSTILE_OUT   := $(BUILD)/guest/hostile
HOSTILE_CC    ?= gcc
HOSTILE_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding -fno-builtin \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only \
	-Iguest/lib -Iguest/hostile -Iguest/conformance
HOSTILE_SRCS  := $(wildcard guest/hostile/*.c) $(wildcard guest/lib/*.c)
HOSTILE_OBJS  := $(patsubst guest/%.c,$(HOSTILE_OUT)/obj/%.o,$(HOSTILE_SRCS)) \
	$(HOSTILE_OUT)/obj/hostile/head.o
HOSTILE_HDRS  := $(wildcard guest/lib/*.h guest/hostile/*.h) guest/conformance/virtio_mmio.h

.PHONY: hostile
all: hostile
hostile: $(HOSTILE_OUT)/hostile.pvh

$(HOSTILE_OUT)/obj/%.o: guest/%.c $(HOSTILE_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTILE_CC) $(HOSTILE_CFLAGS) -c -o $@ $<

$(HOSTILE_OUT)/obj/hostile/head.o: guest/hostile/head.S guest/lib/pvh_note.h
	@mkdir -p $(dir $@)
	$(HOSTILE_CC) -m32 -Iguest/lib -c -o $@ $<

$(HOSTILE_OUT)/hostile.pvh: $(HOSTILE_OBJS) guest/hostile/hostile.ld
	ld -m elf_i386 -nostdlib -static --build-id=none -z noexecstack --no-warn-rwx-segments \
		-T guest/hostile/hostile.ld -o $@ $(HOSTILE_OBJS)

# mvm with AddressSanitizer + UBSan for the hostile runs (dynamic: harness/nested.py copies
# its libraries into L1). From the VMM's own sanitizer objects (vmm/vmm.mk).
HOSTILE_MVM_ASAN := $(HOSTILE_OUT)/mvm.asan
hostile: $(HOSTILE_MVM_ASAN)
$(HOSTILE_OUT)/obj/mvm-main.o: vmm/main.c $(VMM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(VMM_CFLAGS) $(VMM_SAN) -c -o $@ $<
$(HOSTILE_MVM_ASAN): $(VMM_SAN_OBJS) $(HOSTILE_OUT)/obj/mvm-main.o
	$(CC) $(VMM_CFLAGS) $(VMM_SAN) -o $@ $^
