/* test_loader.c: the bzImage and PVH loaders fill fw_cfg as QEMU 7.2's x86_load_linux():
 * patched setup header, addresses, command line, initrd at the top of low RAM; and bad
 * kernels (truncated, lying headers, segments outside RAM, no PVH note) are clear errors. */
#include "check.h"
#include "fw_cfg.h"
#include "loader.h"
#include "util.h"

#include <string.h>

#define RAM_SIZE (4 * MiB)
static uint8_t ram[RAM_SIZE];
static struct guest_mem mem;
static struct fw_cfg f;
static uint8_t file[64 * 1024];

static uint32_t item32(uint16_t key)
{
	const struct fw_cfg_item *it = fw_cfg_find(&f, key);
	return it && it->len >= 4 ? get_le32(it->data) : 0xdeadbeef;
}

static struct load_params params(size_t size, const char *cmdline)
{
	memset(&mem, 0, sizeof(mem));
	guest_mem_add(&mem, 0, RAM_SIZE, ram);
	fw_cfg_init(&f, &mem);
	return (struct load_params){ .kernel_path = "k", .cmdline = cmdline, .kernel = file,
				     .kernel_size = size, .ram_below_4g = RAM_SIZE, .mem = &mem,
				     .fw_cfg = &f };
}

static void make_bzimage(uint8_t setup_sects)
{
	memset(file, 0x90, sizeof(file));
	file[0x1f1] = setup_sects;
	put_le32(file + 0x202, 0x53726448);	/* HdrS */
	put_le16(file + 0x206, 0x020f);
	file[0x211] = 0x01;			/* LOADED_HIGH */
	put_le32(file + 0x22c, 0x7fffffff);
	put_le16(file + 0x236, 0x0008);		/* XLF_CAN_BE_LOADED_ABOVE_4G */
}

static void test_bzimage(void)
{
	static const uint8_t initrd[5000];
	make_bzimage(4);
	struct load_params p = params(sizeof(file), "console=ttyS0");
	p.initrd_path = "i";
	p.initrd = initrd;
	p.initrd_size = sizeof(initrd);
	report(loader_load(&p) == 0, "a bzImage loads (%s)", p.err);
	report(item32(FW_CFG_SETUP_ADDR) == 0x10000 && item32(FW_CFG_KERNEL_ADDR) == 0x100000 &&
	       item32(FW_CFG_CMDLINE_ADDR) == 0x20000, "high recent kernel: setup 0x10000, kernel 1 MiB, cmdline 0x20000");
	report(item32(FW_CFG_SETUP_SIZE) == 5 * 512 && item32(FW_CFG_KERNEL_SIZE) == sizeof(file) - 5 * 512,
	       "setup is (setup_sects + 1) sectors, the kernel the rest");
	const struct fw_cfg_item *s = fw_cfg_find(&f, FW_CFG_SETUP_DATA);
	report(s->data[0x210] == 0xb0, "type_of_loader is QEMU's 0xb0");
	report(s->data[0x211] == 0x81, "loadflags gain CAN_USE_HEAP");
	report(get_le16(s->data + 0x224) == 0x20000 - 0x10000 - 0x200, "heap_end_ptr as QEMU computes it");
	report(get_le32(s->data + 0x228) == 0x20000, "cmd_line_ptr is the command line address");
	uint32_t initrd_addr = (RAM_SIZE - 1 - sizeof(initrd)) & ~4095u;
	report(item32(FW_CFG_INITRD_ADDR) == initrd_addr && get_le32(s->data + 0x218) == initrd_addr,
	       "the initrd sits page-aligned at the top of RAM, in fw_cfg and in the header");
	report(get_le32(s->data + 0x21c) == sizeof(initrd), "ramdisk_size is patched");
	report(item32(FW_CFG_CMDLINE_SIZE) == 14, "CMDLINE_SIZE counts the NUL");
	report(!strcmp((char *)fw_cfg_find(&f, FW_CFG_CMDLINE_DATA)->data, "console=ttyS0"), "CMDLINE_DATA");
	report(!strcmp(p.option_rom, "linuxboot_dma.bin"), "the option ROM is linuxboot_dma.bin");
	fw_cfg_free(&f);

	make_bzimage(200);
	p = params(4096, "");
	report(loader_load(&p) < 0 && strstr(p.err, "invalid kernel header"),
	       "setup_sects past the end of the file is refused (%s)", p.err);
	fw_cfg_free(&f);

	make_bzimage(4);
	p = params(sizeof(file), "vga=bogus");
	report(loader_load(&p) < 0 && strstr(p.err, "vga="), "an invalid vga= is refused");
	fw_cfg_free(&f);

	make_bzimage(4);
	p = params(sizeof(file), "");
	p.initrd_path = "big";
	p.initrd = file;
	p.initrd_size = RAM_SIZE;
	report(loader_load(&p) < 0 && strstr(p.err, "initrd is too large"), "an initrd larger than RAM is refused");
	fw_cfg_free(&f);
}

/* A minimal ELF32 with one PT_LOAD at paddr and a PT_NOTE carrying the PVH entry. */
static size_t make_pvh(uint32_t paddr, uint32_t memsz, bool with_note)
{
	memset(file, 0, sizeof(file));
	put_le32(file, 0x464c457f);
	file[4] = 1; file[5] = 1; file[6] = 1;
	put_le16(file + 16, 2);
	put_le16(file + 18, 3);		/* EM_386 */
	put_le32(file + 28, 52);	/* phoff */
	put_le16(file + 42, 32);
	put_le16(file + 44, with_note ? 2 : 1);
	uint8_t *ph = file + 52;
	put_le32(ph, 1);
	put_le32(ph + 4, 0x1000);
	put_le32(ph + 12, paddr);
	put_le32(ph + 16, 0x100);
	put_le32(ph + 20, memsz);
	memset(file + 0x1000, 0xcc, 0x100);
	if (with_note) {
		ph += 32;
		put_le32(ph, 4);
		put_le32(ph + 4, 0x200);
		put_le32(ph + 16, 20);
		uint8_t *n = file + 0x200;
		put_le32(n, 4); put_le32(n + 4, 4); put_le32(n + 8, 18);
		memcpy(n + 12, "Xen", 4);
		put_le32(n + 16, paddr + 0x10);
	}
	return 0x1100;
}

static void test_pvh(void)
{
	size_t size = make_pvh(0x100000, 0x2000, true);
	memset(ram, 0x55, sizeof(ram));
	struct load_params p = params(size, "root=/dev/vda");
	report(loader_load(&p) == 0, "a PVH ELF loads (%s)", p.err);
	report(item32(FW_CFG_KERNEL_ENTRY) == 0x100010, "KERNEL_ENTRY is the note's entry");
	report(item32(FW_CFG_KERNEL_ADDR) == 0x100000 && item32(FW_CFG_KERNEL_SIZE) == 0x2000,
	       "KERNEL_ADDR/SIZE span the loaded segments");
	report(ram[0x100000] == 0xcc && ram[0x1000ff] == 0xcc && ram[0x100100] == 0 && ram[0x101fff] == 0,
	       "file bytes are copied and the rest of memsz is zeroed");
	report(ram[0x102000] == 0x55, "nothing past memsz is touched");
	report(item32(FW_CFG_SETUP_SIZE) == 8192 && !memcmp(fw_cfg_find(&f, FW_CFG_SETUP_DATA)->data, file, 64),
	       "SETUP_DATA is the first 8 KiB of the file");
	report(!fw_cfg_find(&f, FW_CFG_CMDLINE_ADDR)->data, "no CMDLINE_ADDR for PVH, as QEMU");
	report(!strcmp(p.option_rom, "pvh.bin"), "the option ROM is pvh.bin");
	fw_cfg_free(&f);

	size = make_pvh(RAM_SIZE - 0x100, 0x1000, true);
	p = params(size, "");
	report(loader_load(&p) < 0 && strstr(p.err, "outside guest RAM"), "a segment past RAM is refused");
	fw_cfg_free(&f);
	size = make_pvh(0xfffff000, 0x2000, true);
	p = params(size, "");
	report(loader_load(&p) < 0 && strstr(p.err, "outside guest RAM"), "a wrapping segment is refused");
	fw_cfg_free(&f);
	size = make_pvh(0x100000, 0x2000, false);
	p = params(size, "");
	report(loader_load(&p) < 0 && strstr(p.err, "without PVH ELF Note"), "an ELF without a PVH note is refused");
	fw_cfg_free(&f);
	size = make_pvh(0x100000, 0x2000, true);
	p = params(0x800, "");
	report(loader_load(&p) < 0 && strstr(p.err, "outside the file"), "a truncated ELF is refused (%s)", p.err);
	fw_cfg_free(&f);
	make_pvh(0x100000, 0x2000, true);
	put_le16(file + 44, 0xffff);
	p = params(size, "");
	report(loader_load(&p) < 0, "a program header table past the file is refused");
	fw_cfg_free(&f);
}

/* Truncations at every interesting offset: each is loaded or refused, never read past. */
static void test_truncated(void)
{
	static const size_t cuts[] = { 1, 4, 0x1f1, 0x202, 0x205, 0x206, 0x236, 0x250, 5 * 512 - 1,
				       5 * 512, 5 * 512 + 1 };
	bool fine = true;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		make_bzimage(4);
		struct load_params p = params(cuts[i], "");
		int r = loader_load(&p);
		fine &= (r == 0) == (cuts[i] >= 5 * 512);
		fw_cfg_free(&f);
	}
	report(fine, "a bzImage cut before the end of its setup is refused, after it loads");
	fine = true;
	size_t size = make_pvh(0x100000, 0x2000, true);
	for (size_t cut = 0; cut < size; cut += 7) {
		struct load_params p = params(cut, "");
		fine &= loader_load(&p) < 0 || cut >= 0x1100;
		fw_cfg_free(&f);
		make_pvh(0x100000, 0x2000, true);
	}
	report(fine, "a PVH ELF cut anywhere before its last segment byte is refused");
}

static void test_other(void)
{
	struct load_params p = params(0, "");
	report(loader_load(&p) < 0 && strstr(p.err, "empty"), "an empty kernel is refused");
	fw_cfg_free(&f);
	memset(file, 0, sizeof(file));
	p = params(4096, "");
	report(loader_load(&p) < 0 && strstr(p.err, "not a bzImage"), "an unknown format is refused");
	fw_cfg_free(&f);
	put_le32(file + 64, 0x1BADB002);
	put_le32(file + 68, 0);
	put_le32(file + 72, (uint32_t)-0x1BADB002);
	p = params(4096, "");
	report(loader_load(&p) < 0 && strstr(p.err, "not an ELF"),
	       "a Multiboot header without addresses in a non-ELF file is refused (%s)", p.err);
	fw_cfg_free(&f);

	/* a.out kludge: header at 64 describes load 0x100000, file from offset 0, bss to +0x3000 */
	put_le32(file + 68, 0x00010000);
	put_le32(file + 72, (uint32_t)-(0x1BADB002 + 0x00010000));
	put_le32(file + 76, 0x100040);		/* header_addr */
	put_le32(file + 80, 0x100000);		/* load_addr */
	put_le32(file + 84, 0x101000);		/* load_end_addr */
	put_le32(file + 88, 0x103000);		/* bss_end_addr */
	put_le32(file + 92, 0x100020);		/* entry */
	p = params(4096, "arg");
	report(loader_load(&p) == 0, "a Multiboot a.out-kludge kernel loads (%s)", p.err);
	report(item32(FW_CFG_KERNEL_ENTRY) == 0x100020 && item32(FW_CFG_KERNEL_ADDR) == 0x100000,
	       "KERNEL_ENTRY and KERNEL_ADDR come from the header");
	report(item32(FW_CFG_KERNEL_SIZE) == 0x4000, "KERNEL_SIZE covers bss, cmdline and loader name, page aligned");
	const struct fw_cfg_item *mbi = fw_cfg_find(&f, FW_CFG_INITRD_DATA);
	report(item32(FW_CFG_INITRD_ADDR) == 0x9500 && mbi->len == 88, "the 88-byte MBI goes to 0x9500");
	const struct fw_cfg_item *kd = fw_cfg_find(&f, FW_CFG_KERNEL_DATA);
	uint32_t cl = get_le32(mbi->data + 16) - 0x100000;
	report(cl < kd->len && !strcmp((char *)kd->data + cl, "k arg"), "the command line is \"kernel args\"");
	report(!strcmp(p.option_rom, "multiboot_dma.bin"), "the option ROM is multiboot_dma.bin");
	fw_cfg_free(&f);
	put_le32(file + 88, 0x100800);
	p = params(4096, "");
	report(loader_load(&p) < 0 && strstr(p.err, "mh_bss_end_addr"), "a bss end before the load end is refused");
	fw_cfg_free(&f);
}

int main(void)
{
	test_bzimage();
	test_pvh();
	test_truncated();
	test_other();
	return check_summary("test_loader");
}
