/* chardev.c: opening back-ends and moving bytes. Output is held per chardev and written
 * before the guest runs again (chardev_flush from the vCPU loop): a guest that prints is
 * slowed by its console, never its bytes lost, and a rep outsb burst or a drained ring of
 * debugcon bytes is one write(2), not one per byte. Input is read by the I/O thread only
 * while the front end has room. */
#include "chardev.h"
#include "iothread.h"
#include "lifecycle.h"
#include "machine.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define CHARDEV_MAX 24
#define CHARDEV_READ_CHUNK 256
#define CHARDEV_PORT_LEN   8		/* "65535" and its NUL */
#define CHARDEV_LOCALHOST  "localhost"
#define CHARDEV_LOOPBACK   "127.0.0.1"

static struct chardev chardevs[CHARDEV_MAX];
static int nchardevs;
/* Output buffers: written by device code (under vm_lock) and flushed by whichever thread
 * comes next, including at exit from inside a device (vm_lock held), hence a lock of their
 * own. out_pending lets the vCPU loop skip the lock when nothing was written. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static bool out_pending;
static struct termios saved_tty;
static bool tty_saved;

static void restore_tty(void)
{
	if (tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

/* SIGINT/SIGTERM/SIGHUP: put the terminal back before dying (atexit does not run then). */
static void terminate(int sig)
{
	static const char msg[] = "mvm: terminating on a signal\n";
	restore_tty();
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(128 + sig);
}

/* Raw input so the guest sees every key; ISIG stays on so ^C still stops mvm. */
static void stdio_raw(void)
{
	if (tty_saved || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return;
	tty_saved = true;
	atexit(restore_tty);
	struct sigaction sa = { .sa_handler = terminate };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	struct termios t = saved_tty;
	t.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST | ONLCR;
	t.c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | IEXTEN);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static struct chardev *new_chardev(const char *id)
{
	if (nchardevs == CHARDEV_MAX)
		die("too many character devices");
	if (nchardevs == 0)
		atexit(chardev_flush);	/* die() and vm_exit() keep the output held */
	struct chardev *c = &chardevs[nchardevs++];
	*c = (struct chardev){ .id = id, .out_fd = -1, .in_fd = -1, .listen_fd = -1 };
	return c;
}

static int open_file(const char *path, bool append)
{
	/* QEMU truncates unless append=on; a restart after a guest reset appends. */
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
	int fd = open(path, flags, 0666);
	if (fd < 0)
		die("chardev: could not open '%s': %s", path, strerror(errno));
	return fd;
}

static void socket_accept(void *opaque)
{
	struct chardev *c = opaque;
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0 || c->in_fd >= 0) {
		if (fd >= 0)
			close(fd);	/* one client at a time */
		return;
	}
	c->in_fd = c->out_fd = fd;
	if (c->fe.receive)
		chardev_attach(c, &c->fe);
}

static int unix_socket(const struct chardev_opt *o)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	if (strlen(o->path) >= sizeof(un.sun_path))
		die("-chardev %s: socket path too long", o->id);
	strcpy(un.sun_path, o->path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("-chardev %s: socket: %s", o->id, strerror(errno));
	if (!o->server) {
		if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0)
			die("-chardev %s: path=%s: cannot connect: %s", o->id, o->path, strerror(errno));
		return fd;
	}
	unlink(o->path);
	if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0 || listen(fd, 1) < 0)
		die("-chardev %s: path=%s: cannot listen: %s", o->id, o->path, strerror(errno));
	return fd;
}

struct addrinfo *chardev_resolve(const struct chardev_opt *o)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV | (o->server ? AI_PASSIVE : 0),
	};
	char port[CHARDEV_PORT_LEN];
	snprintf(port, sizeof(port), "%d", o->port);
	struct addrinfo *res = NULL;
	int r = getaddrinfo(o->host, port, &hints, &res);
	/* A static mvm may find no resolver modules to load (glibc's NSS): localhost is the
	 * loopback address by definition (RFC 6761), so it needs none. */
	if (r && !strcmp(o->host, CHARDEV_LOCALHOST))
		r = getaddrinfo(CHARDEV_LOOPBACK, port, &hints, &res);
	if (r)
		die("-chardev %s: host=%s: cannot resolve the host name: %s", o->id, o->host,
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
	return res;
}

/* A connected (client) or listening (server) TCP socket: the first address of the host
 * that works, as QEMU tries them in getaddrinfo's order (localhost may be ::1, then
 * 127.0.0.1). */
static int inet_socket(const struct chardev_opt *o)
{
	struct addrinfo *res = chardev_resolve(o);
	int fd = -1, error = 0;
	for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0) {
			error = errno;
			continue;
		}
		int one = 1;
		if (o->server)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		bool ok = o->server ? !bind(fd, a->ai_addr, a->ai_addrlen) && !listen(fd, 1)
				    : !connect(fd, a->ai_addr, a->ai_addrlen);
		if (!ok) {
			error = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		die("-chardev %s: host=%s,port=%d: cannot %s: %s", o->id, o->host, o->port,
		    o->server ? "listen" : "connect", strerror(error));
	return fd;
}

static void open_socket(struct chardev *c, const struct chardev_opt *o)
{
	int fd = o->path ? unix_socket(o) : inet_socket(o);
	if (!o->server) {
		c->in_fd = c->out_fd = fd;
		return;
	}
	c->listen_fd = fd;
	if (o->wait) {
		fprintf(stderr, "mvm: -chardev %s: waiting for a connection\n", o->id);
		socket_accept(c);
	} else {
		iothread_add(fd, socket_accept, c);
	}
}

struct chardev *chardev_get(struct vm *vm, const char *id)
{
	for (int i = 0; i < nchardevs; i++)
		if (!strcmp(chardevs[i].id, id))
			return &chardevs[i];
	struct chardev_opt *o = options_find_chardev(vm->opt, id);
	if (!o)
		die("chardev '%s' not found", id);
	struct chardev *c = new_chardev(o->id);
	switch (o->kind) {
	case CHR_NULL:
		break;
	case CHR_STDIO:
		stdio_raw();
		c->in_fd = STDIN_FILENO;
		c->out_fd = STDOUT_FILENO;
		break;
	case CHR_FILE:
		c->out_fd = open_file(o->path, o->append || getenv(LIFECYCLE_RESTART_ENV));
		break;
	case CHR_SOCKET:
		open_socket(c, o);
		break;
	}
	return c;
}

struct chardev *chardev_for_serial(struct vm *vm, const char *spec)
{
	if (!strncmp(spec, "chardev:", 8))
		return chardev_get(vm, spec + 8);
	struct chardev *c = new_chardev(spec);
	if (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio")) {
		stdio_raw();
		c->in_fd = STDIN_FILENO;
		c->out_fd = STDOUT_FILENO;
	} else if (!strncmp(spec, "file:", 5)) {
		c->out_fd = open_file(spec + 5, getenv(LIFECYCLE_RESTART_ENV) != NULL);
	}
	return c;
}

static void write_out(struct chardev *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (c->out_fd >= 0 && len > 0) {
		ssize_t n = write(c->out_fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* a closed reader does not stop the guest */
		p += n;
		len -= (size_t)n;
	}
}

static void flush_one(struct chardev *c)
{
	write_out(c, c->out_buf, c->out_len);
	c->out_len = 0;
}

void chardev_write(struct chardev *c, const void *buf, size_t len)
{
	if (c->out_fd < 0)
		return;
	pthread_mutex_lock(&out_lock);
	if (c->out_len + len > sizeof(c->out_buf))
		flush_one(c);
	if (len > sizeof(c->out_buf)) {
		write_out(c, buf, len);
	} else {
		memcpy(c->out_buf + c->out_len, buf, len);
		c->out_len += len;
		__atomic_store_n(&out_pending, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&out_lock);
}

void chardev_flush(void)
{
	if (!__atomic_load_n(&out_pending, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&out_lock);
	__atomic_store_n(&out_pending, false, __ATOMIC_RELAXED);
	for (int i = 0; i < nchardevs; i++)
		if (chardevs[i].out_len)
			flush_one(&chardevs[i]);
	pthread_mutex_unlock(&out_lock);
}

static void chardev_readable(void *opaque)
{
	struct chardev *c = opaque;
	size_t room = c->fe.can_receive(c->fe.opaque);
	if (room == 0) {
		iothread_watch(c->in_fd, false);
		c->input_watched = false;
		return;
	}
	uint8_t buf[CHARDEV_READ_CHUNK];
	ssize_t n = read(c->in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n > 0) {
		c->fe.receive(c->fe.opaque, buf, (size_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		iothread_watch(c->in_fd, false);	/* end of input */
		c->input_watched = false;
		c->input_eof = true;
	}
}

void chardev_attach(struct chardev *c, const struct chardev_frontend *fe)
{
	c->fe = *fe;
	if (c->in_fd < 0 || c->input_watched)
		return;
	c->input_watched = iothread_add(c->in_fd, chardev_readable, c);
	if (!c->input_watched)
		c->input_eof = true;	/* stdin is a regular file: no input for the guest */
}

void chardev_input_ready(struct chardev *c)
{
	if (c->in_fd >= 0 && !c->input_watched && !c->input_eof) {
		c->input_watched = true;
		iothread_watch(c->in_fd, true);
	}
}
