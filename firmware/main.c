/* main.c: the boot sequence, in order. Each step is one file; see board.h for the plan. */
#include "board.h"
#include "error.h"

struct board board;

void main32(uint64_t reset_tsc)
{
	timing_reset(reset_tsc);
	fw_cfg_init(&board);		/* signature, DMA, CPUs, RAM, file directory */
	read_settings(&board);		/* opt/microrig/quiet and opt/microrig/boot */
	timing_mark(T_FW_CFG);
	probe_isa_devices(&board);	/* UART, PIT, PICs, RTC: present ones initialised */
	report_start(&board);		/* version, early stamps, fw_cfg and device lines */
	read_cmdline(&board);
	probe_virtio_slots(&board);	/* every virtio_mmio.device= on the command line */
	timing_mark(T_DEVICES);
	read_e820(&board);		/* QEMU's etc/e820 */
	build_tables(&board);		/* ACPI from etc/table-loader, else an MP table */
	build_e820(&board);		/* QEMU's map plus the firmware's reservations */
	timing_mark(T_TABLES);
	boot_kernel(&board);		/* returns only when QEMU gave no kernel */
	run_selftest(&board);
}
