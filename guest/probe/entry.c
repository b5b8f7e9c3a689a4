/* entry.c: how the probe was entered. The stubs recorded the registers; this
 * file turns them into the handoff's protocol/mode and checks them against
 * what each boot protocol promises (boot.rst "32-bit/64-bit boot protocol",
 * Xen's pvh.pandoc, the Multiboot 0.6.96 "Machine state"). */
#include "handoff.h"
#include "probe.h"
#include "report.h"
#include "string.h"

#define REAL_MODE_SEG_STEP	0x20	/* setup code: CS = base segment + 0x20 */
#define BOOT_CS			0x10	/* boot.rst __BOOT_CS */
#define BOOT_DS			0x18	/* boot.rst __BOOT_DS */
#define SEL_TI			0x04	/* selector refers to the LDT */
#define SEL_INDEX_MASK		0xfff8
#define FLAT_LIMIT		0xffffffffu

/* Segment descriptor fields (Intel SDM vol. 3, 3.4.5). */
#define DESC_TYPE_SHIFT		40
#define DESC_TYPE_CODE		0x8	/* in the 4-bit type: executable */
#define DESC_TYPE_RW		0x2	/* code: readable; data: writable */
#define DESC_S			(1ull << 44)	/* code/data, not system */
#define DESC_P			(1ull << 47)	/* present */
#define DESC_L			(1ull << 53)	/* 64-bit code */
#define DESC_DB			(1ull << 54)	/* 32-bit default size */
#define DESC_G			(1ull << 55)	/* 4 KiB limit granularity */

enum seg_kind { SEG_CODE32, SEG_CODE64, SEG_DATA };

void record_entry(struct handoff *h)
{
	const struct entry_state *e = &entry_state;

	h->protocol = (int)e->protocol;
	h->mode = (int)e->mode;
	h->tsc = e->tsc;
	h->info = (h->protocol == PROTO_PVH || h->protocol == PROTO_MULTIBOOT)
		  ? (uint32_t)e->rbx : e->rsi;
	/* setup16.S leaves its record's address in the handshake slot; the
	 * magic is written only at run time, so a copied image cannot fake it. */
	if (h->protocol == PROTO_BZIMAGE32 && setup16_handshake &&
	    ((const struct setup16_record *)(uintptr_t)setup16_handshake)->magic == S16_MAGIC_VALUE) {
		h->s16 = (const struct setup16_record *)(uintptr_t)setup16_handshake;
		h->protocol = PROTO_BZIMAGE16;
		h->mode = 16;
		h->tsc = h->s16->tsc;
	}
}

void report_entry(const struct handoff *h)
{
	const struct entry_state *e = &entry_state;

	report_line("entry protocol=%s mode=%d info=0x%llx", protocol_name(h->protocol), h->mode,
		    (unsigned long long)h->info);
	if (h->s16) {
		const struct setup16_record *r = h->s16;

		report_line("regs16 cs=0x%x ds=0x%x es=0x%x ss=0x%x fs=0x%x gs=0x%x esp=0x%x eflags=0x%x cr0=0x%x e820_count=%u e820_status=%u",
			    r->cs, r->ds, r->es, r->ss, r->fs, r->gs, r->esp, r->eflags, r->cr0,
			    r->e820_count, r->e820_status);
	}
	report_line("regs rax=0x%llx rbx=0x%llx rcx=0x%llx rdx=0x%llx rsi=0x%llx rdi=0x%llx rbp=0x%llx rsp=0x%llx rflags=0x%llx",
		    (unsigned long long)e->rax, (unsigned long long)e->rbx, (unsigned long long)e->rcx,
		    (unsigned long long)e->rdx, (unsigned long long)e->rsi, (unsigned long long)e->rdi,
		    (unsigned long long)e->rbp, (unsigned long long)e->rsp, (unsigned long long)e->rflags);
	report_line("sregs cs=0x%llx ds=0x%llx es=0x%llx ss=0x%llx fs=0x%llx gs=0x%llx gdt_base=0x%llx gdt_limit=0x%x cr0=0x%llx cr3=0x%llx cr4=0x%llx efer=0x%llx",
		    (unsigned long long)e->cs, (unsigned long long)e->ds, (unsigned long long)e->es,
		    (unsigned long long)e->ss, (unsigned long long)e->fs, (unsigned long long)e->gs,
		    (unsigned long long)e->gdtr_base, e->gdtr_limit, (unsigned long long)e->cr0,
		    (unsigned long long)e->cr3, (unsigned long long)e->cr4, (unsigned long long)e->efer);
}

static void check_protocol(const struct handoff *h, const struct expect *x)
{
	const char *got = protocol_name(h->protocol);

	if (!x->entry) {
		skip("entry-protocol", "no probe.entry key on the command line");
		return;
	}
	check("entry-protocol", strlen(got) == x->entry_len && !strncmp(got, x->entry, x->entry_len),
	      "the firmware used the hand-off named by probe.entry", "entered via %s", got);
}

static void check_mode(const struct handoff *h)
{
	const struct entry_state *e = &entry_state;
	bool ok;

	switch (h->mode) {
	case 16:
		check("entry-mode", !(h->s16->cr0 & CR0_PE),
		      "the 16-bit setup entry runs in real mode (CR0.PE clear)",
		      "cr0=0x%x", h->s16->cr0);
		return;
	case 32:
		ok = (e->cr0 & CR0_PE) && !(e->cr0 & CR0_PG) && !(e->efer & EFER_LMA);
		check("entry-mode", ok,
		      "the 32-bit entry runs in protected mode with paging off and long mode inactive",
		      "cr0=0x%llx efer=0x%llx", (unsigned long long)e->cr0, (unsigned long long)e->efer);
		return;
	default:
		ok = (e->cr0 & CR0_PG) && (e->efer & EFER_LMA);
		check("entry-mode", ok, "the 64-bit entry runs in long mode with paging on",
		      "cr0=0x%llx efer=0x%llx", (unsigned long long)e->cr0, (unsigned long long)e->efer);
	}
}

static void check_interrupts(const struct handoff *h)
{
	uint64_t flags = h->s16 ? h->s16->eflags : entry_state.rflags;

	check("entry-interrupts-off", !(flags & EFLAGS_IF) && !(flags & EFLAGS_VM),
	      "the kernel is entered with interrupts disabled (EFLAGS.IF and VM clear)",
	      "eflags=0x%llx", (unsigned long long)flags);
}

/* Reads the descriptor for sel from the loader's GDT; false if unreadable. */
static bool gdt_descriptor(uint16_t sel, uint64_t *desc)
{
	const struct entry_state *e = &entry_state;
	uint64_t off = sel & SEL_INDEX_MASK;

	if ((sel & SEL_TI) || !off || off + 7 > e->gdtr_limit || !addr_ok(e->gdtr_base + off, 8))
		return false;
	memcpy(desc, (const void *)(uintptr_t)(e->gdtr_base + off), 8);
	return true;
}

static bool segment_is(uint16_t sel, enum seg_kind kind)
{
	uint64_t d;

	if (!gdt_descriptor(sel, &d))
		return false;
	unsigned type = (d >> DESC_TYPE_SHIFT) & 0xf;
	uint64_t base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
	uint64_t limit = (d & 0xffff) | ((d >> 32) & 0xf0000);

	if (d & DESC_G)
		limit = (limit << 12) | 0xfff;
	if (!(d & DESC_P) || !(d & DESC_S) || !(type & DESC_TYPE_RW))
		return false;
	bool flat = base == 0 && limit == FLAT_LIMIT;

	switch (kind) {
	case SEG_CODE64:
		return (type & DESC_TYPE_CODE) && (d & DESC_L) && !(d & DESC_DB);
	case SEG_CODE32:
		return (type & DESC_TYPE_CODE) && flat && (d & DESC_DB) && !(d & DESC_L);
	default:
		return !(type & DESC_TYPE_CODE) && flat;
	}
}

static void check_segments(const struct handoff *h)
{
	const struct entry_state *e = &entry_state;
	uint16_t cs = e->cs, ds = e->ds, es = e->es, ss = e->ss, fs = e->fs, gs = e->gs;
	bool data = segment_is(ds, SEG_DATA) && segment_is(es, SEG_DATA) && segment_is(ss, SEG_DATA);

	switch (h->protocol) {
	case PROTO_BZIMAGE16: {
		const struct setup16_record *r = h->s16;

		check("entry-segments", r->cs == r->ds + REAL_MODE_SEG_STEP && r->es == r->ds && r->ss == r->ds,
		      "the setup code is entered at CS = DS + 0x20 with ES = SS = DS",
		      "cs=0x%x ds=0x%x es=0x%x ss=0x%x", r->cs, r->ds, r->es, r->ss);
		return;
	}
	case PROTO_BZIMAGE32:
	case PROTO_BZIMAGE64: {
		enum seg_kind code = h->protocol == PROTO_BZIMAGE64 ? SEG_CODE64 : SEG_CODE32;

		check("entry-segments",
		      cs == BOOT_CS && ds == BOOT_DS && es == BOOT_DS && ss == BOOT_DS &&
		      segment_is(cs, code) && data,
		      "CS is __BOOT_CS (0x10) and DS/ES/SS are __BOOT_DS (0x18), flat 4 GiB in the loaded GDT",
		      "cs=0x%x ds=0x%x es=0x%x ss=0x%x gdt=0x%llx", cs, ds, es, ss,
		      (unsigned long long)e->gdtr_base);
		return;
	}
	case PROTO_MULTIBOOT:
		data = data && segment_is(fs, SEG_DATA) && segment_is(gs, SEG_DATA);
		/* fall through */
	default:
		check("entry-segments", segment_is(cs, SEG_CODE32) && data,
		      h->protocol == PROTO_MULTIBOOT
		      ? "CS is flat 32-bit code and DS/ES/FS/GS/SS flat data, as Multiboot requires"
		      : "CS is flat 32-bit code and DS/ES/SS flat data, as PVH requires",
		      "cs=0x%x ds=0x%x es=0x%x ss=0x%x fs=0x%x gs=0x%x gdt=0x%llx", cs, ds, es, ss, fs,
		      gs, (unsigned long long)e->gdtr_base);
	}
}

static void check_registers(const struct handoff *h)
{
	const struct entry_state *e = &entry_state;

	switch (h->protocol) {
	case PROTO_BZIMAGE32:
		check("entry-registers", !(uint32_t)e->rbx && !(uint32_t)e->rbp && !(uint32_t)e->rdi,
		      "EBX, EBP and EDI are zero at the 32-bit entry, as boot.rst requires",
		      "ebx=0x%llx ebp=0x%llx edi=0x%llx", (unsigned long long)e->rbx,
		      (unsigned long long)e->rbp, (unsigned long long)e->rdi);
		break;
	case PROTO_PVH:
		check("entry-registers", e->cr4 == 0, "CR4 is all clear at the PVH entry",
		      "cr4=0x%llx", (unsigned long long)e->cr4);
		break;
	default:
		break;
	}
}

void entry_check(const struct handoff *h, const struct expect *x)
{
	check_protocol(h, x);
	check_mode(h);
	check_interrupts(h);
	check_segments(h);
	check_registers(h);
	check("entry-boot-info", h->info && addr_ok(h->info, 64),
	      "the boot information pointer is set and points into the first 4 GiB",
	      "info=0x%llx", (unsigned long long)h->info);
}
