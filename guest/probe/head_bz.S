/* head_bz.S: the start of the bzImage's protected-mode image, loaded at
 * code32_start (0x100000). Linux boot protocol layout: the 32-bit entry at
 * offset 0, the 64-bit entry at offset 0x200 (XLF_KERNEL_64). setup16.S jumps
 * to offset 0 too, after writing its record's address into the handshake. */
#include "save_state.h"

	.section .head, "awx"
	.code32
	.globl startup_32
startup_32:
	SAVE_STATE_32 PROTO_BZIMAGE32

	.org 0x200
	.code64
	.globl startup_64
startup_64:
	SAVE_STATE_64 PROTO_BZIMAGE64

	.org HANDSHAKE_OFFSET
	.globl setup16_handshake
setup16_handshake:
	.long 0
	.org 0x400
