/* bus.c: address-ordered dispatch of port I/O and MMIO accesses to registered devices. */
#include "bus.h"
#include "util.h"

#include <string.h>

#define BUS_MAX_REGIONS 64

pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;

static struct bus_region regions[BUS_MAX_REGIONS];
static int nregions;

void bus_register(const struct bus_region *r)
{
	if (r->len == 0 || r->base + r->len < r->base)
		die("device %s: empty or wrapping range", r->name);
	for (int i = 0; i < nregions; i++) {
		const struct bus_region *o = &regions[i];
		if (o->space == r->space && r->base < o->base + o->len && o->base < r->base + r->len)
			die("device %s at 0x%llx overlaps %s at 0x%llx", r->name,
			    (unsigned long long)r->base, o->name, (unsigned long long)o->base);
	}
	if (nregions == BUS_MAX_REGIONS)
		die("too many device regions");
	regions[nregions++] = *r;
}

void bus_clear(void)
{
	nregions = 0;
}

static const struct bus_region *bus_find(enum bus_space space, uint64_t addr)
{
	for (int i = 0; i < nregions; i++) {
		const struct bus_region *r = &regions[i];
		if (r->space == space && addr >= r->base && addr - r->base < r->len)
			return r;
	}
	return NULL;
}

bool bus_range_assigned(enum bus_space space, uint64_t base, uint64_t len)
{
	for (int i = 0; i < nregions; i++) {
		const struct bus_region *r = &regions[i];
		if (r->space == space && base < r->base + r->len && r->base < base + len)
			return true;
	}
	return false;
}

bool bus_dispatch_locked(enum bus_space space, uint64_t addr, uint8_t *data, unsigned size,
			 bool is_write)
{
	if (size == 0 || size > 8)
		return false;
	const struct bus_region *r = bus_find(space, addr);
	/* An access that starts in a device but runs past its end is not decoded. */
	if (r && addr - r->base + size > r->len)
		r = NULL;
	if (is_write) {
		uint64_t v = 0;
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)data[i] << (8 * i);
		if (r && r->write)
			r->write(r->opaque, addr - r->base, v, size);
	} else {
		uint64_t v = r && r->read ? r->read(r->opaque, addr - r->base, size) : ~0ULL;
		for (unsigned i = 0; i < size; i++)
			data[i] = (uint8_t)(v >> (8 * i));
	}
	return r != NULL;
}

bool bus_access(enum bus_space space, uint64_t addr, uint8_t *data, unsigned size,
		bool is_write)
{
	pthread_mutex_lock(&vm_lock);
	bool decoded = bus_dispatch_locked(space, addr, data, size, is_write);
	pthread_mutex_unlock(&vm_lock);
	return decoded;
}
