/* head.S: the hostile payload's PVH entry. Xen's ELF note XEN_ELFNOTE_PHYS32_ENTRY (18)
 * names the 32-bit entry; the loader enters it in flat protected mode, paging off, with
 * EBX = hvm_start_info. The payload stays in 32-bit mode with interrupts off: all it does
 * is program devices badly, and 32-bit flat addressing reaches all of RAM and the MMIO hole. */
#include "pvh_note.h"

	PVH_NOTE hostile_start

	.section .text.head, "ax"
	.code32
	.globl hostile_start
hostile_start:
	cli
	movl	$stack_top, %esp
	movl	%ebx, hostile_start_info
	pushl	%ebx			/* hvm_start_info */
	call	hostile_main
1:	hlt
	jmp	1b

	.section .bss
	.balign 16
	.skip	16384
stack_top:

	.section .data
	.globl hostile_start_info
	.balign 4
hostile_start_info:
	.long 0
