/* setup16.S: the bzImage's real-mode part: boot sector, setup header (Linux
 * Documentation/x86/boot.rst, protocol 2.15) and a 16-bit setup that does what
 * Linux's own setup does for a firmware's sake: it asks int 15h E820 for the
 * memory map, then switches to 32-bit protected mode itself and jumps to
 * code32_start. It records the real-mode state first, so that the probe can
 * check how it was entered. Linked at 0; the loader puts it at seg:0 and
 * enters at seg+0x20:0 with DS = ES = SS = seg. */
#include "entry_state.h"

#define SETUP_SECTS		11	/* 512-byte sectors after the boot sector */
#define ZERO_PAGE_SIZE		0x1000	/* boot_params: our code starts after it */
#define BOOT_PROTOCOL		0x020f
#define LOADFLAG_LOADED_HIGH	0x01	/* protected-mode code at 0x100000 */
#define XLF_KERNEL_64		0x0001	/* has the 64-bit entry at +0x200 */
#define KERNEL_LOAD_ADDR	0x100000
#define CMDLINE_SIZE_MAX	4095
#define INITRD_ADDR_MAX		0x7fffffff

#define ZP_E820_ENTRIES		0x1e8	/* u8 in boot_params */
#define ZP_E820_TABLE		0x2d0	/* 20-byte entries */
#define ZP_CODE32_START		0x214
#define E820_MAX_ENTRIES	128
#define E820_ENTRY_SIZE		20
#define SMAP_SIGNATURE		0x534d4150	/* "SMAP" */
#define INT15_E820		0xe820

#define BOOT_CS			0x10	/* the protocol's __BOOT_CS */
#define BOOT_DS			0x18	/* the protocol's __BOOT_DS */

/* Offsets below are from the start of the setup (seg:0); CS starts 0x200 in. */
#define CSOFF(label)		(label - 0x200)

	.section .setup, "awx"
	.code16
	.globl _setup_start
_setup_start:
	/* The first 4 KiB are boot_params, handed to the 32-bit code as they
	 * are: the loader fills the header, int 15h fills e820_table (0x2d0),
	 * so no code may live there. The boot sector is empty: only a loader
	 * can start this image. */
	.org 0x1f1
hdr:
setup_sects:	.byte SETUP_SECTS
root_flags:	.word 0
syssize:	.long 0			/* patched by mkbzimage.py */
ram_size:	.word 0
vid_mode:	.word 0xffff
root_dev:	.word 0
boot_flag:	.word 0xaa55
	/* 0x200: the real-mode entry point. */
	jmp to_start16
header:		.ascii "HdrS"
version:	.word BOOT_PROTOCOL
realmode_swtch:	.long 0
start_sys_seg:	.word 0
kernel_version:	.word kernel_version_str - 0x200
type_of_loader:	.byte 0
loadflags:	.byte LOADFLAG_LOADED_HIGH
setup_move_size: .word 0x8000
code32_start:	.long KERNEL_LOAD_ADDR
ramdisk_image:	.long 0
ramdisk_size:	.long 0
bootsect_kludge: .long 0
heap_end_ptr:	.word 0
ext_loader_ver:	.byte 0
ext_loader_type: .byte 0
cmd_line_ptr:	.long 0
initrd_addr_max: .long INITRD_ADDR_MAX
kernel_alignment: .long 0x1000
relocatable_kernel: .byte 0
min_alignment:	.byte 12
xloadflags:	.word XLF_KERNEL_64
cmdline_size:	.long CMDLINE_SIZE_MAX
hardware_subarch: .long 0
hardware_subarch_data: .quad 0
payload_offset:	.long 0
payload_length:	.long 0
setup_data:	.quad 0
pref_address:	.quad KERNEL_LOAD_ADDR
init_size:	.long 0			/* patched by mkbzimage.py */
handover_offset: .long 0
kernel_info_offset: .long 0

to_start16:
	/* In boot_params' padding after the header: a near jump past it. */
	jmp start16

kernel_version_str:
	.asciz "microrig-probe"

	.org ZERO_PAGE_SIZE
start16:
	/* First the TSC (issue 8 counts firmware instructions up to here), then
	 * the segment registers as the loader left them, through CS because DS
	 * may be wrong. */
	rdtsc
	movl %eax, %cs:CSOFF(rec + S16_TSC)
	movl %edx, %cs:CSOFF(rec + S16_TSC + 4)
	movw %cs, %cs:CSOFF(rec + S16_CS)
	movw %ds, %cs:CSOFF(rec + S16_DS)
	movw %es, %cs:CSOFF(rec + S16_ES)
	movw %ss, %cs:CSOFF(rec + S16_SS)
	movw %fs, %cs:CSOFF(rec + S16_FS)
	movw %gs, %cs:CSOFF(rec + S16_GS)
	movl %esp, %cs:CSOFF(rec + S16_ESP)
	movl %cr0, %eax
	movl %eax, %cs:CSOFF(rec + S16_CR0)
	/* EFLAGS via the loader's stack, the only one there is yet. */
	pushfl
	popl %cs:CSOFF(rec + S16_EFLAGS)

	/* Our own segments and stack, from CS (base = setup + 0x200). */
	cli
	movw %cs, %ax
	subw $0x20, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $stack16_top, %esp

	call detect_e820

	/* Protected mode: fix up the GDT pointer and the far jump target with
	 * our linear base, load the GDT, set PE, far jump into 32-bit code. */
	cli
	xorl %ebx, %ebx
	movw %ds, %bx
	shll $4, %ebx
	leal gdt16(%ebx), %eax
	movl %eax, gdt16_base
	leal pm32(%ebx), %eax
	movl %eax, pm32_far
	movl $S16_MAGIC_VALUE, rec + S16_MAGIC
	lgdtl gdt16_ptr
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl *pm32_far

/* detect_e820: the int 15h E820 loop into boot_params.e820_table, the way
 * Linux's setup fills it; status in the record for the probe to report. */
detect_e820:
	xorl %ebx, %ebx
	movw $ZP_E820_TABLE, %di
	xorl %esi, %esi			/* entries so far */
1:	movl $INT15_E820, %eax
	movl $SMAP_SIGNATURE, %edx
	movl $E820_ENTRY_SIZE, %ecx
	pushl %esi
	pushw %di
	int $0x15
	popw %di
	popl %esi
	jc 3f
	cmpl $SMAP_SIGNATURE, %eax
	jne 4f
	incl %esi
	addw $E820_ENTRY_SIZE, %di
	testl %ebx, %ebx
	jz 2f
	cmpl $E820_MAX_ENTRIES, %esi
	jb 1b
2:	movl $0, rec + S16_E820_STATUS
	jmp 5f
3:	/* CF set: an error at the first call, or the end of the list. */
	testl %esi, %esi
	jnz 2b
	movl $1, rec + S16_E820_STATUS
	jmp 5f
4:	movl $2, rec + S16_E820_STATUS
5:	movl %esi, rec + S16_E820_COUNT
	movw %si, %ax
	movb %al, ZP_E820_ENTRIES
	ret

	.code32
/* 32-bit, flat, still in the setup segment's memory: position-independent
 * (EBX holds our linear base). Registers as boot.rst's 32-bit entry wants. */
pm32:
	movl $BOOT_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	leal stack16_top(%ebx), %esp
	movl %ebx, %esi			/* boot_params */
	movl ZP_CODE32_START(%esi), %ecx
	leal rec(%ebx), %eax
	movl %eax, HANDSHAKE_OFFSET(%ecx)
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %edi, %edi
	jmp *%ecx

	.balign 16
gdt16:
	.quad 0
	.quad 0
	.quad 0x00cf9a000000ffff	/* BOOT_CS: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* BOOT_DS: flat data */
gdt16_end:
	.word 0
gdt16_ptr:
	.word gdt16_end - gdt16 - 1
gdt16_base:
	.long 0
pm32_far:
	.long 0
	.word BOOT_CS

	.balign 4
rec:
	.fill S16_SIZE, 1, 0

	.balign 16
stack16:
	.org (SETUP_SECTS + 1) * 512 - 16
stack16_top:
	.fill 16, 1, 0
