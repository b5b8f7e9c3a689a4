/* entry_state.h: what the entry stubs record before touching anything, shared
 * by the assembly (offsets) and C (struct). Every slot is 64 bits wide; a
 * 32-bit stub fills the low half and the upper half stays 0 from the image. */
#ifndef PROBE_ENTRY_STATE_H
#define PROBE_ENTRY_STATE_H

/* Entry protocols, as the stubs know them (values shared with assembly). */
#define PROTO_PVH		1
#define PROTO_BZIMAGE16		2
#define PROTO_BZIMAGE32		3
#define PROTO_BZIMAGE64		4
#define PROTO_MULTIBOOT		5

#define ES_TSC		0
#define ES_PROTOCOL	8
#define ES_MODE		16
#define ES_RAX		24
#define ES_RBX		32
#define ES_RCX		40
#define ES_RDX		48
#define ES_RSI		56
#define ES_RDI		64
#define ES_RBP		72
#define ES_RSP		80
#define ES_RFLAGS	88
#define ES_CR0		96
#define ES_CR3		104
#define ES_CR4		112
#define ES_EFER		120
#define ES_CS		128
#define ES_DS		136
#define ES_ES		144
#define ES_SS		152
#define ES_FS		160
#define ES_GS		168
#define ES_GDTR		176	/* sgdt image: limit (16 bits), then base */
#define ES_SIZE		192

/* The 16-bit setup's record (in the setup segment), see setup16.S. */
#define S16_MAGIC_VALUE	0x52363150	/* "P16R": written only when setup16 ran */
#define S16_MAGIC	0
#define S16_TSC		4
#define S16_CS		12
#define S16_DS		14
#define S16_ES		16
#define S16_SS		18
#define S16_FS		20
#define S16_GS		22
#define S16_ESP		24
#define S16_EFLAGS	28
#define S16_CR0		32
#define S16_E820_COUNT	36
#define S16_E820_STATUS	40	/* 0 ok, 1 int 15h failed at once, 2 bad signature */
#define S16_SIZE	44

/* Offset in the protected-mode image (from code32_start) where setup16 writes
 * the linear address of its record before jumping to code32_start. */
#define HANDSHAKE_OFFSET	0x3f0

#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)	/* long mode enable */
#define EFER_LMA	(1 << 10)	/* long mode active */
#define CR0_PE		(1 << 0)	/* protection enable */
#define CR0_PG		(1 << 31)	/* paging */
#define CR4_PAE		(1 << 5)	/* physical address extension */
#define EFLAGS_IF	(1 << 9)	/* interrupts enabled */
#define EFLAGS_VM	(1 << 17)	/* virtual-8086 mode */

/* The probe's own GDT (entry64.S). */
#define SEL_CODE32	0x08
#define SEL_CODE64	0x10
#define SEL_DATA	0x18

#ifndef __ASSEMBLER__
#include <stdint.h>

struct entry_state {
	uint64_t tsc, protocol, mode;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t cs, ds, es, ss, fs, gs;
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	uint8_t pad[6];
} __attribute__((packed));

struct setup16_record {
	uint32_t magic;
	uint64_t tsc;
	uint16_t cs, ds, es, ss, fs, gs;
	uint32_t esp, eflags, cr0;
	uint32_t e820_count, e820_status;
} __attribute__((packed));

_Static_assert(sizeof(struct entry_state) == ES_SIZE, "entry_state layout");
_Static_assert(sizeof(struct setup16_record) == S16_SIZE, "setup16 record layout");

extern struct entry_state entry_state;
extern volatile uint32_t setup16_handshake;
#endif

#endif
