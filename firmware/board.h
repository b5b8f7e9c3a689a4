/* board.h: what the firmware learns about the machine, and the boot steps that fill it in. */
#ifndef MICRORIG_BOARD_H
#define MICRORIG_BOARD_H

#include "io.h"

/*
 * Low-memory plan. The hand-off area is reserved in the e820 map so that the kernel never
 * reuses it while it still reads what the firmware left there (start_info, its memory map
 * and module list, the PVH command line, the MP table).
 */
#define MEM_PAGE_TABLES   0x1000   /* 6 pages: identity map of 4 GiB for the 64-bit entry */
#define MEM_SCRATCH       0x80000  /* fw_cfg directory while it is searched (abandoned) */
#define MEM_LOADER_SCRIPT 0x90000  /* etc/table-loader while it runs (abandoned) */
#define MEM_STACK_TOP     0x9c000  /* the firmware's own stack grows down from here */
#define MEM_STACK_LIMIT   0x98000  /* ...never below this (16 KiB): nothing may load above it */
#define MEM_HANDOFF       0x9c000  /* start of the reserved hand-off area */
#define MEM_BOOT_INFO     0x9c000  /* zero page, start_info (+ modules, memory map) */
#define MEM_CMDLINE       0x9d000  /* command line copy when QEMU gives no address */
#define MEM_CMDLINE_MAX   0x1000   /* bytes available there, NUL included */
#define MEM_MPTABLE       0x9fc00  /* MP floating pointer and table ("last KiB of base memory") */
#define MEM_HANDOFF_END   0xa0000
#define MEM_BIOS          0xf0000  /* this ROM's alias below 1 MiB */
#define MEM_BIOS_END      0x100000

#define E820_MAX          64       /* entries the firmware keeps */
#define VIRTIO_MAX        32       /* virtio_mmio.device= entries parsed from the cmdline */
#define RESERVE_MAX       8        /* firmware reservations merged into the e820 map */

enum e820_type {
	E820_RAM = 1,
	E820_RESERVED = 2,
	E820_ACPI = 3,
};

/* The 20-byte entry of etc/e820, int 15h and the zero page. */
struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/*
 * The firmware's own map entries: aligned, and laid out like PVH's hvm_memmap_table_entry,
 * so the PVH hand-off copies the map as it is.
 */
struct mem_range {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;	/* 0 */
};

struct virtio_slot {
	uint32_t base, size, irq, id_hint;
	uint32_t magic, version, device, vendor;
};

/* Hand-offs, in the order the default choice prefers them (fastest first). */
enum boot_protocol {
	BOOT_AUTO = 0,
	BOOT_BZIMAGE16,
	BOOT_BZIMAGE32,
	BOOT_BZIMAGE64,
	BOOT_PVH,
	BOOT_MULTIBOOT,
};

enum kernel_kind {
	KERNEL_NONE = 0,
	KERNEL_BZIMAGE,
	KERNEL_PVH,
	KERNEL_MULTIBOOT,
};

struct board {
	/* fw_cfg facts */
	int dma;
	uint32_t cpus;
	uint64_t ram_size;
	uint32_t irq0_override;
	uint32_t acpi_loader_select, acpi_loader_size;

	/* settings from opt/microrig/ */
	int quiet;
	enum boot_protocol forced;

	/* ISA devices: 1 = present */
	int pit, pic, pic_slave, rtc, serial;

	/* the kernel command line as QEMU passes it */
	char *cmdline;
	uint32_t cmdline_size;		/* strlen + 1, 0 when there is none */

	struct virtio_slot virtio[VIRTIO_MAX];
	int nr_virtio;

	/* memory map handed to the kernel */
	struct mem_range e820[E820_MAX];
	int nr_e820;
	uint64_t ram_below_4g;		/* end of the RAM entry that starts at 0 */
	uint32_t high_floor;		/* lowest byte used by tables allocated at the top of RAM */

	uint32_t acpi_rsdp;		/* 0 when QEMU offered no ACPI tables */
	uint32_t mptable;
};

extern struct board board;

/* boot steps, in the order main() calls them */
void timing_reset(uint64_t tsc);
void timing_mark(int stage);
void fw_cfg_init(struct board *b);
void read_settings(struct board *b);
void probe_isa_devices(struct board *b);
void report_start(struct board *b);
void read_cmdline(struct board *b);
void probe_virtio_slots(struct board *b);
void read_e820(struct board *b);
void build_e820(struct board *b);
void build_tables(struct board *b);
void boot_kernel(struct board *b);
void run_selftest(struct board *b);

/* helpers shared between steps */
void e820_reserve(struct board *b, uint32_t addr, uint32_t size, uint32_t type);
void report_e820(struct board *b);
void report_timing(int stage);


/* timing stages (docs/protocol.md `time` topic) */
enum stage { T_RESET, T_FW_CFG, T_DEVICES, T_TABLES, T_LOADED, T_JUMP, T_STAGES };

/* ISA device drivers, and the base port each reports */
#define PIT_BASE	0x40
#define PIC_BASE	0x20
#define RTC_BASE	0x70
int pit_probe_and_init(void);
void pic_probe_and_init(int *master, int *slave);
int rtc_probe_and_init(void);

#endif
