/* pvh_hello.S: the smallest PVH kernel: entered in 32-bit flat protected mode with EBX =
 * hvm_start_info, it writes a line to debugcon (0x402), then the magic it found and the
 * command line, and exits through isa-debug-exit (0xf4) with 0 (host status 1). */
#define DEBUGCON 0x402
#define EXIT_PORT 0xf4
#define PVH_MAGIC 0x336ec578
#define START_INFO_CMDLINE 24	/* hvm_start_info.cmdline_paddr */

	.code32
	.section .note.pvh, "a"
	.balign 4
	.long 4, 4, 18		/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_entry

	.text
	.globl pvh_entry
pvh_entry:
	mov %ebx, %ebp
	mov $hello, %esi
	call puts
	cmpl $PVH_MAGIC, (%ebp)
	jne 1f
	mov $magic_ok, %esi
	call puts
	mov START_INFO_CMDLINE(%ebp), %esi
	test %esi, %esi
	jz 1f
	call puts
	mov $newline, %esi
	call puts
1:	mov $EXIT_PORT, %dx
	xor %eax, %eax
	outl %eax, %dx
	hlt

puts:	mov $DEBUGCON, %dx
2:	lodsb
	test %al, %al
	jz 3f
	outb %al, %dx
	jmp 2b
3:	ret

	.section .rodata
hello:	.asciz "pvh_hello: entered\n"
magic_ok: .asciz "pvh_hello: start_info magic ok, cmdline="
newline: .asciz "\n"
