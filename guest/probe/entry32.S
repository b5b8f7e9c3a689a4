/* entry32.S: the 32-bit and 64-bit entry paths shared by every form. An entry
 * stub records the CPU state (SAVE_STATE_32/64), then comes here to put the
 * probe in 64-bit long mode with its own GDT and identity-mapped page tables,
 * where all C code runs: one C build for every form, and interrupts are taken
 * in 64-bit mode (kvm_pvm cannot run a 32-bit iret). */
#include "entry_state.h"

#define PTE_P		0x001	/* present */
#define PTE_RW		0x002	/* writable */
#define PTE_PS		0x080	/* 2 MiB page in a page directory */
#define PD_ENTRIES	2048	/* 4 page directories: the first 4 GiB */

	.section .data
	.balign 16
	.globl entry_state
entry_state:
	.fill ES_SIZE, 1, 0

/* GDT: null, flat 32-bit code, 64-bit code, flat data. */
	.balign 16
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* SEL_CODE32 */
	.quad 0x00af9a000000ffff	/* SEL_CODE64: L=1 */
	.quad 0x00cf92000000ffff	/* SEL_DATA */
gdt_end:
	.balign 8
	.word 0
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt

/* Identity map of the first 4 GiB with 2 MiB pages, as plain data. */
	.balign 4096
	.globl pml4
pml4:
	.quad pdpt + PTE_P + PTE_RW
	.fill 511, 8, 0
pdpt:
	.quad pd + 0x0000 + PTE_P + PTE_RW
	.quad pd + 0x1000 + PTE_P + PTE_RW
	.quad pd + 0x2000 + PTE_P + PTE_RW
	.quad pd + 0x3000 + PTE_P + PTE_RW
	.fill 508, 8, 0
pd:
	.set i, 0
	.rept PD_ENTRIES
	.quad (i << 21) + PTE_P + PTE_RW + PTE_PS
	.set i, i + 1
	.endr

	.section .text
	.code32
/* enter_long_mode: from 32-bit protected mode, paging off, flat DS. */
	.globl enter_long_mode
enter_long_mode:
	cli
	movl $stack_top, %esp
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	lgdt gdt_ptr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $long_mode_start

	.code64
/* switch_to_own_tables: from 64-bit mode on the loader's page tables (which
 * identity-map the probe, as the 64-bit boot protocol requires). */
	.globl switch_to_own_tables
switch_to_own_tables:
	cli
	movq $stack_top, %rsp
	lgdt gdt_ptr
	movq $pml4, %rax
	movq %rax, %cr3
	pushq $SEL_CODE64
	pushq $long_mode_start
	lretq

long_mode_start:
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $stack_top, %rsp
	xorl %ebp, %ebp
	call probe_main
1:	cli
	hlt
	jmp 1b

	.section .stack, "aw", @nobits
	.balign 16
	.globl stack_bottom, stack_top
stack_bottom:
	.skip 16384
stack_top:
