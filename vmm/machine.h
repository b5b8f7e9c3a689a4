/* machine.h: the microvm machine as mvm builds it: memory map constants and the VM state
 * that the boot steps in main.c fill in, one after the other. */
#ifndef MVM_MACHINE_H
#define MVM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "options.h"

/* Memory map (QEMU hw/i386/microvm.c, acpi=off). */
#define MACHINE_MAX_BELOW_4G   0xC0000000ULL	/* RAM below 4 GiB ends at 3 GiB at most */
#define MACHINE_HIGH_RAM_BASE  0x100000000ULL	/* the rest of RAM starts at 4 GiB */
#define MACHINE_ISA_BIOS_END   0x100000ULL	/* the ROM's tail is aliased up to 1 MiB */
#define MACHINE_ISA_BIOS_MAX   (128 * 1024)	/* at most 128 KiB of it */
#define MACHINE_IDENTITY_MAP   0xFEFFC000ULL	/* KVM's identity map page (Intel), reserved */
#define MACHINE_TSS_ADDR       0xFEFFD000ULL	/* KVM's TSS pages (Intel), reserved */
#define MACHINE_KVM_RESERVED   0x4000ULL	/* identity map + TSS */
#define MACHINE_IOAPIC_BASE    0xFEC00000ULL
#define MACHINE_VIRTIO_BASE    0xFEB00000ULL	/* virtio-mmio slot 0 */
#define MACHINE_VIRTIO_SIZE    0x200ULL		/* 512 bytes per slot */
#define MACHINE_VIRTIO_SLOTS   8
#define MACHINE_VIRTIO_IRQ0    5		/* slot i uses IRQ 5 + i */
#define MACHINE_VIRTIO_SLOT_BASE(i) (MACHINE_VIRTIO_BASE + (uint64_t)(i) * MACHINE_VIRTIO_SIZE)
#define MACHINE_VIRTIO_SLOT_IRQ(i)  (MACHINE_VIRTIO_IRQ0 + (unsigned)(i))
#define MACHINE_DEFAULT_BIOS   "/usr/share/qemu/qboot.rom"
#define MACHINE_ROM_DIR        "/usr/share/qemu"	/* option ROMs (x-option-roms=on) */

struct kvm_cpuid2;
struct fw_cfg;

struct vm {
	struct options *opt;
	int kvm_fd, vm_fd;
	int ncpus;
	/* memory */
	struct guest_mem mem;
	uint8_t *ram;
	uint64_t ram_size, ram_below_4g, ram_above_4g;
	uint8_t *rom;			/* guest-visible, writable copy of the firmware */
	uint64_t rom_size;
	/* resolved machine toggles */
	bool has_pit, has_pic, has_rtc, has_serial;
	/* boot */
	struct fw_cfg *fw_cfg;
	char *cmdline;			/* -append plus virtio_mmio.device= entries */
	int virtio_slots_used;		/* filled from the highest slot down */
	const char *option_rom;		/* genroms/ file the loader asks for, or NULL */
	struct kvm_cpuid2 *cpuid;
	struct vcpu **vcpus;
};

/* machine.c */
void machine_check_files(struct vm *vm);
void machine_resolve_toggles(struct vm *vm);
/* Guest RAM and the map a firmware sees, in mvm's memory; then, once the VM exists, the
 * same regions as KVM memory slots. */
void machine_map_ram(struct vm *vm);
void machine_map_memory(struct vm *vm);
/* size bytes of guest RAM at a 2 MiB boundary, the first 2 MiB without huge pages. */
uint8_t *machine_map_guest_ram(uint64_t size);
void machine_load_bios(struct vm *vm);
/* Claims the next virtio-mmio slot (highest first); returns its index or -1 when full. */
int machine_claim_virtio_slot(struct vm *vm, uint64_t *base, unsigned *irq);
/* Appends " text" to the kernel command line. */
void machine_append_cmdline(struct vm *vm, const char *text);

#endif
