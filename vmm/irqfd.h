/* irqfd.h: virtio-mmio interrupts delivered by an eventfd that KVM turns into the GSI's
 * routed MSI (KVM_IRQFD), bypassing the user-space IOAPIC while the guest's redirection
 * entry allows it (unmasked, edge-triggered). irqfd.c says why only then. */
#ifndef MVM_IRQFD_H
#define MVM_IRQFD_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct ioapic;

/* Gives gsi (a virtio-mmio slot's line, an IOAPIC pin one to one) an eventfd KVM listens
 * on. False when KVM cannot (no KVM_CAP_IRQFD): the line keeps the user-space path. */
bool irqfd_attach(struct vm *vm, unsigned gsi);
/* The same with an eventfd already registered (unit tests pass their own). */
void irqfd_attach_fd(unsigned gsi, int fd);
/* After a redirection entry changed and KVM's GSI routes were rewritten (routes_current)
 * or could not be (false: nothing may go through an eventfd until they are). */
void irqfd_routes_changed(struct ioapic *io, bool routes_current);
/* Pins whose line changes the eventfd path carries for these entries: the pins that have
 * an eventfd (with_fd) and are unmasked and edge-triggered. */
uint32_t irqfd_direct_pins(const struct ioapic *io, uint32_t with_fd);

/* Interrupts of the lines with an eventfd: through it, and through the user-space IOAPIC
 * (masked, level-triggered, or latched while masked). */
struct irqfd_stats {
	unsigned lines;
	uint64_t via_eventfd, via_ioapic;
};
void irqfd_stats(struct irqfd_stats *s);
/* "mvm: irqfd lines=N eventfd=N ioapic=N" on stderr with -stage-times (docs/protocol.md). */
void irqfd_report(void);
/* Forget every line (unit tests; does not close the eventfds). */
void irqfd_reset(void);

#endif
