/* options.c: QEMU's command line for the microvm machine (-M, -m, -smp, -cpu, -bios,
 * -kernel, ...). Each option has one handler; -device, -drive, -netdev and -chardev are in
 * options_device.c. Every option or value mvm does not support is an error naming it. */
#include "options.h"
#include "options_kv.h"
#include "options_internal.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_RAM_SIZE (128 * MiB)	/* QEMU's default -m */
#define MIN_RAM_SIZE     (1 * MiB)
#define MAX_RAM_SIZE     (1024 * GiB)

bool opt_error(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, OPT_ERR_LEN, fmt, ap);
	va_end(ap);
	return false;
}

char *opt_strdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Checks that every key of l was consumed. */
bool opt_no_unused(struct kvlist *l, const char *opt, const char *arg, char *err)
{
	const char *k = kv_unused(l);
	if (k)
		return opt_error(err, "%s %s: unsupported property '%s'", opt, arg, k);
	return true;
}

static bool parse_onoffauto(const char *v, enum onoffauto *out)
{
	bool b;
	if (strcmp(v, "auto") == 0) {
		*out = OPT_AUTO;
		return true;
	}
	if (!parse_bool(v, &b))
		return false;
	*out = b ? OPT_ON : OPT_OFF;
	return true;
}

static bool opt_machine(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (!kv_split(&l, arg))
		return opt_error(err, "-M %s: too many properties", arg);
	const char *type = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "type");
	if (!type || strcmp(type, "microvm") != 0) {
		opt_error(err, "-M %s: unsupported machine type '%s' (only microvm)", arg,
			  type ? type : "");
		goto out;
	}
	static const char *const tristate[] = { "pit", "pic", "rtc" };
	enum onoffauto *tristate_dst[] = { &o->pit, &o->pic, &o->rtc };
	for (size_t i = 0; i < ARRAY_SIZE(tristate); i++) {
		const char *v = kv_get(&l, tristate[i]);
		if (v && !parse_onoffauto(v, tristate_dst[i])) {
			opt_error(err, "-M %s: %s=%s: expected on, off or auto", arg, tristate[i], v);
			goto out;
		}
	}
	static const char *const flags[] = { "isa-serial", "x-option-roms", "auto-kernel-cmdline" };
	bool *flag_dst[] = { &o->isa_serial, &o->option_roms, &o->auto_cmdline };
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		const char *v = kv_get(&l, flags[i]);
		if (v && !parse_bool(v, flag_dst[i])) {
			opt_error(err, "-M %s: %s=%s: expected on or off", arg, flags[i], v);
			goto out;
		}
	}
	/* mvm never builds ACPI tables: "auto" means off here, "on" is refused. */
	const char *acpi = kv_get(&l, "acpi");
	if (acpi && strcmp(acpi, "off") != 0 && strcmp(acpi, "auto") != 0) {
		opt_error(err, "-M %s: acpi=%s: only acpi=off is supported", arg, acpi);
		goto out;
	}
	const char *accel = kv_get(&l, "accel");
	if (accel && strcmp(accel, "kvm") != 0) {
		opt_error(err, "-M %s: accel=%s: only kvm is supported", arg, accel);
		goto out;
	}
	const char *irqchip = kv_get(&l, "kernel-irqchip");
	if (irqchip && strcmp(irqchip, "split") != 0) {
		opt_error(err, "-M %s: kernel-irqchip=%s: only split is supported", arg, irqchip);
		goto out;
	}
	ok = opt_no_unused(&l, "-M", arg, err);
out:
	kv_free(&l);
	return ok;
}

static bool opt_accel(struct options *o, const char *arg, char *err)
{
	(void)o;
	struct kvlist l;
	if (!kv_split(&l, arg))
		return opt_error(err, "-accel %s: too many properties", arg);
	const char *type = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "accel");
	bool ok = type && strcmp(type, "kvm") == 0;
	if (!ok)
		opt_error(err, "-accel %s: only kvm is supported", arg);
	const char *irqchip = kv_get(&l, "kernel-irqchip");
	if (ok && irqchip && strcmp(irqchip, "split") != 0)
		ok = opt_error(err, "-accel %s: kernel-irqchip=%s: only split is supported", arg,
			       irqchip);
	if (ok)
		ok = opt_no_unused(&l, "-accel", arg, err);
	kv_free(&l);
	return ok;
}

static bool opt_cpu(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (!kv_split(&l, arg))
		return opt_error(err, "-cpu %s: too many features", arg);
	const char *model = l.kv[0].key ? "" : l.kv[0].value;
	/* Under KVM QEMU's "max" is "host"; both pass KVM's supported CPUID through. */
	if (strcmp(model, "host") != 0 && strcmp(model, "max") != 0) {
		opt_error(err, "-cpu %s: unsupported CPU model '%s' (only host or max)", arg, model);
		goto out;
	}
	/* A later -cpu replaces an earlier one, as in QEMU: drop its features. */
	while (o->nfeatures > 0)
		free(o->features[--o->nfeatures].name);
	for (int i = 1; i < l.n; i++) {
		struct kv *kv = &l.kv[i];
		const char *name = kv->key;
		bool on;
		if (!kv->value && (name[0] == '+' || name[0] == '-')) {
			on = name[0] == '+';
			name++;
		} else if (kv->value && parse_bool(kv->value, &on)) {
			/* feature=on|off */
		} else {
			opt_error(err, "-cpu %s: cannot parse '%s' (use +feature, -feature or "
				  "feature=on|off)", arg, name);
			goto out;
		}
		if (!cpu_feature_known(name)) {
			opt_error(err, "-cpu %s: unsupported CPU feature '%s'", arg, name);
			goto out;
		}
		if (o->nfeatures == OPT_MAX_FEATURES) {
			opt_error(err, "-cpu %s: too many features", arg);
			goto out;
		}
		o->features[o->nfeatures].name = xstrdup(name);
		o->features[o->nfeatures++].on = on;
	}
	ok = true;
out:
	kv_free(&l);
	return ok;
}

static bool opt_memory(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (!kv_split(&l, arg))
		return opt_error(err, "-m %s: too many properties", arg);
	const char *size = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "size");
	uint64_t bytes;
	if (!size || !parse_size(size, MiB, &bytes)) {
		opt_error(err, "-m %s: cannot parse memory size", arg);
		goto out;
	}
	if (bytes < MIN_RAM_SIZE) {
		opt_error(err, "-m %s: memory size must be at least 1 MiB", arg);
		goto out;
	}
	if (bytes > MAX_RAM_SIZE) {
		opt_error(err, "-m %s: memory size must be at most 1 TiB", arg);
		goto out;
	}
	o->ram_size = bytes & ~(4 * KiB - 1);	/* whole pages, as KVM needs */
	ok = opt_no_unused(&l, "-m", arg, err);
out:
	kv_free(&l);
	return ok;
}

static bool opt_smp(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (!kv_split(&l, arg))
		return opt_error(err, "-smp %s: too many properties", arg);
	uint64_t cpus = 0, maxcpus = 0, topo = 1;
	const char *v = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "cpus");
	if (v && (!parse_uint(v, OPT_MAX_CPUS, &cpus) || cpus == 0)) {
		opt_error(err, "-smp %s: cpus must be a number from 1 to %d", arg, OPT_MAX_CPUS);
		goto out;
	}
	static const char *const levels[] = { "sockets", "dies", "cores", "threads" };
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
		uint64_t n;
		const char *lv = kv_get(&l, levels[i]);
		if (!lv)
			continue;
		if (!parse_uint(lv, OPT_MAX_CPUS, &n) || n == 0) {
			opt_error(err, "-smp %s: %s must be a number from 1 to %d", arg, levels[i],
				  OPT_MAX_CPUS);
			goto out;
		}
		topo *= n;
	}
	const char *mv = kv_get(&l, "maxcpus");
	if (mv && !parse_uint(mv, OPT_MAX_CPUS, &maxcpus)) {
		opt_error(err, "-smp %s: maxcpus must be a number from 1 to %d", arg, OPT_MAX_CPUS);
		goto out;
	}
	if (!cpus)
		cpus = maxcpus ? maxcpus : topo;
	if (!maxcpus)
		maxcpus = cpus;
	if (cpus == 0 || cpus > OPT_MAX_CPUS || topo > OPT_MAX_CPUS) {
		opt_error(err, "-smp %s: cpus must be a number from 1 to %d", arg, OPT_MAX_CPUS);
		goto out;
	}
	if (maxcpus < cpus) {
		opt_error(err, "-smp %s: maxcpus must be at least cpus", arg);
		goto out;
	}
	o->cpus = (int)cpus;
	o->max_cpus = (int)maxcpus;
	ok = opt_no_unused(&l, "-smp", arg, err);
out:
	kv_free(&l);
	return ok;
}

static bool opt_display(struct options *o, const char *arg, char *err)
{
	(void)o;
	if (strcmp(arg, "none") != 0)
		return opt_error(err, "-display %s: only -display none is supported", arg);
	return true;
}

static bool opt_monitor(struct options *o, const char *arg, char *err)
{
	(void)o;
	if (strcmp(arg, "none") != 0)
		return opt_error(err, "-monitor %s: mvm has no monitor; only -monitor none", arg);
	return true;
}

static bool opt_global(struct options *o, const char *arg, char *err)
{
	const char *prefix = "virtio-mmio.force-legacy=";
	if (strncmp(arg, prefix, strlen(prefix)) != 0)
		return opt_error(err, "-global %s: only virtio-mmio.force-legacy is supported", arg);
	if (!parse_bool(arg + strlen(prefix), &o->virtio_legacy))
		return opt_error(err, "-global %s: expected on or off", arg);
	return true;
}

static bool opt_serial(struct options *o, const char *arg, char *err)
{
	if (strcmp(arg, "stdio") && strcmp(arg, "mon:stdio") && strcmp(arg, "none") &&
	    strcmp(arg, "null") && strncmp(arg, "file:", 5) && strncmp(arg, "chardev:", 8))
		return opt_error(err, "-serial %s: unsupported (use stdio, file:PATH, none, null "
				 "or chardev:ID)", arg);
	if (o->serial)
		return true;	/* microvm has one ISA serial port: only the first -serial counts */
	o->serial = xstrdup(arg);
	return true;
}

#define SET_PATH(field) \
	static bool opt_##field(struct options *o, const char *arg, char *err) \
	{ (void)err; free(o->field); o->field = xstrdup(arg); return true; }
SET_PATH(bios)
SET_PATH(kernel)
SET_PATH(initrd)
SET_PATH(append)

#define SET_FLAG(name, field) \
	static bool opt_##name(struct options *o, const char *arg, char *err) \
	{ (void)arg; (void)err; o->field = true; return true; }
SET_FLAG(nodefaults, nodefaults)
SET_FLAG(nographic, nographic)
SET_FLAG(no_reboot, no_reboot)
SET_FLAG(stage_times, stage_times)

/* Accepted for compatibility: mvm always uses KVM and reads no configuration file. */
static bool opt_accepted(struct options *o, const char *arg, char *err)
{
	(void)o; (void)arg; (void)err;
	return true;
}

struct option_spec {
	const char *name;
	bool has_arg;
	bool (*handle)(struct options *o, const char *arg, char *err);
};

static const struct option_spec option_table[] = {
	{ "M", true, opt_machine },         { "machine", true, opt_machine },
	{ "accel", true, opt_accel },       { "enable-kvm", false, opt_accepted },
	{ "cpu", true, opt_cpu },           { "m", true, opt_memory },
	{ "smp", true, opt_smp },           { "bios", true, opt_bios },
	{ "kernel", true, opt_kernel },     { "initrd", true, opt_initrd },
	{ "append", true, opt_append },     { "nodefaults", false, opt_nodefaults },
	{ "no-user-config", false, opt_accepted },
	{ "nographic", false, opt_nographic },
	{ "display", true, opt_display },   { "monitor", true, opt_monitor },
	{ "serial", true, opt_serial },     { "chardev", true, opt_chardev },
	{ "device", true, opt_device },     { "drive", true, opt_drive },
	{ "netdev", true, opt_netdev },     { "fw_cfg", true, opt_fw_cfg },
	{ "global", true, opt_global },     { "no-reboot", false, opt_no_reboot },
	{ "stage-times", false, opt_stage_times },
};

static void options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->pit = o->pic = o->rtc = OPT_AUTO;
	o->isa_serial = o->option_roms = o->auto_cmdline = true;
	o->virtio_legacy = true;	/* QEMU 7.2's virtio-mmio default */
	o->ram_size = DEFAULT_RAM_SIZE;
	o->cpus = o->max_cpus = 1;
}

enum options_result options_parse(struct options *o, int argc, char **argv,
				  char err[OPT_ERR_LEN])
{
	options_defaults(o);
	err[0] = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == 0) {
			opt_error(err, "%s: unexpected argument (mvm takes no disk image "
				  "without -drive)", a);
			return OPTIONS_ERROR;
		}
		const char *name = a + 1 + (a[1] == '-');	/* QEMU accepts --option too */
		if (!strcmp(name, "help") || !strcmp(name, "h"))
			return OPTIONS_HELP;
		if (!strcmp(name, "version"))
			return OPTIONS_VERSION;
		const struct option_spec *spec = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(option_table); k++)
			if (!strcmp(option_table[k].name, name))
				spec = &option_table[k];
		if (!spec) {
			opt_error(err, "%s: invalid option", a);
			return OPTIONS_ERROR;
		}
		const char *arg = NULL;
		if (spec->has_arg) {
			if (i + 1 >= argc) {
				opt_error(err, "%s: requires an argument", a);
				return OPTIONS_ERROR;
			}
			arg = argv[++i];
		}
		if (!spec->handle(o, arg, err))
			return OPTIONS_ERROR;
	}
	return options_check(o, err) ? OPTIONS_OK : OPTIONS_ERROR;
}

void options_free(struct options *o)
{
	for (int i = 0; i < o->nfeatures; i++)
		free(o->features[i].name);
	free(o->bios);
	free(o->kernel);
	free(o->initrd);
	free(o->append);
	free(o->serial);
	options_free_backends(o);
	memset(o, 0, sizeof(*o));
}

void options_usage(void)
{
	puts("usage: mvm [options]   (QEMU's command line for the microvm machine, on KVM)\n"
	     "  -M microvm[,pit=on|off|auto][,pic=..][,rtc=..][,isa-serial=on|off]\n"
	     "            [,x-option-roms=on|off][,auto-kernel-cmdline=on|off][,acpi=off]\n"
	     "  -enable-kvm | -accel kvm    (mvm always uses KVM)\n"
	     "  -cpu host|max[,+feature|-feature|feature=on|off]   e.g. -cpu host,-xsave\n"
	     "  -m SIZE[K|M|G|T]  -smp N[,maxcpus=M,sockets=,cores=,threads=]\n"
	     "  -bios FILE  -kernel FILE  -initrd FILE  -append CMDLINE\n"
	     "  -nodefaults  -no-user-config  -nographic  -display none  -monitor none\n"
	     "  -serial stdio|file:PATH|none|null|chardev:ID\n"
	     "  -chardev stdio|null,id=ID  -chardev file,id=ID,path=PATH[,append=on]\n"
	     "  -chardev socket,id=ID,path=PATH|host=H,port=P[,server=on][,wait=off]\n"
	     "  -drive id=ID,file=FILE,format=raw,if=none[,readonly=on]\n"
	     "  -netdev tap,id=ID[,ifname=NAME],script=no,downscript=no\n"
	     "  -device virtio-blk-device,drive=ID[,serial=S]\n"
	     "  -device virtio-net-device,netdev=ID[,mac=XX:XX:XX:XX:XX:XX]\n"
	     "  -device virtio-serial-device   -device virtconsole,chardev=ID\n"
	     "  -device isa-debugcon[,iobase=0xe9],chardev=ID\n"
	     "  -device isa-debug-exit[,iobase=0x501][,iosize=2]\n"
	     "  -fw_cfg [name=]opt/NAME,string=TEXT|file=FILE\n"
	     "  -global virtio-mmio.force-legacy=on|off   (default on, as QEMU 7.2)\n"
	     "  -no-reboot   -help   -version\n"
	     "mvm's own:\n"
	     "  -stage-times  print 'mvm: time stage=... ns=...' lines on stderr");
}
