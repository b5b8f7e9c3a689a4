/* ap_tramp.S: real-mode code an application processor runs after INIT-SIPI:
 * it counts itself, then halts with interrupts on, so that a fixed IPI can
 * reach it through the real-mode IVT (ap_ipi counts those and returns).
 * Copied below 1 MiB; the SIPI vector gives CS = page >> 4 and IP = 0, so
 * it addresses its counters through CS. */
	.section .rodata
	.code16
	.globl ap_tramp_start, ap_tramp_end, ap_tramp_count_offset
	.globl ap_tramp_ipi_offset, ap_tramp_handler_offset
ap_tramp_start:
	lock incw %cs:(ap_count - ap_tramp_start)
1:	sti
	hlt
	jmp 1b
ap_ipi:
	lock incw %cs:(ipi_count - ap_tramp_start)
	iret
	.balign 2
ap_count:
	.word 0
ipi_count:
	.word 0
ap_tramp_end:
	.balign 4
ap_tramp_count_offset:
	.long ap_count - ap_tramp_start
ap_tramp_ipi_offset:
	.long ipi_count - ap_tramp_start
ap_tramp_handler_offset:
	.long ap_ipi - ap_tramp_start
	.code64
