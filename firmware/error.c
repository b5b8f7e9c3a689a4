/*
 * error.c: the single way out on failure. The error line is printed even in quiet mode,
 * then the exit port ends the VM. Halting is only the last resort, for a machine without
 * an exit device, and then with interrupts off so that nothing else runs.
 */
#include "board.h"
#include "error.h"
#include "report.h"

#define EXIT_PORT        0xf4	/* isa-debug-exit, 32-bit write: status (v << 1) | 1 */
#define EXIT_ERROR_BASE  0x20	/* firmware error n exits with 0x20 + n */

static const char *const error_names[] = {
	[ERR_FWCFG_SIGNATURE]	= "FWCFG_SIGNATURE",
	[ERR_FWCFG_DMA]		= "FWCFG_DMA",
	[ERR_E820_MISSING]	= "E820_MISSING",
	[ERR_E820_FULL]		= "E820_FULL",
	[ERR_KERNEL_EMPTY]	= "KERNEL_EMPTY",
	[ERR_KERNEL_MAGIC]	= "KERNEL_MAGIC",
	[ERR_KERNEL_HEADER]	= "KERNEL_HEADER",
	[ERR_KERNEL_TRUNCATED]	= "KERNEL_TRUNCATED",
	[ERR_BOOT_UNSUPPORTED]	= "BOOT_UNSUPPORTED",
	[ERR_BOOT_OPTION]	= "BOOT_OPTION",
	[ERR_CMDLINE_TOO_LONG]	= "CMDLINE_TOO_LONG",
	[ERR_VIRTIO_SYNTAX]	= "VIRTIO_SYNTAX",
	[ERR_ACPI_LOADER]	= "ACPI_LOADER",
	[ERR_NO_MEMORY]		= "NO_MEMORY",
	[ERR_NO_LONG_MODE]	= "NO_LONG_MODE",
	[ERR_MULTIBOOT]		= "MULTIBOOT",
};

void fail(enum fw_error err, const char *what)
{
	line_ptr = line_buf;	/* a failure may interrupt a line being built */
	line_begin("error");
	line_word("code", error_names[err]);
	line_quoted("what", what);
	line_end_always();
	outl(EXIT_PORT, EXIT_ERROR_BASE + err);
	for (;;)
		__asm__ volatile("cli; hlt");
}
