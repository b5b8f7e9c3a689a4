/* loader.h: -kernel/-initrd/-append handed to the firmware through fw_cfg exactly the way
 * QEMU 7.2's x86_load_linux() does: bzImage (setup header patched, setup and kernel as
 * fw_cfg items) or PVH ELF (segments copied into RAM, entry in KERNEL_ENTRY). */
#ifndef MVM_LOADER_H
#define MVM_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct fw_cfg;
struct guest_mem;

/* What a loader needs, so that loaders are testable without a VM. */
struct load_params {
	const char *kernel_path, *initrd_path, *cmdline;
	const uint8_t *kernel;		/* the whole file */
	size_t kernel_size;
	const uint8_t *initrd;
	size_t initrd_size;
	uint64_t ram_below_4g;
	const struct guest_mem *mem;	/* for PVH segments */
	struct fw_cfg *fw_cfg;
	const char *option_rom;		/* out: "linuxboot_dma.bin" or "pvh.bin" */
	char err[256];			/* out: the reason, when a loader fails */
};

#define LOADER_HEADER_SIZE 8192		/* QEMU reads this much of the kernel first */
#define LOADER_HDRS_OFFSET 0x202	/* "HdrS" */
#define LOADER_HDRS_MAGIC  0x53726448

/* Each returns 0, or -1 with p->err set. */
int loader_bzimage(struct load_params *p);
int loader_pvh(struct load_params *p);
/* hdr: offset of the Multiboot header in the file. */
int loader_multiboot(struct load_params *p, size_t hdr);
/* Picks the loader from the file's magic. */
int loader_load(struct load_params *p);
/* QEMU's initrd placement: the top of RAM below initrd_max, page aligned. */
int loader_add_initrd(struct load_params *p, uint32_t initrd_max, uint32_t *addr);

/* main.c's step: maps the files, runs loader_load(), adds the option ROM and bootorder. */
void load_kernel(struct vm *vm);

#endif
