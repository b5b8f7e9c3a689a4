/* main.c: the hostile payload. Picks the variant named by hostile=<name> on the kernel
 * command line, runs it, prints its result line and exits with debug-exit value 0. */
#include <stdarg.h>

#include "cmdline.h"
#include "console.h"
#include "fmt.h"
#include "hostile.h"
#include "report.h"
#include "string.h"

#define START_INFO_CMDLINE 0x18		/* hvm_start_info.cmdline_paddr (u64) */

struct variant {
	const char *name;
	void (*run)(void);
};

static const struct variant variants[] = {
	{ "fwcfg", variant_fwcfg },
	{ "virtq", variant_virtq },
	{ "ports", variant_ports },
	{ "mmio", variant_mmio },
	{ "blk-flush", variant_blk_flush },
	{ "blk-readonly", variant_blk_readonly },
};

char result_detail[RESULT_MAX];
const char *cmdline = "";

void detail(const char *fmt, ...)
{
	size_t used = strlen(result_detail);
	va_list ap;

	va_start(ap, fmt);
	vsnformat(result_detail + used, sizeof(result_detail) - used, fmt, ap);
	va_end(ap);
}

void hostile_main(uint32_t start_info)
{
	uint32_t cl = *(volatile uint32_t *)(start_info + START_INFO_CMDLINE);

	console_init();
	if (cl)
		cmdline = (const char *)cl;
	for (unsigned i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		if (!cmdline_is(cmdline, "hostile", variants[i].name))
			continue;
		printk("hostile: start variant=%s cmdline=\"%s\"\n", variants[i].name, cmdline);
		variants[i].run();
		printk("hostile: result variant=%s outcome=survived %s\n", variants[i].name,
		       result_detail);
		vm_exit(0);
	}
	printk("hostile: result variant=unknown outcome=error what=\"no hostile=<variant> on the command line\"\n");
	vm_exit(1);
}
