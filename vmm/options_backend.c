/* options_backend.c: -chardev, -drive and -netdev, the back-ends that -device and -serial
 * refer to by id. */
#include "options_internal.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool opt_check_id(const char *opt, const char *arg, const char *id, char *err)
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
	if (!opt_check_id("-chardev", arg, id, err))
		goto out;
	if (options_find_chardev(o, id)) {
		opt_error(err, "-chardev %s: duplicate chardev id '%s'", arg, id);
		goto out;
	}
	const char *v;
	if (backend && !strcmp(backend, "stdio")) {
		c->kind = CHR_STDIO;
		bool ignored;
		/* no monitor to multiplex, and no signals to pass on: the values only need
		 * to be well-formed, as QEMU requires */
		if ((v = kv_get(&l, "mux")) && !parse_bool(v, &ignored)) {
			opt_error(err, "-chardev %s: mux=%s: expected on or off", arg, v);
			goto out;
		}
		if ((v = kv_get(&l, "signal")) && !parse_bool(v, &ignored)) {
			opt_error(err, "-chardev %s: signal=%s: expected on or off", arg, v);
			goto out;
		}
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
		if (port && (!parse_uint(port, 65535, &p) || p == 0)) {
			opt_error(err, "-chardev %s: port=%s: expected a port number from 1 to 65535",
				  arg, port);
			goto out;
		}
		if (path && !host && !port) {
			c->path = xstrdup(path);
		} else if (!path && port) {
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
	if (!opt_check_id("-drive", arg, id, err))
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
	if (!opt_check_id("-netdev", arg, id, err))
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

