/* test_irqfd.c: which virtio line changes go through an eventfd (KVM_IRQFD) and which
 * through the user-space IOAPIC, as the guest programs, masks and unmasks the redirection
 * entry. Host eventfds stand in for KVM's: a write that KVM would turn into an MSI is a count
 * read back here. */
#include "check.h"
#include "ioapic.h"
#include "irq.h"
#include "irqfd.h"

#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define PIN_BLK   12		/* the first virtio device's slot (microvm: IRQ 5 + slot 7) */
#define PIN_NOFD  11		/* a virtio line KVM gave no eventfd */
#define VEC       0x3c

static struct ioapic io;
static int user_msis;
static bool routes_ok = true;
static int blk_fd;

static void deliver(void *opaque, uint64_t addr, uint32_t data)
{
	(void)opaque;
	(void)addr;
	(void)data;
	user_msis++;
}

/* kvm.c's role: rewrite KVM's routes (here: succeed or not), then tell irqfd.c. */
static void routes_changed(void *opaque, struct ioapic *ioapic)
{
	(void)opaque;
	irqfd_routes_changed(ioapic, routes_ok);
}

static void to_ioapic(void *opaque, unsigned gsi, int level)
{
	ioapic_set_pin(opaque, gsi, level);
}

static void route(unsigned pin, uint64_t entry)
{
	ioapic_mmio_write(&io, IOAPIC_REG_SELECT, IOAPIC_REDTBL + 2 * pin + 1, 4);
	ioapic_mmio_write(&io, IOAPIC_REG_WINDOW, (uint32_t)(entry >> 32), 4);
	ioapic_mmio_write(&io, IOAPIC_REG_SELECT, IOAPIC_REDTBL + 2 * pin, 4);
	ioapic_mmio_write(&io, IOAPIC_REG_WINDOW, (uint32_t)entry, 4);
}

/* Eventfd writes since the last call (what KVM would have delivered). */
static uint64_t eventfd_edges(void)
{
	uint64_t n = 0;
	if (read(blk_fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static void pulse(unsigned pin)
{
	irq_set_level(pin, 1);
	irq_set_level(pin, 0);
}

static void check_direct_pins(void)
{
	ioapic_init(&io);
	io.rte[3] = VEC;				/* unmasked edge */
	io.rte[4] = VEC | IOAPIC_RTE_LEVEL;		/* unmasked level */
	io.rte[5] = VEC | IOAPIC_RTE_MASKED;		/* masked edge */
	io.rte[6] = VEC;				/* unmasked edge, no eventfd */
	uint32_t with_fd = 1u << 3 | 1u << 4 | 1u << 5 | 1u << 7;
	report(irqfd_direct_pins(&io, with_fd) == 1u << 3,
	       "only an eventfd pin with an unmasked edge entry bypasses the IOAPIC");
}

int main(void)
{
	check_direct_pins();

	irq_reset();
	irqfd_reset();
	ioapic_init(&io);
	io.deliver = deliver;
	io.routes_changed = routes_changed;
	irq_add_sink(to_ioapic, &io);
	blk_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	irqfd_attach_fd(PIN_BLK, blk_fd);

	pulse(PIN_BLK);
	report(eventfd_edges() == 0 && user_msis == 0, "a masked (power-on) entry delivers nothing");
	route(PIN_BLK, VEC | (1ULL << IOAPIC_RTE_DEST_SHIFT));
	report(user_msis == 1 && eventfd_edges() == 0,
	       "unmasking delivers the edge latched while masked, through the IOAPIC");
	report(io.bypass == 1u << PIN_BLK, "the unmasked edge entry now bypasses the IOAPIC");

	pulse(PIN_BLK);
	report(eventfd_edges() == 1 && user_msis == 1, "an edge on the unmasked entry is one eventfd write");
	irq_set_level(PIN_BLK, 1);
	irq_set_level(PIN_BLK, 1);
	report(eventfd_edges() == 2 && user_msis == 1,
	       "re-raising a line still high interrupts again, as the IOAPIC model does");
	irq_set_level(PIN_BLK, 0);

	route(PIN_BLK, VEC | IOAPIC_RTE_MASKED);
	report(io.bypass == 0, "masking the entry takes the pin back to the IOAPIC");
	pulse(PIN_BLK);
	report(eventfd_edges() == 0 && user_msis == 1, "an edge while masked is not delivered");
	route(PIN_BLK, VEC);
	report(user_msis == 2 && eventfd_edges() == 0, "it is delivered once the entry is unmasked");
	route(PIN_BLK, VEC);
	report(user_msis == 2, "and only once");

	route(PIN_BLK, VEC | IOAPIC_RTE_LEVEL);
	report(io.bypass == 0, "a level entry stays with the IOAPIC (remote IRR, EOI)");
	irq_set_level(PIN_BLK, 1);
	report(user_msis == 3 && eventfd_edges() == 0, "a level pin delivers through the IOAPIC");
	ioapic_eoi(&io, VEC);
	report(user_msis == 4, "and again at EOI while the line is still high");
	irq_set_level(PIN_BLK, 0);
	ioapic_eoi(&io, VEC);
	report(user_msis == 4, "but not after the line dropped");

	irq_set_level(PIN_BLK, 1);	/* delivered, remote IRR set */
	report(user_msis == 5, "the level pin delivers when raised again");
	route(PIN_BLK, VEC);
	report(io.bypass == 1u << PIN_BLK && !(io.rte[PIN_BLK] & IOAPIC_RTE_REMOTE_IRR),
	       "switching to edge hands the pin to the eventfd and drops remote IRR");
	report(user_msis == 6 && eventfd_edges() == 0,
	       "the line still latched high is delivered once more, by the IOAPIC");
	irq_set_level(PIN_BLK, 0);
	pulse(PIN_BLK);
	report(eventfd_edges() == 1 && user_msis == 6, "edges then go through the eventfd");

	routes_ok = false;
	route(PIN_BLK, VEC + 1);
	report(io.bypass == 0, "when KVM's routes could not be rewritten no pin bypasses the IOAPIC");
	pulse(PIN_BLK);
	report(eventfd_edges() == 0 && user_msis == 7, "the stale route is not used: the IOAPIC delivers");
	routes_ok = true;
	route(PIN_BLK, VEC);

	route(PIN_NOFD, VEC + 2);
	pulse(PIN_NOFD);
	report(user_msis == 8 && eventfd_edges() == 0 && !(io.bypass & 1u << PIN_NOFD),
	       "a line without an eventfd keeps the IOAPIC path (no KVM_CAP_IRQFD)");

	struct irqfd_stats s;
	irqfd_stats(&s);
	report(s.lines == 1 && s.via_eventfd == 4 && s.via_ioapic == 7,
	       "statistics: 1 line, 4 interrupts through the eventfd, 7 through the IOAPIC "
	       "(got %u, %llu, %llu)", s.lines, (unsigned long long)s.via_eventfd,
	       (unsigned long long)s.via_ioapic);
	close(blk_fd);
	return check_summary("test_irqfd");
}
