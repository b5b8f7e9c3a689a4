/*
 * handoff.S: the last instructions the firmware executes: loading the registers each
 * boot protocol prescribes and jumping. All are entered from 32-bit C (cdecl args).
 */
#include "layout.h"

	.text
	.code32

/* handoff32(entry, eax, ebx, esi): PVH (ebx = start_info), Multiboot (eax = magic,
 * ebx = info), bzImage 32-bit (esi = zero page; ebx, ebp, edi zero). Flat 0x10/0x18. */
	.globl handoff32
handoff32:
	cli
	movl 4(%esp), %ecx
	movl 8(%esp), %eax
	movl 12(%esp), %ebx
	movl 16(%esp), %esi
	xorl %edx, %edx
	xorl %edi, %edi
	xorl %ebp, %ebp
	jmp *%ecx

/* handoff64(entry, boot_params, cr3): long mode with the identity map, CS = 0x10 (64-bit),
 * DS = ES = SS = 0x18, RSI = zero page, then startup_64. */
	.globl handoff64
handoff64:
	cli
	movl 4(%esp), %edi
	movl 8(%esp), %esi
	movl 12(%esp), %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0			/* now in compatibility mode */
	lgdt gdt64_desc
	ljmp $SEL_CODE64, $1f
	.code64
1:	movl $SEL_DATA32, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %edi, %eax			/* zero-extends: entry below 4 GiB */
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %edi, %edi
	jmp *%rax
	.code32

/* handoff16(setup_seg, sp): back to real mode and into the kernel's setup at
 * seg+0x20:0, with DS = ES = FS = GS = SS = seg (boot.rst, "Running the kernel"). */
	.globl handoff16
handoff16:
	cli
	movl 4(%esp), %ebx
	movl 8(%esp), %edx
	lidt ivt_desc
	ljmp $SEL_CODE16, $1f - BIOS_BASE
	.code16
1:	movw $SEL_DATA16, %ax		/* real-mode-sized hidden limits before PE goes off */
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl %cr0, %eax
	andl $~CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $BIOS_SEG, $2f - BIOS_BASE
2:	movw %bx, %ds
	movw %bx, %es
	movw %bx, %fs
	movw %bx, %gs
	movw %bx, %ss
	movw %dx, %sp
	addw $0x20, %bx
	pushw %bx
	pushw $0
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %ebp, %ebp
	lretw
	.code32

	.section .rodata
	.balign 8
ivt_desc:				/* the real-mode interrupt vector table */
	.word 0x3ff
	.long 0

	.section .note.GNU-stack, "", @progbits
