/* iothread.h: the one I/O thread: an epoll loop over chardev inputs, tap, eventfds and
 * timerfds. Every callback runs with vm_lock held, so devices need no locks of their own. */
#ifndef MVM_IOTHREAD_H
#define MVM_IOTHREAD_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*io_fn)(void *opaque);

/* Calls fn when fd is readable. False when fd cannot be polled (a regular file). */
bool iothread_add(int fd, io_fn fn, void *opaque);
/* Stops or resumes watching fd (a device with a full receive buffer stops its input). */
void iothread_watch(int fd, bool on);
void iothread_start(void);

struct timer;
struct timer *timer_new(io_fn fn, void *opaque);
/* First expiry delay_ns from now, then every period_ns (0: once); delay 0 disarms. */
void timer_arm(struct timer *t, uint64_t delay_ns, uint64_t period_ns);

#endif
