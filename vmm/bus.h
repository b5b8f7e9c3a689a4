/* bus.h: the one device interface of mvm. A device registers an I/O-port or MMIO range
 * with read and write callbacks and an opaque state pointer; the vCPU loop hands every
 * access to bus_access(), which finds the range by address and knows no device by name. */
#ifndef MVM_BUS_H
#define MVM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum bus_space { BUS_PIO, BUS_MMIO };

typedef uint64_t (*bus_read_fn)(void *opaque, uint64_t offset, unsigned size);
typedef void (*bus_write_fn)(void *opaque, uint64_t offset, uint64_t value, unsigned size);

struct bus_region {
	const char *name;
	enum bus_space space;
	uint64_t base, len;
	bus_read_fn read;	/* NULL: reads all ones */
	bus_write_fn write;	/* NULL: writes ignored */
	void *opaque;
};

/* One lock serialises all device state: vCPU threads, the I/O thread and timers. */
extern pthread_mutex_t vm_lock;

/* Dies when the range overlaps one already registered. */
void bus_register(const struct bus_region *r);
/* Reads or writes size bytes (1, 2, 4 or 8) at addr. Unassigned addresses read all ones
 * and ignore writes, like a floating ISA bus. Returns false for an unassigned address.
 * Takes vm_lock. */
bool bus_access(enum bus_space space, uint64_t addr, uint8_t *data, unsigned size,
		bool is_write);
/* bus_access() for a caller that holds vm_lock (draining coalesced writes). */
bool bus_dispatch_locked(enum bus_space space, uint64_t addr, uint8_t *data, unsigned size,
			 bool is_write);
/* Whether any registered region overlaps [base, base + len). */
bool bus_range_assigned(enum bus_space space, uint64_t base, uint64_t len);
/* Forget every region (unit tests). */
void bus_clear(void);

#endif
