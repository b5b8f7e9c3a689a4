# firmware/firmware.mk: builds build/microrig.rom, the 64 KiB firmware image.
# Freestanding 32-bit C (gcc -m32) and GNU as, linked by linker/microrig.ld at 0xf0000.

FW_DIR     := firmware
FW_OUT     := $(BUILD)/firmware
FW_ROM     := $(BUILD)/microrig.rom
FW_CC      ?= gcc
FW_LD      ?= ld
FW_OBJCOPY ?= objcopy
FW_CFLAGS  := -m32 -march=i686 -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
              -fno-stack-protector -fno-asynchronous-unwind-tables -fno-jump-tables \
              -fno-delete-null-pointer-checks -mgeneral-regs-only -mregparm=3 \
              -Wall -Wextra -Werror=implicit-function-declaration -I$(FW_DIR)
FW_ASFLAGS := -m32 -I$(FW_DIR)
FW_LDFLAGS := -m elf_i386 -nostdlib -static --build-id=none -T linker/microrig.ld

FW_C_SRCS  := $(wildcard $(FW_DIR)/*.c $(FW_DIR)/*/*.c)
FW_S_SRCS  := $(wildcard $(FW_DIR)/*.S)
FW_OBJS    := $(patsubst $(FW_DIR)/%.c,$(FW_OUT)/%.o,$(FW_C_SRCS)) \
              $(patsubst $(FW_DIR)/%.S,$(FW_OUT)/%.o,$(FW_S_SRCS))
FW_HDRS    := $(wildcard $(FW_DIR)/*.h $(FW_DIR)/*/*.h)

.PHONY: firmware
all: firmware
firmware: $(FW_ROM)

$(FW_OUT)/%.o: $(FW_DIR)/%.c $(FW_HDRS) $(FW_DIR)/firmware.mk
	@mkdir -p $(dir $@)
	$(FW_CC) $(FW_CFLAGS) -c $< -o $@

$(FW_OUT)/%.o: $(FW_DIR)/%.S $(FW_HDRS)
	@mkdir -p $(dir $@)
	$(FW_CC) $(FW_ASFLAGS) -c $< -o $@

$(FW_OUT)/microrig.elf: $(FW_OBJS) linker/microrig.ld
	$(FW_LD) $(FW_LDFLAGS) -o $@ $(FW_OBJS)

# The image must be exactly 64 KiB; print how much of it is used and the code's size.
$(FW_ROM): $(FW_OUT)/microrig.elf
	$(FW_OBJCOPY) -O binary $< $@
	@size=$$(stat -c %s $@); test $$size -eq 65536 || { echo "microrig.rom is $$size bytes, not 65536"; rm -f $@; exit 1; }
	@used=$$(( 0x$$(nm $< | awk '$$3 == "image_used_end" { print $$1 }') - 0xf0000 + 16 )); \
	 echo "firmware: $(FW_ROM) 65536 bytes, $$used used ($$(( used * 100 / 65536 ))%)"
	@echo "firmware: $$(cat $(FW_C_SRCS) $(FW_S_SRCS) $(FW_HDRS) | grep -cv '^[[:space:]]*$$') lines of code (C, assembly, headers; blank lines not counted) in $$(echo $(FW_C_SRCS) $(FW_S_SRCS) $(FW_HDRS) | wc -w) files"
