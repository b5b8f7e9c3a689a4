/* test_options.c: the QEMU command line parser: accepted forms, defaults, and every
 * unsupported or malformed form is an error that names it. */
#include "check.h"
#include "options.h"

#include <stdarg.h>
#include <string.h>

#define MAX_ARGS 64

/* Parses a NULL-terminated argument list; returns the result, leaves o filled. */
static enum options_result parse(struct options *o, char *err, ...)
{
	char *argv[MAX_ARGS] = { "mvm" };
	int argc = 1;
	va_list ap;
	va_start(ap, err);
	for (char *a; (a = va_arg(ap, char *)) && argc < MAX_ARGS - 1;)
		argv[argc++] = a;
	va_end(ap);
	return options_parse(o, argc, argv, err);
}

/* Expects an error whose message contains want. */
static void expect_error(const char *want, ...)
{
	char *argv[MAX_ARGS] = { "mvm" };
	int argc = 1;
	va_list ap;
	va_start(ap, want);
	for (char *a; (a = va_arg(ap, char *)) && argc < MAX_ARGS - 1;)
		argv[argc++] = a;
	va_end(ap);
	struct options o;
	char err[OPT_ERR_LEN];
	enum options_result r = options_parse(&o, argc, argv, err);
	report(r == OPTIONS_ERROR && strstr(err, want), "%s %s ... is refused with \"%s\" (got \"%s\")",
	       argv[1], argc > 2 ? argv[2] : "", want, err);
	options_free(&o);
}

static void test_defaults(void)
{
	struct options o;
	char err[OPT_ERR_LEN];
	report(parse(&o, err, NULL) == OPTIONS_OK, "an empty command line parses");
	report(o.ram_size == 128ULL << 20, "default memory is 128 MiB, as QEMU");
	report(o.cpus == 1 && o.max_cpus == 1, "default is one CPU");
	report(o.pit == OPT_AUTO && o.pic == OPT_AUTO && o.rtc == OPT_AUTO, "pit/pic/rtc default to auto");
	report(o.isa_serial && o.option_roms && o.auto_cmdline, "isa-serial, x-option-roms, auto-kernel-cmdline default on");
	report(o.virtio_legacy, "virtio-mmio defaults to legacy (version 1) as QEMU 7.2");
	options_free(&o);
}

static void test_documentation_line(void)
{
	struct options o;
	char err[OPT_ERR_LEN];
	enum options_result r = parse(&o, err,
		"-M", "microvm,x-option-roms=off,pit=off,pic=off,isa-serial=off,rtc=off",
		"-enable-kvm", "-cpu", "host", "-m", "512m", "-smp", "2",
		"-kernel", "vmlinux", "-append", "console=hvc0 root=/dev/vda",
		"-nodefaults", "-no-user-config", "-nographic",
		"-chardev", "stdio,id=virtiocon0", "-device", "virtio-serial-device",
		"-device", "virtconsole,chardev=virtiocon0",
		"-drive", "id=test,file=test.img,format=raw,if=none",
		"-device", "virtio-blk-device,drive=test",
		"-netdev", "tap,id=tap0,script=no,downscript=no",
		"-device", "virtio-net-device,netdev=tap0", NULL);
	report(r == OPTIONS_OK, "QEMU's microvm documentation example parses (%s)", err);
	report(o.pit == OPT_OFF && o.pic == OPT_OFF && o.rtc == OPT_OFF && !o.isa_serial && !o.option_roms,
	       "machine toggles are read");
	report(o.ram_size == 512ULL << 20 && o.cpus == 2, "-m 512m and -smp 2 are read");
	report(o.ndevices == 4 && o.ndrives == 1 && o.nnetdevs == 1 && o.nchardevs == 1,
	       "devices and back-ends are recorded");
	report(o.devices[0].kind == DEV_VIRTIO_SERIAL && o.devices[1].kind == DEV_VIRTCONSOLE,
	       "devices keep command-line order");
	options_free(&o);
}

static void test_values(void)
{
	struct options o;
	char err[OPT_ERR_LEN];
	parse(&o, err, "-m", "1G", "-smp", "cpus=2,maxcpus=4", "-cpu", "host,-xsave,+x2apic,avx=off",
	      "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-device", "isa-debugcon,iobase=0x402,chardev=d",
	      "-chardev", "file,id=d,path=/tmp/x", "-fw_cfg", "name=opt/a,string=b", "-serial", "stdio",
	      "--no-reboot", "-global", "virtio-mmio.force-legacy=off", NULL);
	report(o.ram_size == 1ULL << 30, "-m 1G is 1 GiB");
	report(o.cpus == 2 && o.max_cpus == 4, "-smp cpus=2,maxcpus=4");
	report(o.nfeatures == 3 && !o.features[0].on && o.features[1].on && !o.features[2].on,
	       "-cpu host,-xsave,+x2apic,avx=off gives three feature changes");
	report(o.devices[0].iobase == 0xf4 && o.devices[0].iosize == 4, "isa-debug-exit iobase/iosize");
	report(o.devices[1].iobase == 0x402, "isa-debugcon iobase");
	report(o.no_reboot, "--no-reboot (double dash) is accepted");
	report(!o.virtio_legacy, "-global virtio-mmio.force-legacy=off selects version 2");
	report(o.nfwcfgs == 1 && !strcmp(o.fwcfgs[0].string, "b"), "-fw_cfg string item");
	options_free(&o);
	parse(&o, err, "-m", "128", "-device", "isa-debug-exit", "-device", "isa-debugcon,chardev=c",
	      "-chardev", "null,id=c", "-fw_cfg", "opt/x,,y,file=/f", NULL);
	report(o.ram_size == 128ULL << 20, "a bare -m number is in MiB");
	report(o.devices[0].iobase == 0x501 && o.devices[0].iosize == 2, "isa-debug-exit defaults 0x501/2 as QEMU");
	report(o.devices[1].iobase == 0xe9, "isa-debugcon defaults to 0xe9 as QEMU");
	report(o.nfwcfgs == 1 && !strcmp(o.fwcfgs[0].name, "opt/x,y"), "a doubled comma is a literal comma");
	options_free(&o);
	report(parse(&o, err, "-help", NULL) == OPTIONS_HELP, "-help asks for usage");
	options_free(&o);
	report(parse(&o, err, "-version", NULL) == OPTIONS_VERSION, "-version asks for the version");
	options_free(&o);
}

static void test_errors(void)
{
	expect_error("-foo: invalid option", "-foo", NULL);
	expect_error("requires an argument", "-m", NULL);
	expect_error("unexpected argument", "disk.img", NULL);
	expect_error("only microvm", "-M", "pc", NULL);
	expect_error("unsupported property 'foo'", "-M", "microvm,foo=bar", NULL);
	expect_error("pit=maybe", "-M", "microvm,pit=maybe", NULL);
	expect_error("isa-serial=auto", "-M", "microvm,isa-serial=auto", NULL);
	expect_error("only acpi=off", "-M", "microvm,acpi=on", NULL);
	expect_error("only kvm", "-accel", "tcg", NULL);
	expect_error("only split", "-accel", "kvm,kernel-irqchip=on", NULL);
	expect_error("unsupported CPU model 'qemu64'", "-cpu", "qemu64", NULL);
	expect_error("unsupported CPU feature 'bogus'", "-cpu", "host,-bogus", NULL);
	expect_error("cannot parse 'xsave'", "-cpu", "host,xsave", NULL);
	expect_error("at least 1 MiB", "-m", "0", NULL);
	expect_error("cannot parse memory size", "-m", "12Q", NULL);
	expect_error("cannot parse memory size", "-m", "-5", NULL);
	expect_error("at most 1 TiB", "-m", "2T", NULL);
	expect_error("cpus must be", "-smp", "0", NULL);
	expect_error("cpus must be", "-smp", "65", NULL);
	expect_error("maxcpus must be at least", "-smp", "4,maxcpus=2", NULL);
	expect_error("unsupported property 'x'", "-smp", "2,x=1", NULL);
	expect_error("only -display none", "-display", "gtk", NULL);
	expect_error("only -monitor none", "-monitor", "stdio", NULL);
	expect_error("-serial pty", "-serial", "pty", NULL);
	expect_error("unsupported backend 'pty'", "-chardev", "pty,id=p", NULL);
	expect_error("parameter 'id' is missing", "-chardev", "stdio", NULL);
	expect_error("file needs path=", "-chardev", "file,id=f", NULL);
	expect_error("duplicate chardev id", "-chardev", "null,id=a", "-chardev", "null,id=a", NULL);
	expect_error("socket needs path=", "-chardev", "socket,id=s", NULL);
	expect_error("only format=raw", "-drive", "id=d,file=x,format=qcow2,if=none", NULL);
	expect_error("only if=none", "-drive", "id=d,file=x,format=raw,if=virtio", NULL);
	expect_error("parameter 'file' is missing", "-drive", "id=d,format=raw,if=none", NULL);
	expect_error("only tap", "-netdev", "user,id=n", NULL);
	expect_error("script=no", "-netdev", "tap,id=n", NULL);
	expect_error("unsupported device 'e1000'", "-device", "e1000", NULL);
	expect_error("drive= is required", "-device", "virtio-blk-device", NULL);
	expect_error("drive 'nope' not found", "-device", "virtio-blk-device,drive=nope", NULL);
	expect_error("netdev 'n' not found", "-device", "virtio-net-device,netdev=n", NULL);
	expect_error("no virtio-serial-device before it", "-chardev", "null,id=c", "-device",
		     "virtconsole,chardev=c", NULL);
	expect_error("chardev 'c' not found", "-device", "isa-debugcon,chardev=c", NULL);
	expect_error("used by more than one device", "-chardev", "null,id=c", "-device",
		     "isa-debugcon,chardev=c", "-device", "isa-debugcon,iobase=0x402,chardev=c", NULL);
	expect_error("iosize must be 1, 2 or 4", "-device", "isa-debug-exit,iosize=3", NULL);
	expect_error("iobase=0x10000", "-device", "isa-debug-exit,iobase=0x10000", NULL);
	expect_error("mac=zz", "-netdev", "tap,id=n,script=no,downscript=no", "-device",
		     "virtio-net-device,netdev=n,mac=zz", NULL);
	expect_error("at most 8 virtio devices", "-device", "virtio-serial-device", "-device",
		     "virtio-serial-device", "-device", "virtio-serial-device", "-device",
		     "virtio-serial-device", "-device", "virtio-serial-device", "-device",
		     "virtio-serial-device", "-device", "virtio-serial-device", "-device",
		     "virtio-serial-device", "-device", "virtio-serial-device", NULL);
	expect_error("exactly one of string= and file=", "-fw_cfg", "name=opt/a", NULL);
	expect_error("longer than 55", "-fw_cfg",
		     "name=opt/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,string=x", NULL);
	expect_error("duplicate fw_cfg file name", "-fw_cfg", "opt/a,string=1", "-fw_cfg",
		     "opt/a,string=2", NULL);
	expect_error("only virtio-mmio.force-legacy", "-global", "foo.bar=1", NULL);
	expect_error("stdio by multiple", "-serial", "stdio", "-chardev", "stdio,id=s", NULL);
	expect_error("need -kernel", "-append", "x", NULL);
	expect_error("chardev 'x' not found", "-serial", "chardev:x", NULL);
}

int main(void)
{
	test_defaults();
	test_documentation_line();
	test_values();
	test_errors();
	return check_summary("test_options");
}
