/* head_pvh.S: the PVH form: its entry named by the PVH note (pvh_note.h), entered in
 * flat protected mode, paging off, with EBX = the hvm_start_info. */
#include "save_state.h"

#include "pvh_note.h"

	PVH_NOTE pvh_start, 8

	.section .head, "awx"
	.code32
	.globl pvh_start
pvh_start:
	SAVE_STATE_32 PROTO_PVH

	.section .data
	.globl setup16_handshake
setup16_handshake:
	.long 0
