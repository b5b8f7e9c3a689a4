/* chardev.h: character back-ends (-chardev, -serial): stdio, null, file, socket. A front
 * end (UART, debugcon, virtio console) writes bytes and pulls input when it has room. */
#ifndef MVM_CHARDEV_H
#define MVM_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct addrinfo;
struct chardev_opt;

struct chardev_frontend {
	size_t (*can_receive)(void *opaque);	/* bytes the front end can take now */
	void (*receive)(void *opaque, const uint8_t *buf, size_t len);
	void *opaque;
};

#define CHARDEV_OUT_BUF 4096

struct chardev {
	const char *id;
	int out_fd, in_fd;		/* -1 when absent (null, no connection yet) */
	int listen_fd;			/* socket server waiting for its client, or -1 */
	bool input_watched, input_eof;
	struct chardev_frontend fe;
	size_t out_len;			/* bytes in out_buf, not yet written */
	uint8_t out_buf[CHARDEV_OUT_BUF];
};

/* The chardev of -chardev id=ID, opened on first use. */
struct chardev *chardev_get(struct vm *vm, const char *id);
/* The addresses of a socket chardev's host=,port= (any name getaddrinfo knows; freeaddrinfo
 * them); an unknown host is an error that names it. */
struct addrinfo *chardev_resolve(const struct chardev_opt *o);
/* The back-end of a -serial value (stdio, mon:stdio, file:PATH, none, null, chardev:ID). */
struct chardev *chardev_for_serial(struct vm *vm, const char *spec);
/* Output is held until chardev_flush(): a guest's byte-at-a-time console costs one write(2)
 * per VM exit instead of one per byte. */
void chardev_write(struct chardev *c, const void *buf, size_t len);
/* Write out what every chardev holds. The vCPU loop calls it after each exit, before the
 * guest runs again, so the guest never gets ahead of its output; it also runs at exit. */
void chardev_flush(void);
/* Attach the front end and start delivering input. */
void chardev_attach(struct chardev *c, const struct chardev_frontend *fe);
/* The front end has room again: resume reading. */
void chardev_input_ready(struct chardev *c);

#endif
