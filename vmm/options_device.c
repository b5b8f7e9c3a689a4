/* options_device.c: -chardev, -drive, -netdev, -device and -fw_cfg, and the cross-checks
 * that tie front-ends to back-ends once the whole command line is read. */
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

static bool check_id(const char *opt, const char *arg, const char *id, char *err)
{
	if (!id || !*id)
		return opt_error(err, "%s %s: parameter 'id' is missing", opt, arg);
	return true;
}

bool opt_chardev(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (o->nchardevs == OPT_MAX_ITEMS)
		return opt_error(err, "-chardev %s: too many chardevs", arg);
	if (!kv_split(&l, arg))
		return opt_error(err, "-chardev %s: too many properties", arg);
	struct chardev_opt *c = &o->chardevs[o->nchardevs];
	memset(c, 0, sizeof(*c));
	const char *backend = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "backend");
	const char *id = kv_get(&l, "id");
	if (!check_id("-chardev", arg, id, err))
		goto out;
	if (options_find_chardev(o, id)) {
		opt_error(err, "-chardev %s: duplicate chardev id '%s'", arg, id);
		goto out;
	}
	const char *v;
	if (backend && !strcmp(backend, "stdio")) {
		c->kind = CHR_STDIO;
		kv_get(&l, "mux");	/* no monitor to multiplex; output is the same */
		kv_get(&l, "signal");
	} else if (backend && !strcmp(backend, "null")) {
		c->kind = CHR_NULL;
	} else if (backend && !strcmp(backend, "file")) {
		c->kind = CHR_FILE;
		if (!(v = kv_get(&l, "path"))) {
			opt_error(err, "-chardev %s: file needs path=", arg);
			goto out;
		}
		c->path = xstrdup(v);
		if ((v = kv_get(&l, "append")) && !parse_bool(v, &c->append)) {
			opt_error(err, "-chardev %s: append=%s: expected on or off", arg, v);
			goto out;
		}
	} else if (backend && !strcmp(backend, "socket")) {
		c->kind = CHR_SOCKET;
		c->port = -1;
		c->wait = true;
		const char *path = kv_get(&l, "path"), *host = kv_get(&l, "host");
		const char *port = kv_get(&l, "port");
		uint64_t p;
		if (path && !host && !port) {
			c->path = xstrdup(path);
		} else if (!path && port && parse_uint(port, 65535, &p)) {
			c->host = xstrdup(host ? host : "127.0.0.1");
			c->port = (int)p;
		} else {
			opt_error(err, "-chardev %s: socket needs path= or host=,port=", arg);
			goto out;
		}
		if ((v = kv_get(&l, "server")) && !parse_bool(v, &c->server)) {
			opt_error(err, "-chardev %s: server=%s: expected on or off", arg, v);
			goto out;
		}
		if ((v = kv_get(&l, "wait")) && !parse_bool(v, &c->wait)) {
			opt_error(err, "-chardev %s: wait=%s: expected on or off", arg, v);
			goto out;
		}
	} else {
		opt_error(err, "-chardev %s: unsupported backend '%s' (stdio, null, file, socket)",
			  arg, backend ? backend : "");
		goto out;
	}
	if (!opt_no_unused(&l, "-chardev", arg, err))
		goto out;
	c->id = xstrdup(id);
	o->nchardevs++;
	ok = true;
out:
	if (!ok) {
		free(c->path);
		free(c->host);
		memset(c, 0, sizeof(*c));
	}
	kv_free(&l);
	return ok;
}

bool opt_drive(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (o->ndrives == OPT_MAX_ITEMS)
		return opt_error(err, "-drive %s: too many drives", arg);
	if (!kv_split(&l, arg))
		return opt_error(err, "-drive %s: too many properties", arg);
	const char *id = kv_get(&l, "id"), *file = kv_get(&l, "file");
	const char *format = kv_get(&l, "format"), *iface = kv_get(&l, "if");
	const char *ro = kv_get(&l, "readonly");
	bool readonly = false;
	if (l.n && !l.kv[0].key) {
		opt_error(err, "-drive %s: expected key=value properties", arg);
		goto out;
	}
	if (!check_id("-drive", arg, id, err))
		goto out;
	if (!file) {
		opt_error(err, "-drive %s: parameter 'file' is missing", arg);
		goto out;
	}
	if (!format || strcmp(format, "raw")) {
		opt_error(err, "-drive %s: only format=raw is supported (and must be given)", arg);
		goto out;
	}
	if (!iface || strcmp(iface, "none")) {
		opt_error(err, "-drive %s: only if=none is supported (attach it with -device "
			  "virtio-blk-device,drive=%s)", arg, id);
		goto out;
	}
	if (ro && !parse_bool(ro, &readonly)) {
		opt_error(err, "-drive %s: readonly=%s: expected on or off", arg, ro);
		goto out;
	}
	kv_get(&l, "cache");	/* host caching policy: mvm always uses the page cache */
	if (!opt_no_unused(&l, "-drive", arg, err))
		goto out;
	if (options_find_drive(o, id)) {
		opt_error(err, "-drive %s: duplicate drive id '%s'", arg, id);
		goto out;
	}
	struct drive_opt *d = &o->drives[o->ndrives++];
	d->id = xstrdup(id);
	d->file = xstrdup(file);
	d->readonly = readonly;
	ok = true;
out:
	kv_free(&l);
	return ok;
}

bool opt_netdev(struct options *o, const char *arg, char *err)
{
	struct kvlist l;
	bool ok = false;
	if (o->nnetdevs == OPT_MAX_ITEMS)
		return opt_error(err, "-netdev %s: too many netdevs", arg);
	if (!kv_split(&l, arg))
		return opt_error(err, "-netdev %s: too many properties", arg);
	const char *type = l.n && !l.kv[0].key ? l.kv[0].value : kv_get(&l, "type");
	const char *id = kv_get(&l, "id"), *ifname = kv_get(&l, "ifname");
	const char *script = kv_get(&l, "script"), *down = kv_get(&l, "downscript");
	const char *vhost = kv_get(&l, "vhost");
	if (!type || strcmp(type, "tap")) {
		opt_error(err, "-netdev %s: unsupported netdev type '%s' (only tap)", arg,
			  type ? type : "");
		goto out;
	}
	if (!check_id("-netdev", arg, id, err))
		goto out;
	/* mvm runs no network scripts; QEMU's default would run /etc/qemu-ifup. */
	if (!script || strcmp(script, "no") || !down || strcmp(down, "no")) {
		opt_error(err, "-netdev %s: only script=no,downscript=no are supported", arg);
		goto out;
	}
	if (vhost && strcmp(vhost, "off")) {
		opt_error(err, "-netdev %s: vhost=%s: only vhost=off is supported", arg, vhost);
		goto out;
	}
	if (!opt_no_unused(&l, "-netdev", arg, err))
		goto out;
	if (options_find_netdev(o, id)) {
		opt_error(err, "-netdev %s: duplicate netdev id '%s'", arg, id);
		goto out;
	}
	struct netdev_opt *n = &o->netdevs[o->nnetdevs++];
	n->id = xstrdup(id);
	n->ifname = opt_strdup(ifname);
	ok = true;
out:
	kv_free(&l);
	return ok;
}

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

struct chardev_opt *options_find_chardev(struct options *o, const char *id)
{
	for (int i = 0; i < o->nchardevs; i++)
		if (!strcmp(o->chardevs[i].id, id))
			return &o->chardevs[i];
	return NULL;
}

struct drive_opt *options_find_drive(struct options *o, const char *id)
{
	for (int i = 0; i < o->ndrives; i++)
		if (!strcmp(o->drives[i].id, id))
			return &o->drives[i];
	return NULL;
}

struct netdev_opt *options_find_netdev(struct options *o, const char *id)
{
	for (int i = 0; i < o->nnetdevs; i++)
		if (!strcmp(o->netdevs[i].id, id))
			return &o->netdevs[i];
	return NULL;
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
