/* head_mb.S: the Multiboot v1 form. The header must sit in the first 8 KiB,
 * 4-byte aligned; with the a.out kludge (flag 16) the loader takes the load
 * addresses from it, since QEMU refuses ELF64 Multiboot kernels. The loader
 * enters mb_start in flat protected mode with EAX = 0x2BADB002, EBX = the mbi. */
#include "save_state.h"

#define MB_HEADER_MAGIC		0x1BADB002
#define MB_FLAG_PAGE_ALIGN	(1 << 0)	/* modules on page boundaries */
#define MB_FLAG_MEMORY_INFO	(1 << 1)	/* mem_* and mmap_* wanted */
#define MB_FLAG_AOUT_KLUDGE	(1 << 16)	/* load addresses in this header */
#define MB_FLAGS (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | MB_FLAG_AOUT_KLUDGE)

	.section .head, "awx"
	.balign 4
mb_header:
	.long MB_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MB_HEADER_MAGIC + MB_FLAGS)
	.long mb_header			/* header_addr */
	.long __image_start		/* load_addr */
	.long __load_end		/* load_end_addr */
	.long _end			/* bss_end_addr */
	.long mb_start			/* entry_addr */

	.code32
	.globl mb_start
mb_start:
	SAVE_STATE_32 PROTO_MULTIBOOT

	.section .data
	.globl setup16_handshake
setup16_handshake:
	.long 0
