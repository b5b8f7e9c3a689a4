/* error.h: every way the firmware can fail, with its stable code (docs/protocol.md). */
#ifndef MICRORIG_ERROR_H
#define MICRORIG_ERROR_H

/* n in `exit value 0x20 + n`; names and numbers are part of the contract: only append. */
enum fw_error {
	ERR_FWCFG_SIGNATURE = 1,	/* fw_cfg does not answer "QEMU" */
	ERR_FWCFG_DMA,			/* a DMA transfer reported the error bit */
	ERR_E820_MISSING,		/* no etc/e820, or it is empty */
	ERR_E820_FULL,			/* more memory-map entries than the firmware keeps */
	ERR_KERNEL_EMPTY,		/* a kernel item of size zero */
	ERR_KERNEL_MAGIC,		/* neither bzImage, PVH ELF nor Multiboot */
	ERR_KERNEL_HEADER,		/* the bzImage setup header is inconsistent */
	ERR_KERNEL_TRUNCATED,		/* fewer bytes than the header promises */
	ERR_BOOT_UNSUPPORTED,		/* the forced hand-off is one this kernel cannot take */
	ERR_BOOT_OPTION,		/* opt/microrig/boot holds an unknown value */
	ERR_CMDLINE_TOO_LONG,		/* longer than the kernel (or the firmware) accepts */
	ERR_VIRTIO_SYNTAX,		/* malformed virtio_mmio.device= entry */
	ERR_ACPI_LOADER,		/* etc/table-loader cannot be carried out */
	ERR_NO_MEMORY,			/* the kernel, initrd or tables do not fit */
	ERR_NO_LONG_MODE,		/* 64-bit entry on a CPU without long mode */
	ERR_MULTIBOOT,			/* Multiboot information from QEMU is unusable */
};

/* Print the error line, write 0x20 + n to the exit port; never returns. */
void fail(enum fw_error err, const char *what) __attribute__((noreturn));

#endif
