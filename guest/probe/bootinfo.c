/* bootinfo.c: dispatch to the structure of the protocol used (zero page,
 * hvm_start_info or Multiboot info), the command line, and the expectations
 * the harness wrote into it as probe.* keys (README.md lists them). */
#include "cmdline.h"
#include "console.h"
#include "handoff.h"
#include "probe.h"
#include "report.h"
#include "string.h"

#define CMDLINE_SCAN_MAX	65536	/* when the protocol sets no limit */
#define CMDLINE_PRINT_MAX	4096

const char *protocol_name(int protocol)
{
	switch (protocol) {
	case PROTO_PVH: return "pvh";
	case PROTO_BZIMAGE16: return "bzimage16";
	case PROTO_BZIMAGE32: return "bzimage32";
	case PROTO_BZIMAGE64: return "bzimage64";
	case PROTO_MULTIBOOT: return "multiboot";
	default: return "unknown";
	}
}

bool addr_ok(uint64_t base, uint64_t size)
{
	return base < ADDR_LIMIT && size <= ADDR_LIMIT - base;
}

uint32_t e820_type_of(const struct handoff *h, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < h->e820_count; i++) {
		const struct e820_entry *e = &h->e820[i];

		if (base >= e->base && base + size <= e->base + e->size && e->size)
			return e->type;
	}
	return 0;
}

void read_boot_info(struct handoff *h)
{
	if (!addr_ok(h->info, 64) || !h->info)
		return;
	switch (h->protocol) {
	case PROTO_PVH:
		pvh_read(h);
		break;
	case PROTO_MULTIBOOT:
		multiboot_read(h);
		break;
	default:
		zeropage_read(h);
		break;
	}
}

void boot_info_check(const struct handoff *h, const struct expect *x)
{
	if (!h->info || !addr_ok(h->info, 64)) {
		skip("boot-info", "no readable boot information structure to check");
		return;
	}
	switch (h->protocol) {
	case PROTO_PVH:
		pvh_check(h, x);
		break;
	case PROTO_MULTIBOOT:
		multiboot_check(h, x);
		break;
	default:
		zeropage_check(h, x);
		break;
	}
}

/* The command line as a C string, or "" when there is none to read. */
static const char *cmdline_text(const struct handoff *h)
{
	uint64_t max = h->cmdline_max ? h->cmdline_max : CMDLINE_SCAN_MAX;

	if (!h->cmdline || !addr_ok(h->cmdline, 1))
		return "";
	const char *s = (const char *)(uintptr_t)h->cmdline;

	return strnlen(s, max) < max ? s : "";
}

void report_cmdline(const struct handoff *h)
{
	printk("probe: cmdline addr=0x%llx value=", (unsigned long long)h->cmdline);
	report_quoted(cmdline_text(h), CMDLINE_PRINT_MAX);
	console_putc('\n');
}

/* The probe.* keys this payload knows (README.md), and what their values are. */
enum key_kind { KEY_NUMBER, KEY_WORD, KEY_HEX, KEY_INITRD };

static const struct {
	const char *name;
	enum key_kind kind;
} known_keys[] = {
	{ "mem", KEY_NUMBER }, { "cpus", KEY_NUMBER }, { "entry", KEY_WORD }, { "initrd", KEY_INITRD },
	{ "crc", KEY_HEX }, { "suite", KEY_WORD }, { "pit", KEY_NUMBER }, { "pic", KEY_NUMBER },
	{ "rtc", KEY_NUMBER }, { "serial", KEY_NUMBER }, { "ioapic", KEY_NUMBER }, { "epoch", KEY_NUMBER },
	{ "rate_tolerance", KEY_NUMBER }, { "exit", KEY_WORD },
};

static bool value_ok(enum key_kind kind, const char *v, size_t len)
{
	uint64_t n;
	const char *colon;

	switch (kind) {
	case KEY_NUMBER:
		return parse_u64(v, len, &n);
	case KEY_HEX:
		return parse_hex(v, len, &n);
	case KEY_INITRD:
		colon = memchr(v, ':', len);
		return colon && parse_u64(v, (size_t)(colon - v), &n) &&
		       parse_hex(colon + 1, len - (size_t)(colon - v) - 1, &n);
	default:
		return len > 0;
	}
}

/* Every probe.* word must be a known key with a well-formed value: a typo in
 * the harness would otherwise turn a check into a silent SKIP. */
static void check_keys(const char *c)
{
	const char *bad = NULL;
	size_t bad_len = 0;

	for (const char *p = c; *p;) {
		while (*p == ' ')
			p++;
		const char *w = p;

		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - w) < 6 || strncmp(w, "probe.", 6) || bad)
			continue;
		const char *eq = memchr(w, '=', (size_t)(p - w));
		bool ok = false;

		for (size_t i = 0; eq && i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
			if ((size_t)(eq - w - 6) == strlen(known_keys[i].name) &&
			    !strncmp(w + 6, known_keys[i].name, (size_t)(eq - w - 6)))
				ok = value_ok(known_keys[i].kind, eq + 1, (size_t)(p - eq - 1));
		if (!ok)
			bad = w, bad_len = (size_t)(p - w);
	}
	char word[64] = "";

	if (bad)
		memcpy(word, bad, bad_len < sizeof(word) - 1 ? bad_len : sizeof(word) - 1);
	check("cmdline-keys", !bad, "every probe.* key on the command line is known and well-formed",
	      "bad key %s", word);
}

void parse_expectations(const struct handoff *h, struct expect *x)
{
	const char *c = cmdline_text(h);
	size_t len;
	const char *v;

	x->has_mem = cmdline_u64(c, "probe.mem", &x->mem);
	x->has_cpus = cmdline_u64(c, "probe.cpus", &x->cpus);
	x->entry = cmdline_value(c, "probe.entry", &len);
	x->entry_len = (unsigned)len;
	v = cmdline_value(c, "probe.crc", &len);
	x->has_crc = v && parse_hex(v, len, &x->crc);
	v = cmdline_value(c, "probe.initrd", &len);
	if (v) {
		const char *colon = memchr(v, ':', len);

		x->has_initrd = colon && parse_u64(v, (size_t)(colon - v), &x->initrd_size) &&
				parse_hex(colon + 1, len - (size_t)(colon - v) - 1, &x->initrd_crc);
	}
	check_keys(c);
	report_line("expect mem=%llu cpus=%llu initrd_size=%llu initrd_crc=0x%08llx crc=0x%08llx",
		    (unsigned long long)(x->has_mem ? x->mem : 0),
		    (unsigned long long)(x->has_cpus ? x->cpus : 0),
		    (unsigned long long)(x->has_initrd ? x->initrd_size : 0),
		    (unsigned long long)(x->has_initrd ? x->initrd_crc : 0),
		    (unsigned long long)(x->has_crc ? x->crc : 0));
}
