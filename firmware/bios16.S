/*
 * bios16.S: real-mode interrupt handlers for the kernel's setup code (see bios.c).
 * They run with CS = 0xf000 and reach the firmware's data CS-relative.
 */
#include "layout.h"

	.text
	.code16

/* Anything not implemented: CF=1, AH=0x86. `lret $2` drops the caller's saved flags so
 * that the carry survives the return. */
	.globl bios_int_unsupported
bios_int_unsupported:
	movb $BIOS_UNSUPPORTED, %ah
	stc
	lretw $2

/* int 10h: AH=0Eh teletype output goes to the UART; everything else is ignored. */
	.globl bios_int10
bios_int10:
	cmpb $0x0e, %ah
	jne 2f
	addr32 cmpb $0, %cs:bios_serial - BIOS_BASE
	je 2f
	pushw %dx
	pushw %ax
	movw $UART_LSR, %dx
1:	inb %dx, %al
	testb $UART_LSR_THRE, %al
	jz 1b
	popw %ax
	movw $UART_THR, %dx
	outb %al, %dx
	popw %dx
2:	iret

/* int 15h AX=E820h: EBX = continuation (entry index), ES:DI = buffer, EDX = "SMAP". */
	.globl bios_int15
bios_int15:
	cmpl $0xe820, %eax
	jne bios_int_unsupported
	cmpl $E820_SMAP, %edx
	jne bios_int_unsupported
	addr32 cmpl %cs:bios_e820_count - BIOS_BASE, %ebx
	jae bios_int_unsupported
	pushw %ds
	pushw %si
	pushw %di
	pushw %cs
	popw %ds
	imull $E820_ENTRY_SIZE, %ebx, %esi
	addl $bios_e820 - BIOS_BASE, %esi
	movw $E820_ENTRY_SIZE, %cx
	cld
	rep movsb
	popw %di
	popw %si
	popw %ds
	incl %ebx
	addr32 cmpl %cs:bios_e820_count - BIOS_BASE, %ebx
	jb 1f
	xorl %ebx, %ebx			/* that was the last entry */
1:	movl $E820_SMAP, %eax
	movl $E820_ENTRY_SIZE, %ecx
	clc
	lretw $2

	.section .note.GNU-stack, "", @progbits
