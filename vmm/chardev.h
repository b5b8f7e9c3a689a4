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

struct chardev {
	const char *id;
	int out_fd, in_fd;		/* -1 when absent (null, no connection yet) */
	int listen_fd;			/* socket server waiting for its client, or -1 */
	bool input_watched, input_eof;
	struct chardev_frontend fe;
};

/* The chardev of -chardev id=ID, opened on first use. */
struct chardev *chardev_get(struct vm *vm, const char *id);
/* The addresses of a socket chardev's host=,port= (any name getaddrinfo knows; freeaddrinfo
 * them); an unknown host is an error that names it. */
struct addrinfo *chardev_resolve(const struct chardev_opt *o);
/* The back-end of a -serial value (stdio, mon:stdio, file:PATH, none, null, chardev:ID). */
struct chardev *chardev_for_serial(struct vm *vm, const char *spec);
void chardev_write(struct chardev *c, const void *buf, size_t len);
/* Attach the front end and start delivering input. */
void chardev_attach(struct chardev *c, const struct chardev_frontend *fe);
/* The front end has room again: resume reading. */
void chardev_input_ready(struct chardev *c);

#endif
