/* iothread.c: epoll loop and timerfd timers. */
#include "iothread.h"
#include "bus.h"
#include "chardev.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define IOTHREAD_MAX_FDS 32

struct watch {
	int fd;
	io_fn fn;
	void *opaque;
};

struct timer {
	int fd;
	io_fn fn;
	void *opaque;
};

static int epfd = -1;
static struct watch watches[IOTHREAD_MAX_FDS];
static int nwatches;

static void ensure_epoll(void)
{
	if (epfd < 0 && (epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1: %s", strerror(errno));
}

bool iothread_add(int fd, io_fn fn, void *opaque)
{
	ensure_epoll();
	if (nwatches == IOTHREAD_MAX_FDS)
		die("too many watched file descriptors");
	struct watch *w = &watches[nwatches++];
	*w = (struct watch){ fd, fn, opaque };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		if (errno != EPERM)
			die("epoll_ctl(%d): %s", fd, strerror(errno));
		nwatches--;
		return false;
	}
	return true;
}

void iothread_watch(int fd, bool on)
{
	for (int i = 0; i < nwatches; i++) {
		if (watches[i].fd != fd)
			continue;
		struct epoll_event ev = { .events = on ? EPOLLIN : 0, .data.ptr = &watches[i] };
		epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
	}
}

static void *iothread_loop(void *arg)
{
	(void)arg;
	struct epoll_event events[16];
	for (;;) {
		int n = epoll_wait(epfd, events, 16, -1);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct watch *w = events[i].data.ptr;
			pthread_mutex_lock(&vm_lock);
			w->fn(w->opaque);
			pthread_mutex_unlock(&vm_lock);
		}
		chardev_flush();	/* a device may have answered the host (a UART echo) */
	}
	return NULL;
}

void iothread_start(void)
{
	ensure_epoll();
	pthread_t t;
	sigset_t all, old;
	/* The I/O thread takes no signals: vCPU kicks must reach the vCPU threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (thread_start(&t, iothread_loop, NULL))
		die("cannot start the I/O thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_detach(t);
}

static void timer_fired(void *opaque)
{
	struct timer *t = opaque;
	uint64_t expirations;
	if (read(t->fd, &expirations, sizeof(expirations)) == sizeof(expirations))
		t->fn(t->opaque);
}

struct timer *timer_new(io_fn fn, void *opaque)
{
	struct timer *t = xzalloc(sizeof(*t));
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (t->fd < 0)
		die("timerfd_create: %s", strerror(errno));
	t->fn = fn;
	t->opaque = opaque;
	iothread_add(t->fd, timer_fired, t);
	return t;
}

void timer_arm(struct timer *t, uint64_t delay_ns, uint64_t period_ns)
{
	struct itimerspec its = {
		.it_value = { (time_t)(delay_ns / 1000000000ULL), (long)(delay_ns % 1000000000ULL) },
		.it_interval = { (time_t)(period_ns / 1000000000ULL),
				 (long)(period_ns % 1000000000ULL) },
	};
	timerfd_settime(t->fd, 0, &its, NULL);
}
