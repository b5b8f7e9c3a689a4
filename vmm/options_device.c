/* options_device.c: -device and -fw_cfg, and the cross-checks that tie front-ends to
 * back-ends once the whole command line is read. */
#include "options_internal.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FWCFG_NAME_MAX 55	/* fw_cfg file names are 56 bytes with the NUL */
#define VIRTIO_SLOTS   8	/* microvm's virtio-mmio transports */
#define DEBUGCON_DEFAULT_IOBASE  0xe9	/* QEMU isa-debugcon */
#define DEBUGEXIT_DEFAULT_IOBASE 0x501	/* QEMU isa-debug-exit */
#define DEBUGEXIT_DEFAULT_IOSIZE 2

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

struct device_type {
	const char *name;
	enum device_kind kind;
	const char *backend_key;	/* drive, netdev, chardev or NULL */
};

static const struct device_type device_types[] = {
	{ "virtio-blk-device", DEV_VIRTIO_BLK, "drive" },
	{ "virtio-net-device", DEV_VIRTIO_NET, "netdev" },
	{ "virtio-serial-device", DEV_VIRTIO_SERIAL, NULL },
	{ "virtconsole", DEV_VIRTCONSOLE, "chardev" },
	{ "isa-debugcon", DEV_ISA_DEBUGCON, "chardev" },
	{ "isa-debug-exit", DEV_ISA_DEBUG_EXIT, NULL },
};

static bool device_ioport(struct kvlist *l, const char *key, uint64_t max, uint64_t *out,
			  const char *arg, char *err)
{
	const char *v = kv_get(l, key);
	if (v && !parse_uint(v, max, out))
		return opt_error(err, "-device %s: %s=%s: expected a number up to 0x%llx", arg,
				 key, v, (unsigned long long)max);
	return true;
}

bool opt_device(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (o->ndevices == OPT_MAX_ITEMS)
		return opt_error(err, "-device %s: too many devices", arg);
	if (!kv_split(&l, arg))
		return opt_error(err, "-device %s: too many properties", arg);
	const char *name = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "driver");
	const struct device_type *t = NULL;
	for (size_t i = 0; name && i < ARRAY_SIZE(device_types); i++)
		if (!strcmp(device_types[i].name, name))
			t = &device_types[i];
	if (!t) {
		opt_error(err, "-device %s: unsupported device '%s'", arg, name ? name : "");
		goto out;
	}
	struct device_opt d = { .kind = t->kind };
	const char *backend = t->backend_key ? kv_get(&l, t->backend_key) : NULL;
	if (t->backend_key && !backend) {
		opt_error(err, "-device %s: %s= is required", arg, t->backend_key);
		goto out;
	}
	uint64_t iobase = t->kind == DEV_ISA_DEBUGCON ? DEBUGCON_DEFAULT_IOBASE
						      : DEBUGEXIT_DEFAULT_IOBASE;
	uint64_t iosize = DEBUGEXIT_DEFAULT_IOSIZE;
	if (t->kind == DEV_ISA_DEBUGCON || t->kind == DEV_ISA_DEBUG_EXIT) {
		if (!device_ioport(&l, "iobase", 0xffff, &iobase, arg, err))
			goto out;
		kv_get(&l, "readback");	/* debugcon reads back 0xe9 */
	}
	if (t->kind == DEV_ISA_DEBUG_EXIT) {
		if (!device_ioport(&l, "iosize", 4, &iosize, arg, err))
			goto out;
		if (iosize != 1 && iosize != 2 && iosize != 4) {
			opt_error(err, "-device %s: iosize must be 1, 2 or 4", arg);
			goto out;
		}
	}
	const char *v;
	if (t->kind == DEV_VIRTIO_NET && (v = kv_get(&l, "mac"))) {
		if (!parse_mac(v, d.mac)) {
			opt_error(err, "-device %s: mac=%s: expected XX:XX:XX:XX:XX:XX", arg, v);
			goto out;
		}
		d.has_mac = true;
	}
	const char *serial = t->kind == DEV_VIRTIO_BLK ? kv_get(&l, "serial") : NULL;
	if (t->kind == DEV_VIRTIO_SERIAL)
		kv_get(&l, "max_ports");
	if (t->kind == DEV_VIRTCONSOLE)
		kv_get(&l, "name");
	const char *id = kv_get(&l, "id");
	if (!opt_no_unused(&l, "-device", arg, err))
		goto out;
	d.id = opt_strdup(id);
	d.backend = opt_strdup(backend);
	d.serial = opt_strdup(serial);
	d.iobase = (uint16_t)iobase;
	d.iosize = (uint16_t)iosize;
	o->devices[o->ndevices++] = d;
	ok = true;
out:
	kv_free(&l);
	return ok;
}

bool opt_fw_cfg(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (o->nfwcfgs == OPT_MAX_ITEMS)
		return opt_error(err, "-fw_cfg %s: too many items", arg);
	if (!kv_split(&l, arg))
		return opt_error(err, "-fw_cfg %s: too many properties", arg);
	const char *name = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "name");
	const char *str = kv_get(&l, "string"), *file = kv_get(&l, "file");
	if (!name || !*name) {
		opt_error(err, "-fw_cfg %s: name= is required", arg);
		goto out;
	}
	if (strlen(name) > FWCFG_NAME_MAX) {
		opt_error(err, "-fw_cfg %s: name is longer than %d characters", arg,
			  FWCFG_NAME_MAX);
		goto out;
	}
	if (!str == !file) {
		opt_error(err, "-fw_cfg %s: give exactly one of string= and file=", arg);
		goto out;
	}
	if (!opt_no_unused(&l, "-fw_cfg", arg, err))
		goto out;
	for (int i = 0; i < o->nfwcfgs; i++)
		if (!strcmp(o->fwcfgs[i].name, name)) {
			opt_error(err, "-fw_cfg %s: duplicate fw_cfg file name '%s'", arg, name);
			goto out;
		}
	struct fwcfg_opt *f = &o->fwcfgs[o->nfwcfgs++];
	f->name = xstrdup(name);
	f->string = opt_strdup(str);
	f->file = opt_strdup(file);
	ok = true;
out:
	kv_free(&l);
	return ok;
}

/* A back-end serves one front-end, as in QEMU ("it's in use"). */
static bool claim(const char *what, const char *id, const char **claimed, int *n, char *err)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(claimed[i], id))
			return opt_error(err, "%s '%s' is used by more than one device", what, id);
	claimed[(*n)++] = id;
	return true;
}

bool options_check(struct options *o, char *err)
{
	const char *claimed[3 * OPT_MAX_ITEMS + 1];
	int nclaimed = 0, nvirtio = 0, nserialbus = 0, nconsoles = 0, nstdio = 0;
	for (int i = 0; i < o->ndevices; i++) {
		struct device_opt *d = &o->devices[i];
		switch (d->kind) {
		case DEV_VIRTIO_BLK:
			if (!options_find_drive(o, d->backend))
				return opt_error(err, "-device virtio-blk-device: drive '%s' not found",
						 d->backend);
			if (!claim("drive", d->backend, claimed, &nclaimed, err))
				return false;
			nvirtio++;
			break;
		case DEV_VIRTIO_NET:
			if (!options_find_netdev(o, d->backend))
				return opt_error(err, "-device virtio-net-device: netdev '%s' not found",
						 d->backend);
			if (!claim("netdev", d->backend, claimed, &nclaimed, err))
				return false;
			nvirtio++;
			break;
		case DEV_VIRTIO_SERIAL:
			nserialbus++;
			nvirtio++;
			break;
		case DEV_VIRTCONSOLE:
			if (nserialbus == 0)
				return opt_error(err, "-device virtconsole: no virtio-serial-device "
						 "before it on the command line");
			if (++nconsoles > nserialbus)
				return opt_error(err, "-device virtconsole: mvm supports one "
						 "virtconsole per virtio-serial-device");
			/* fall through */
		case DEV_ISA_DEBUGCON:
			if (!options_find_chardev(o, d->backend))
				return opt_error(err, "-device %s: chardev '%s' not found",
						 d->kind == DEV_ISA_DEBUGCON ? "isa-debugcon"
									     : "virtconsole",
						 d->backend);
			if (!claim("chardev", d->backend, claimed, &nclaimed, err))
				return false;
			break;
		case DEV_ISA_DEBUG_EXIT:
			break;
		}
	}
	if (nvirtio > VIRTIO_SLOTS)
		return opt_error(err, "-device: at most %d virtio devices fit microvm's "
				 "virtio-mmio slots", VIRTIO_SLOTS);
	if (o->serial && !strncmp(o->serial, "chardev:", 8)) {
		if (!options_find_chardev(o, o->serial + 8))
			return opt_error(err, "-serial %s: chardev '%s' not found", o->serial,
					 o->serial + 8);
		if (!claim("chardev", o->serial + 8, claimed, &nclaimed, err))
			return false;
	}
	for (int i = 0; i < o->nchardevs; i++)
		nstdio += o->chardevs[i].kind == CHR_STDIO;
	if (o->serial && (!strcmp(o->serial, "stdio") || !strcmp(o->serial, "mon:stdio")))
		nstdio++;
	if (nstdio > 1)
		return opt_error(err, "cannot use stdio by multiple character devices");
	if (!o->kernel && (o->initrd || o->append))
		return opt_error(err, "-initrd and -append need -kernel");
	return true;
}

void options_free_backends(struct options *o)
{
	for (int i = 0; i < o->nchardevs; i++) {
		free(o->chardevs[i].id);
		free(o->chardevs[i].path);
		free(o->chardevs[i].host);
	}
	for (int i = 0; i < o->ndrives; i++) {
		free(o->drives[i].id);
		free(o->drives[i].file);
	}
	for (int i = 0; i < o->nnetdevs; i++) {
		free(o->netdevs[i].id);
		free(o->netdevs[i].ifname);
	}
	for (int i = 0; i < o->ndevices; i++) {
		free(o->devices[i].id);
		free(o->devices[i].backend);
		free(o->devices[i].serial);
	}
	for (int i = 0; i < o->nfwcfgs; i++) {
		free(o->fwcfgs[i].name);
		free(o->fwcfgs[i].string);
		free(o->fwcfgs[i].file);
	}
}
