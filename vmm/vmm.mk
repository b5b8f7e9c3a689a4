# vmm/vmm.mk: builds build/mvm, build/mvm.static and the VMM's unit tests, plain and with
# AddressSanitizer + UndefinedBehaviorSanitizer (owned by the VMM).
.PHONY: vmm vmm-tests
all: vmm vmm-tests

VMM_DIR     := vmm
VMM_BUILD   := $(BUILD)/vmm
VMM_SRCS    := $(filter-out $(VMM_DIR)/main.c,$(wildcard $(VMM_DIR)/*.c))
VMM_HDRS    := $(wildcard $(VMM_DIR)/*.h)
VMM_CFLAGS  := $(HOST_CFLAGS) -D_GNU_SOURCE -pthread -Wshadow -Wstrict-prototypes
VMM_TESTS   := $(basename $(notdir $(wildcard $(VMM_DIR)/tests/test_*.c)))
VMM_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
VMM_OBJS    := $(patsubst $(VMM_DIR)/%.c,$(VMM_BUILD)/%.o,$(VMM_SRCS))
VMM_SAN_OBJS := $(patsubst $(VMM_DIR)/%.c,$(VMM_BUILD)/san/%.o,$(VMM_SRCS))

vmm: $(BUILD)/mvm $(BUILD)/mvm.static
vmm-tests: $(addprefix $(VMM_BUILD)/tests/,$(VMM_TESTS)) \
           $(addprefix $(VMM_BUILD)/tests/san-,$(VMM_TESTS))

$(VMM_BUILD)/%.o: $(VMM_DIR)/%.c $(VMM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(VMM_CFLAGS) -c -o $@ $<

$(VMM_BUILD)/san/%.o: $(VMM_DIR)/%.c $(VMM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(VMM_CFLAGS) $(VMM_SAN) -c -o $@ $<

# Device modules register themselves through a linker section, so every object is linked
# directly (an archive would drop the modules nothing names).
$(BUILD)/mvm: $(VMM_OBJS) $(VMM_BUILD)/main.o
	$(CC) $(VMM_CFLAGS) -o $@ $^

$(BUILD)/mvm.static: $(VMM_OBJS) $(VMM_BUILD)/main.o
	$(CC) $(VMM_CFLAGS) -static -o $@ $^

$(VMM_BUILD)/tests/%: $(VMM_DIR)/tests/%.c $(VMM_OBJS) $(VMM_DIR)/tests/check.h
	@mkdir -p $(dir $@)
	$(CC) $(VMM_CFLAGS) -I$(VMM_DIR) -o $@ $< $(VMM_OBJS)

$(VMM_BUILD)/tests/san-%: $(VMM_DIR)/tests/%.c $(VMM_SAN_OBJS) $(VMM_DIR)/tests/check.h
	@mkdir -p $(dir $@)
	$(CC) $(VMM_CFLAGS) $(VMM_SAN) -I$(VMM_DIR) -o $@ $< $(VMM_SAN_OBJS)

# Test guests for the nested-KVM checks (tests/test_vmm_nested.py): bare-metal ROMs and a
# minimal PVH kernel. Built only when the assembler is there.
VMM_GUEST := $(VMM_BUILD)/guest
ifneq ($(shell command -v nasm 2>/dev/null),)
vmm-guests: $(VMM_GUEST)/irq.rom $(VMM_GUEST)/hostile.rom $(VMM_GUEST)/pvh_hello.elf
else
vmm-guests: $(VMM_GUEST)/pvh_hello.elf
	@echo "vmm: nasm not found: test ROMs not built (their nested tests will skip)"
endif
all: vmm-guests
.PHONY: vmm-guests

$(VMM_GUEST)/%.rom: $(VMM_DIR)/tests/guest/%_rom.asm
	@mkdir -p $(dir $@)
	nasm -f bin -o $@ $<

$(VMM_GUEST)/pvh_hello.elf: $(VMM_DIR)/tests/guest/pvh_hello.S $(VMM_DIR)/tests/guest/pvh_hello.ld
	@mkdir -p $(dir $@)
	$(CC) -m32 -c -o $(VMM_GUEST)/pvh_hello.o $<
	ld -m elf_i386 -T $(VMM_DIR)/tests/guest/pvh_hello.ld -o $@ $(VMM_GUEST)/pvh_hello.o
