/* layout.h: constants shared by the assembly files (kept in step with board.h). */
#ifndef MICRORIG_LAYOUT_H
#define MICRORIG_LAYOUT_H

#define BIOS_BASE	0xf0000		/* where this image runs (its alias below 1 MiB) */
#define BIOS_SEG	0xf000
#define STACK_TOP	0x9c000		/* MEM_STACK_TOP */

#define SEL_CODE16	0x08
#define SEL_CODE32	0x10
#define SEL_DATA32	0x18
#define SEL_DATA16	0x20
#define SEL_CODE64	0x10		/* in gdt64 */

#define CR0_PE		0x00000001	/* protected mode */
#define CR0_NW		0x20000000	/* not write-through */
#define CR0_CD		0x40000000	/* cache disable */
#define CR0_PG		0x80000000	/* paging */
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100	/* long mode enable */

#define UART_THR	0x3f8
#define UART_LSR	0x3fd
#define UART_LSR_THRE	0x20
#define E820_SMAP	0x534d4150	/* "SMAP" */
#define E820_ENTRY_SIZE	20
#define BIOS_UNSUPPORTED 0x86		/* AH on return: function not supported */

#endif
