# firmware/firmware.mk: builds build/microrig.rom (owned by the firmware).
.PHONY: firmware
all: firmware
firmware:
