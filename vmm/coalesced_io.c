/*
 * coalesced_io.c: KVM's coalesced PIO (KVM_CAP_COALESCED_PIO, Linux 4.19): writes to a
 * registered port range go into a ring shared with mvm instead of each exiting to mvm.
 *
 * Why: debugcon is written a byte per exit (KVM emulates `rep outsb` one iteration at a
 * time), so a firmware or probe report of a few thousand characters was a few thousand
 * round trips through mvm. A debugcon write has no effect the guest can observe, so it
 * can wait in the ring. The same holds for writes the guest sees only through a later
 * access that itself exits: index and selector registers (fw_cfg, RTC), the UART's LCR
 * and scratch. Each such device says so where it registers its range.
 *
 * Order is kept: the ring is drained before mvm handles any other exit (so everything
 * written before the debug-exit write is out before mvm exits, and before any UART byte
 * that follows it), and every COALESCED_DRAIN_NS by the I/O thread, so that a guest that
 * prints and then stays in the guest (halted with interrupts off, spinning) still has its
 * last line seen, a little later. Host timestamps of debugcon lines (-stage-times) are
 * the drain's time: at most one drain period late.
 */
#include "coalesced_io.h"
#include "bus.h"
#include "iothread.h"
#include "machine.h"
#include "util.h"
#include "vcpu.h"

#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static struct kvm_coalesced_mmio_zone zones[COALESCED_ZONES_MAX];
static bool zone_absent[COALESCED_ZONES_MAX];	/* an absent device's ports */
static int nzones;
static struct kvm_coalesced_mmio_ring *ring;
static uint32_t ring_entries;	/* KVM_COALESCED_MMIO_MAX: what fits in the ring's page */

/* The kernel's producer index; it only ever writes one inside the ring. */
static uint32_t ring_last(void)
{
	uint32_t last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	if (last >= ring_entries)
		die("KVM's coalesced ring reports entry %u of %u", last, ring_entries);
	return last;
}

void coalesced_io_drain_locked(void)
{
	if (!ring)
		return;
	for (uint32_t first = ring->first; first != ring_last();) {
		struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[first];
		unsigned len = e->len <= sizeof(e->data) ? e->len : sizeof(e->data);
		bus_dispatch_locked(e->pio ? BUS_PIO : BUS_MMIO, e->phys_addr, e->data, len, true);
		first = (first + 1) % ring_entries;
		/* The kernel reuses the slot once first has moved past it. */
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
	}
}

void coalesced_io_drain(void)
{
	if (!ring || ring->first == ring_last())
		return;
	pthread_mutex_lock(&vm_lock);
	coalesced_io_drain_locked();
	pthread_mutex_unlock(&vm_lock);
}

static void drain_timer(void *opaque)
{
	(void)opaque;
	coalesced_io_drain_locked();	/* I/O thread callbacks hold vm_lock */
}

void coalesced_io_add(enum bus_space space, uint64_t base, uint64_t len)
{
	if (nzones == COALESCED_ZONES_MAX)
		return;		/* the range's writes exit as usual: slower, not wrong */
	zones[nzones++] = (struct kvm_coalesced_mmio_zone){
		.addr = base, .size = (uint32_t)len, .pio = space == BUS_PIO,
	};
}

void coalesced_io_add_absent(uint64_t port, uint64_t len)
{
	if (nzones == COALESCED_ZONES_MAX)
		return;
	zone_absent[nzones] = true;
	coalesced_io_add(BUS_PIO, port, len);
}

void coalesced_io_setup(struct vm *vm)
{
	int ring_page = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);
	if (ring_page <= 0 || ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) <= 0)
		return;		/* every write exits, as without this file */
	int registered = 0;
	for (int i = 0; i < nzones; i++) {
		/* Another device may sit where the absent one would (-device isa-debug-exit,
		 * iobase=0x3f8 without a serial port): its writes must not wait. */
		if (zone_absent[i] && bus_range_assigned(BUS_PIO, zones[i].addr, zones[i].size))
			continue;
		if (ioctl(vm->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zones[i]) < 0) {
			warn("KVM_REGISTER_COALESCED_MMIO at 0x%llx: %m (its writes exit instead)",
			     (unsigned long long)zones[i].addr);
			continue;
		}
		registered++;
	}
	if (!registered)
		return;
	/* The ring is a page of the first vCPU's kvm_run mapping, at the page offset that
	 * KVM_CAP_COALESCED_MMIO returns (KVM API documentation). */
	size_t page_size = (size_t)sysconf(_SC_PAGESIZE);
	ring_entries = (uint32_t)((page_size - sizeof(*ring)) / sizeof(ring->coalesced_mmio[0]));
	ring = (struct kvm_coalesced_mmio_ring *)((uint8_t *)vm->vcpus[0]->run +
						  (size_t)ring_page * page_size);
	timer_arm(timer_new(drain_timer, NULL), COALESCED_DRAIN_NS, COALESCED_DRAIN_NS);
}
