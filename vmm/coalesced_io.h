/* coalesced_io.h: port writes that KVM queues in a ring instead of exiting for each. */
#ifndef MVM_COALESCED_IO_H
#define MVM_COALESCED_IO_H

#include "bus.h"

struct vm;

#define COALESCED_DRAIN_NS 10000000ull	/* the I/O thread's drain period: 10 ms */
#define COALESCED_ZONES_MAX 16

/* A device range whose writes may wait in the ring: only for writes with no effect the
 * guest can see before its next exit (which drains the ring first): no interrupt, no
 * output that must not wait. Recorded now, registered with KVM by coalesced_io_setup(). */
void coalesced_io_add(enum bus_space space, uint64_t base, uint64_t len);
/* The ports of an absent ISA device (pit=off, ...): they float, and a write there has no
 * effect at all, so it may wait in the ring like any other; reads still exit. Linux
 * without an RTC polls its index and data ports 20,000 times at boot: half of those
 * exits go. */
void coalesced_io_add_absent(uint64_t port, uint64_t len);
/* After the vCPUs exist: registers the ranges with KVM, when KVM offers
 * KVM_CAP_COALESCED_PIO; otherwise their writes keep exiting as before. */
void coalesced_io_setup(struct vm *vm);
/* Hands the queued writes to their devices, in order. Takes vm_lock; the _locked form is
 * for callers that hold it (I/O thread callbacks). Cheap when nothing is queued. */
void coalesced_io_drain(void);
void coalesced_io_drain_locked(void);

#endif
