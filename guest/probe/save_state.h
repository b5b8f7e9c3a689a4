/* save_state.h: assembler macros that record the CPU state at an entry point
 * into entry_state. The TSC is read after saving only EAX and EDX, the two
 * registers rdtsc clobbers, so the entry stamp is as early as it can be. */
#ifndef PROBE_SAVE_STATE_H
#define PROBE_SAVE_STATE_H

#include "entry_state.h"

	.macro SAVE_STATE_32 proto
	movl %eax, entry_state + ES_RAX
	movl %edx, entry_state + ES_RDX
	rdtsc
	movl %eax, entry_state + ES_TSC
	movl %edx, entry_state + ES_TSC + 4
	movl %ebx, entry_state + ES_RBX
	movl %ecx, entry_state + ES_RCX
	movl %esi, entry_state + ES_RSI
	movl %edi, entry_state + ES_RDI
	movl %ebp, entry_state + ES_RBP
	movl %esp, entry_state + ES_RSP
	movl $\proto, entry_state + ES_PROTOCOL
	movl $32, entry_state + ES_MODE
	movw %cs, entry_state + ES_CS
	movw %ds, entry_state + ES_DS
	movw %es, entry_state + ES_ES
	movw %ss, entry_state + ES_SS
	movw %fs, entry_state + ES_FS
	movw %gs, entry_state + ES_GS
	movl %cr0, %eax
	movl %eax, entry_state + ES_CR0
	movl %cr3, %eax
	movl %eax, entry_state + ES_CR3
	movl %cr4, %eax
	movl %eax, entry_state + ES_CR4
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, entry_state + ES_EFER
	movl %edx, entry_state + ES_EFER + 4
	sgdt entry_state + ES_GDTR
	movl $stack_top, %esp
	pushfl
	popl entry_state + ES_RFLAGS
	jmp enter_long_mode
	.endm

	.macro SAVE_STATE_64 proto
	movq %rax, entry_state + ES_RAX
	movq %rdx, entry_state + ES_RDX
	rdtsc
	movl %eax, entry_state + ES_TSC
	movl %edx, entry_state + ES_TSC + 4
	movq %rbx, entry_state + ES_RBX
	movq %rcx, entry_state + ES_RCX
	movq %rsi, entry_state + ES_RSI
	movq %rdi, entry_state + ES_RDI
	movq %rbp, entry_state + ES_RBP
	movq %rsp, entry_state + ES_RSP
	movl $\proto, entry_state + ES_PROTOCOL
	movl $64, entry_state + ES_MODE
	movw %cs, entry_state + ES_CS
	movw %ds, entry_state + ES_DS
	movw %es, entry_state + ES_ES
	movw %ss, entry_state + ES_SS
	movw %fs, entry_state + ES_FS
	movw %gs, entry_state + ES_GS
	movq %cr0, %rax
	movq %rax, entry_state + ES_CR0
	movq %cr3, %rax
	movq %rax, entry_state + ES_CR3
	movq %cr4, %rax
	movq %rax, entry_state + ES_CR4
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, entry_state + ES_EFER
	movl %edx, entry_state + ES_EFER + 4
	sgdt entry_state + ES_GDTR
	movq $stack_top, %rsp
	pushfq
	popq entry_state + ES_RFLAGS
	jmp switch_to_own_tables
	.endm

#endif
