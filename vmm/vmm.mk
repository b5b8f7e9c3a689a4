# vmm/vmm.mk: builds build/mvm and the VMM's unit tests (owned by the VMM).
.PHONY: vmm
all: vmm
vmm:
