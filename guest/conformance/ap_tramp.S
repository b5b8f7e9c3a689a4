/* ap_tramp.S: real-mode code an application processor runs after INIT-SIPI:
 * it bumps a counter and halts. Copied below 1 MiB; the SIPI vector gives
 * CS = page >> 4 and IP = 0, so it addresses its counter through CS. */
	.section .rodata
	.code16
	.globl ap_tramp_start, ap_tramp_end, ap_tramp_count_offset
ap_tramp_start:
	lock incw %cs:(ap_count - ap_tramp_start)
1:	cli
	hlt
	jmp 1b
	.balign 2
ap_count:
	.word 0
ap_tramp_end:
	.balign 4
ap_tramp_count_offset:
	.long ap_count - ap_tramp_start
	.code64
