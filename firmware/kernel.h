/* kernel.h: what the kernel loaders share. */
#ifndef MICRORIG_KERNEL_H
#define MICRORIG_KERNEL_H

#include "board.h"

#define HEADER_PEEK 1024	/* bytes of SETUP_DATA read to recognise the kernel */

struct kernel {
	enum kernel_kind kind;
	uint32_t kernel_size, setup_size;
	uint8_t header[HEADER_PEEK];	/* start of SETUP_DATA: setup header or ELF header */
};

/* Each returns only on failure paths that it reports itself (it calls fail()). */
void bzimage_boot(struct board *b, struct kernel *k, enum boot_protocol protocol);
void pvh_boot(struct board *b, struct kernel *k);
void multiboot_boot(struct board *b, struct kernel *k);
int bzimage_supports(const struct kernel *k, enum boot_protocol protocol);
int bzimage_is_64bit(const struct kernel *k);	/* has XLF_KERNEL_64, whatever the CPU */

/* initrd: read to QEMU's address, or lower if tables took the top of RAM */
uint32_t load_initrd(struct board *b, uint32_t max_end, uint32_t *size);
int low_memory_free(uint64_t addr, uint64_t size);

/* report and jump (handoff.S) */
void report_boot(const char *protocol, uint32_t entry, uint32_t kernel, uint32_t kernel_size,
		 uint32_t initrd, uint32_t initrd_size, uint32_t info);
void handoff32(uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esi)
	__attribute__((noreturn, regparm(0)));
void handoff64(uint32_t entry, uint32_t rsi, uint32_t cr3) __attribute__((noreturn, regparm(0)));
void handoff16(uint32_t setup_seg, uint32_t sp) __attribute__((noreturn, regparm(0)));

#endif
