/* isr.S: 64-bit interrupt entry stubs. Each vector pushes a dummy error code
 * when the CPU does not, then its number, and joins one common path that
 * saves the caller-saved registers and calls irq_dispatch(vector, error).
 * Returning with iretq is the one interrupt return kvm_pvm can execute. */

	.section .text
	.code64

/* Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30. */
	.macro STUB vec
	.balign 16
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
	.endm

	.altmacro
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set v, 0
	.rept 256
	STUB %v
	.set v, v + 1
	.endr
	.noaltmacro

isr_common:
	pushq %rbx
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq 80(%rsp), %rdi		/* vector */
	movq 88(%rsp), %rsi		/* error code */
	movq 96(%rsp), %rdx		/* interrupted RIP */
	movq %rsp, %rbx			/* rbx is callee-saved: realign around the call */
	andq $-16, %rsp
	call irq_dispatch
	movq %rbx, %rsp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	popq %rbx
	addq $16, %rsp			/* vector and error code */
	iretq
