/* irqfd.c: virtio-mmio interrupts through KVM_IRQFD. Each virtio slot's GSI gets an
 * eventfd that KVM turns into the MSI of the GSI's route, and kvm.c keeps every route equal
 * to the guest's redirection entry (vector, destination, delivery mode). While that entry is
 * unmasked and edge-triggered, a rising line is one eventfd write from whichever thread
 * completed the request: no user-space IOAPIC, no ioctl. Otherwise the line goes through the
 * user-space IOAPIC as before (ioapic.c), which this file tells to leave direct pins alone.
 *
 * Why only unmasked edge entries:
 * - Edge is what guests program for these pins: Linux takes IRQs 5-12 as ISA IRQs (the MP
 *   table's interrupt entries "conform to bus": edge, active high), and the probe's device
 *   suite routes them edge-triggered. An edge entry delivers one MSI per assertion and keeps
 *   no state, which is exactly an eventfd write.
 * - A masked entry must not deliver, yet must deliver an edge latched while masked once it is
 *   unmasked: the user-space IOAPIC does that (irr, then ioapic_service on the write that
 *   unmasks), so masked pins stay with it.
 * - A level entry needs remote IRR and re-delivery at EOI while the line is still high. With
 *   an in-kernel IOAPIC, KVM_IRQFD_FLAG_RESAMPLE would do it, but kvm_irqfd_assign()
 *   (virt/kvm/eventfd.c) fails with EINVAL when x86's kvm_arch_irqfd_allowed() says no, and
 *   for a resample irqfd it wants the whole irqchip in the kernel, which a split irqchip is
 *   not: the resampler waits for an ack of an in-kernel IOAPIC/PIC pin, while here the EOI
 *   of a level vector exits to user space (KVM_EXIT_IOAPIC_EOI). QEMU emulates resampling in
 *   user space at its IOAPIC's EOI for a split irqchip, i.e. through its IOAPIC anyway. So
 *   level pins use the user-space IOAPIC, whose remote IRR and EOI handling are right.
 *
 * Like the user-space IOAPIC (and QEMU's), every report of the line high is an edge: a device
 * re-raising a line that is still high (a second used buffer before the ACK) interrupts again.
 * An eventfd write may be injected later by a kernel work item when KVM cannot deliver at
 * once; it then uses the route of that moment, like a message already on the bus when the
 * guest masks the entry. All of this runs under vm_lock, as the device callbacks do. */
#include "irqfd.h"
#include "ioapic.h"
#include "irq.h"
#include "kvm.h"
#include "timing.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int line_fd[IOAPIC_PINS];
static uint32_t with_fd;		/* pins that have an eventfd KVM listens on */
static struct ioapic *routed;		/* the IOAPIC whose bypass mask is current */
static bool sink_added;
static uint64_t via_eventfd;

uint32_t irqfd_direct_pins(const struct ioapic *io, uint32_t pins)
{
	uint32_t direct = 0;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t e = io->rte[pin];
		if ((pins & (1u << pin)) && !(e & IOAPIC_RTE_MASKED) && !(e & IOAPIC_RTE_LEVEL))
			direct |= 1u << pin;
	}
	return direct;
}

void irqfd_routes_changed(struct ioapic *io, bool routes_current)
{
	routed = io;
	io->bypass = routes_current ? irqfd_direct_pins(io, with_fd) : 0;
}

/* A line changed: on a direct pin, its assertion is the interrupt. */
static void irqfd_sink(void *opaque, unsigned gsi, int level)
{
	(void)opaque;
	if (!level || gsi >= IOAPIC_PINS || !routed || !(routed->bypass & (1u << gsi)))
		return;
	uint64_t one = 1;
	if (write(line_fd[gsi], &one, sizeof(one)) != sizeof(one)) {
		/* Cannot happen while KVM drains it. Give the pin back to the user-space IOAPIC
		 * rather than lose the edge (at worst it is delivered twice, which is harmless
		 * for a line that is still high). */
		warn("irqfd of GSI %u: %s; the user-space IOAPIC takes it", gsi, strerror(errno));
		with_fd &= ~(1u << gsi);
		routed->bypass &= ~(1u << gsi);
		ioapic_set_pin(routed, gsi, level);
		return;
	}
	via_eventfd++;
}

void irqfd_attach_fd(unsigned gsi, int fd)
{
	line_fd[gsi] = fd;
	with_fd |= 1u << gsi;
	if (!sink_added)
		irq_add_sink(irqfd_sink, NULL);
	sink_added = true;
}

bool irqfd_attach(struct vm *vm, unsigned gsi)
{
	/* GSI 0 arrives on pin 2 (IRQ0_OVERRIDE); only lines that are their own pin qualify. */
	if (gsi == 0 || gsi == IOAPIC_ISA_IRQ0_PIN || gsi >= IOAPIC_PINS)
		return false;
	int fd = kvm_irqfd(vm, gsi);
	if (fd < 0)
		return false;
	irqfd_attach_fd(gsi, fd);
	return true;
}

void irqfd_stats(struct irqfd_stats *s)
{
	s->lines = (unsigned)__builtin_popcount(with_fd);
	s->via_eventfd = via_eventfd;
	s->via_ioapic = 0;
	for (unsigned pin = 0; routed && pin < IOAPIC_PINS; pin++)
		if (with_fd & (1u << pin))
			s->via_ioapic += routed->msis[pin];
}

void irqfd_report(void)
{
	if (!timing_enabled())
		return;
	struct irqfd_stats s;
	irqfd_stats(&s);
	timing_printf("mvm: irqfd lines=%u eventfd=%llu ioapic=%llu\n", s.lines,
		      (unsigned long long)s.via_eventfd, (unsigned long long)s.via_ioapic);
}

void irqfd_reset(void)
{
	with_fd = 0;
	routed = NULL;
	sink_added = false;
	via_eventfd = 0;
}
