/* pvh_note.h (for .S files): the ELF note that makes a payload a PVH kernel. Xen's
 * XEN_ELFNOTE_PHYS32_ENTRY names the 32-bit entry; a loader (QEMU's, mvm's) enters it in
 * flat protected mode, paging off, with EBX = the hvm_start_info. The descriptor is the
 * entry's address, 4 or 8 bytes wide: loaders take either. */
#ifndef GUEST_LIB_PVH_NOTE_H
#define GUEST_LIB_PVH_NOTE_H

#define XEN_ELFNOTE_PHYS32_ENTRY 18

.macro PVH_NOTE entry, bytes=4
	.pushsection .note.pvh, "a", @note
	.balign 4
	.long 2f - 1f			/* namesz */
	.long 4f - 3f			/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
.if \bytes == 8
3:	.quad \entry
.else
3:	.long \entry
.endif
4:	.balign 4
	.popsection
.endm

#endif
