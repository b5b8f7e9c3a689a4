/* machine.c: the microvm memory map: RAM from 0 (at most 3 GiB below 4 GiB, the rest from
 * 4 GiB), the firmware as writable memory ending at 4 GiB with its last 128 KiB (at most)
 * aliased below 1 MiB, and the virtio-mmio slots. */
#include "machine.h"
#include "chardev.h"
#include "kvm.h"
#include "util.h"

#include <errno.h>
#include <netdb.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ROM_SIZE_UNIT (64 * KiB)	/* QEMU: the BIOS size must be a multiple of 64 KiB */
#define ROM_SIZE_MAX  (16 * MiB)
#define GUEST_RAM_ALIGN (2 * MiB)	/* an x86 huge page: see machine_map_guest_ram() */

/* Every file the command line names must be readable: checked before KVM is touched, so
 * a typo fails fast and the same way on a host without KVM. */
/* A file to read must be a readable regular file (a directory passes access(2)); an empty
 * one is refused where that is what `empty` says. */
static void check_input(const char *opt, const char *path, const char *cannot,
			bool refuse_empty)
{
	struct stat st;
	if (access(path, R_OK) || stat(path, &st))
		die("%s %s: %s: %s", opt, path, cannot, strerror(errno));
	if (S_ISDIR(st.st_mode))
		die("%s %s: is a directory", opt, path);
	if (refuse_empty && S_ISREG(st.st_mode) && st.st_size == 0)
		die("%s %s: is empty", opt, path);
}

/* An output file's folder must exist: fail now, not after the VM has started. */
static void check_output(const char *opt, const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = 0;
	struct stat st;
	if (dir[0] && (stat(dir, &st) || !S_ISDIR(st.st_mode)))
		die("%s %s: cannot create it: %s is not a directory", opt, path, dir);
}

void machine_check_files(struct vm *vm)
{
	struct options *o = vm->opt;
	const char *bios = o->bios ? o->bios : MACHINE_DEFAULT_BIOS;
	if (access(bios, R_OK))
		die("-bios %s: could not load PC BIOS: %s", bios, strerror(errno));
	if (o->kernel)
		check_input("-kernel", o->kernel, "could not open kernel file", true);
	/* A Multiboot -initrd is a list ("file args,file"): the loader checks each. */
	if (o->initrd && !strpbrk(o->initrd, ", ") && access(o->initrd, R_OK))
		die("-initrd %s: could not open: %s", o->initrd, strerror(errno));
	for (int i = 0; i < o->ndrives; i++) {
		struct stat st;
		if (access(o->drives[i].file, o->drives[i].readonly ? R_OK : R_OK | W_OK))
			die("-drive id=%s,file=%s: could not open: %s", o->drives[i].id,
			    o->drives[i].file, strerror(errno));
		if (!stat(o->drives[i].file, &st) && S_ISDIR(st.st_mode))
			die("-drive id=%s,file=%s: is a directory", o->drives[i].id,
			    o->drives[i].file);
	}
	for (int i = 0; i < o->nchardevs; i++) {
		if (o->chardevs[i].kind == CHR_FILE)
			check_output("-chardev", o->chardevs[i].path);
		/* An unknown host= is a bad command line too: say so before KVM is opened. */
		if (o->chardevs[i].kind == CHR_SOCKET && o->chardevs[i].host)
			freeaddrinfo(chardev_resolve(&o->chardevs[i]));
	}
	if (o->serial && !strncmp(o->serial, "file:", 5))
		check_output("-serial", o->serial + 5);
	for (int i = 0; i < o->nfwcfgs; i++)
		if (o->fwcfgs[i].file && access(o->fwcfgs[i].file, R_OK))
			die("-fw_cfg name=%s,file=%s: %s", o->fwcfgs[i].name, o->fwcfgs[i].file,
			    strerror(errno));
}

void machine_resolve_toggles(struct vm *vm)
{
	struct options *o = vm->opt;
	/* QEMU microvm under KVM: pit and pic auto = on, rtc auto = off. */
	vm->has_pit = o->pit != OPT_OFF;
	vm->has_pic = o->pic != OPT_OFF;
	vm->has_rtc = o->rtc == OPT_ON;
	vm->has_serial = o->isa_serial;
	vm->ncpus = o->cpus;
}

/* Anonymous, lazily populated memory: untouched guest pages cost nothing. */
static uint8_t *map_anonymous(uint64_t size, const char *what)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		die("cannot map %llu MiB of %s: %s", (unsigned long long)(size / MiB), what,
		    strerror(errno));
	return p;
}

void machine_load_bios(struct vm *vm)
{
	const char *path = vm->opt->bios ? vm->opt->bios : MACHINE_DEFAULT_BIOS;
	size_t size;
	uint8_t *image = read_file(path, &size);
	if (!image)
		die("-bios %s: could not load PC BIOS: %s", path, strerror(errno));
	if (size == 0 || size % ROM_SIZE_UNIT || size > ROM_SIZE_MAX) {
		free(image);
		die("-bios %s: could not load PC BIOS: size %zu is not a non-zero multiple of "
		    "64 KiB up to 16 MiB", path, size);
	}
	vm->rom_size = size;
	vm->rom = map_anonymous(size, "firmware");
	memcpy(vm->rom, image, size);
	free(image);
}

/*
 * Guest RAM starts on a 2 MiB boundary of mvm's address space. KVM maps a 2 MiB guest frame
 * with one nested page table entry only when the host backs it with a huge page and the
 * host address and the guest address agree modulo 2 MiB (the memslot's lpage check), which
 * an mmap at a 4 KiB boundary breaks for all of RAM. The first 2 MiB are the exception: the
 * ISA BIOS alias cuts them into three memslots, so KVM maps them 4 KiB at a time whatever
 * backs them, and a transparent huge page there would only make the firmware's first touch
 * of low memory clear 2 MiB instead of the few pages it uses (measured nested, where
 * clearing is slow: 7-10 ms of mvm's start-up in about half the boots, while the PVH
 * loader wrote below 2 MiB).
 */
uint8_t *machine_map_guest_ram(uint64_t size)
{
	uint8_t *p = map_anonymous(size + GUEST_RAM_ALIGN, "guest RAM");
	uint64_t head = -(uint64_t)(uintptr_t)p & (GUEST_RAM_ALIGN - 1);
	if (head)
		munmap(p, head);
	if (GUEST_RAM_ALIGN - head)
		munmap(p + head + size, GUEST_RAM_ALIGN - head);
	p += head;
	madvise(p, size < GUEST_RAM_ALIGN ? size : GUEST_RAM_ALIGN, MADV_NOHUGEPAGE);
	return p;
}

void machine_map_ram(struct vm *vm)
{
	uint64_t ram = vm->opt->ram_size;
	vm->ram_size = ram;
	vm->ram_below_4g = ram < MACHINE_MAX_BELOW_4G ? ram : MACHINE_MAX_BELOW_4G;
	vm->ram_above_4g = ram - vm->ram_below_4g;
	vm->ram = machine_map_guest_ram(ram);

	uint64_t alias = vm->rom_size < MACHINE_ISA_BIOS_MAX ? vm->rom_size : MACHINE_ISA_BIOS_MAX;
	uint64_t alias_base = MACHINE_ISA_BIOS_END - alias;
	uint8_t *alias_host = vm->rom + vm->rom_size - alias;
	uint64_t low_end = vm->ram_below_4g < alias_base ? vm->ram_below_4g : alias_base;

	/* The ISA BIOS alias hides the RAM beneath it, as QEMU's overlapping region does. */
	guest_mem_add(&vm->mem, 0, low_end, vm->ram);
	guest_mem_add(&vm->mem, alias_base, alias, alias_host);
	if (vm->ram_below_4g > MACHINE_ISA_BIOS_END)
		guest_mem_add(&vm->mem, MACHINE_ISA_BIOS_END,
			      vm->ram_below_4g - MACHINE_ISA_BIOS_END,
			      vm->ram + MACHINE_ISA_BIOS_END);
	guest_mem_add(&vm->mem, MACHINE_HIGH_RAM_BASE - vm->rom_size, vm->rom_size, vm->rom);
	if (vm->ram_above_4g)
		guest_mem_add(&vm->mem, MACHINE_HIGH_RAM_BASE, vm->ram_above_4g,
			      vm->ram + vm->ram_below_4g);
}

void machine_map_memory(struct vm *vm)
{
	for (int i = 0; i < vm->mem.n; i++)
		kvm_add_memory(vm, vm->mem.r[i].gpa, vm->mem.r[i].size, vm->mem.r[i].host);
}

int machine_claim_virtio_slot(struct vm *vm, uint64_t *base, unsigned *irq)
{
	if (vm->virtio_slots_used == MACHINE_VIRTIO_SLOTS)
		return -1;
	int slot = MACHINE_VIRTIO_SLOTS - 1 - vm->virtio_slots_used++;
	*base = MACHINE_VIRTIO_SLOT_BASE(slot);
	*irq = MACHINE_VIRTIO_SLOT_IRQ(slot);
	return slot;
}

void machine_append_cmdline(struct vm *vm, const char *text)
{
	size_t old = vm->cmdline ? strlen(vm->cmdline) : 0;
	char *s = xzalloc(old + strlen(text) + 2);
	snprintf(s, old + strlen(text) + 2, "%s %s", vm->cmdline ? vm->cmdline : "", text);
	free(vm->cmdline);
	vm->cmdline = s;
}
