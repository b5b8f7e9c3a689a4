/*
 * entry.S: from the reset vector to C. The CPU starts in real mode at 0xfffffff0 (the
 * top of this image); it jumps to the image's alias at 0xf0000, takes the reset TSC
 * stamp, loads the GDT and enters 32-bit flat protected mode, then calls main32().
 *
 * GDT layout. Linux's 32-bit boot protocol wants __BOOT_CS = 0x10 and __BOOT_DS = 0x18,
 * so the firmware itself runs on those and a kernel can be entered without reloading.
 */
#include "layout.h"

	.section .text.start16, "ax"
	.code16
	.globl start16
start16:
	cli
	cld
	rdtsc				/* reset stamp, kept in edi:esi until C */
	movl %eax, %esi
	movl %edx, %edi
	addr32 lgdtl %cs:gdt_desc - BIOS_BASE	/* 32-bit displacement: i386 REL relocations cannot hold -0xf0000 in 16 bits */
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax	/* caches on: they start disabled */
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $start32

	.code32
start32:
	movl $SEL_DATA32, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $STACK_TOP, %esp
	movl %esi, %eax			/* main32(uint64_t reset_tsc): regparm, edx:eax */
	movl %edi, %edx
	call main32
1:	cli
	hlt
	jmp 1b

	.section .rodata
	.balign 16
	.globl gdt
gdt:
	.quad 0				/* 0x00: null */
	.quad 0x00009b0f0000ffff	/* 0x08: 16-bit code, base 0xf0000, 64 KiB (back to real mode) */
	.quad 0x00cf9b000000ffff	/* 0x10: 32-bit flat code (__BOOT_CS) */
	.quad 0x00cf93000000ffff	/* 0x18: 32-bit flat data (__BOOT_DS) */
	.quad 0x000093000000ffff	/* 0x20: 16-bit data, base 0, 64 KiB (real-mode limits) */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	/* The long-mode GDT: the 64-bit Linux entry also wants CS = 0x10, DS = 0x18. */
	.balign 16
gdt64:
	.quad 0				/* 0x00: null */
	.quad 0				/* 0x08: unused */
	.quad 0x00af9b000000ffff	/* 0x10: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x18: flat data */
gdt64_end:
	.globl gdt64_desc
gdt64_desc:
	.word gdt64_end - gdt64 - 1
	.long gdt64

	/* The reset vector: 16 bytes at 0xffff0 / 0xfffffff0. */
	.section .reset, "ax"
	.code16
	.globl reset_vector
reset_vector:
	ljmpl $BIOS_SEG, $start16 - BIOS_BASE
	.balign 16, 0

	.section .note.GNU-stack, "", @progbits
