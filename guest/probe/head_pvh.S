/* head_pvh.S: the PVH form. Xen's ELF note XEN_ELFNOTE_PHYS32_ENTRY (type 18)
 * names the 32-bit entry; a loader enters it in flat protected mode, paging
 * off, with EBX = the hvm_start_info. */
#include "save_state.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.pvh, "a", @note
	.balign 4
	.long 2f - 1f			/* namesz */
	.long 4f - 3f			/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
3:	.quad pvh_start
4:	.balign 4

	.section .head, "awx"
	.code32
	.globl pvh_start
pvh_start:
	SAVE_STATE_32 PROTO_PVH

	.section .data
	.globl setup16_handshake
setup16_handshake:
	.long 0
