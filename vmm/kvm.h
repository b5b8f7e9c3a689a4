/* kvm.h: the KVM VM: creation, split irqchip, memory slots, MSIs, GSI routes, eventfds. */
#ifndef MVM_KVM_H
#define MVM_KVM_H

#include <stdint.h>

struct vm;

#define KVM_DEVICE        "/dev/kvm"
#define KVM_SPLIT_ROUTES  24	/* IOAPIC pins whose EOIs KVM reports (KVM_EXIT_IOAPIC_EOI) */

/* Opens /dev/kvm and makes the VM: NULL, or what went wrong (the caller reports it). */
const char *kvm_create_vm(struct vm *vm);
/* Split irqchip: LAPICs in the kernel, PIC/PIT/IOAPIC in mvm. Must precede the vCPUs. */
void kvm_enable_split_irqchip(struct vm *vm);
void kvm_add_memory(struct vm *vm, uint64_t gpa, uint64_t size, void *host);
void kvm_signal_msi(struct vm *vm, uint64_t addr, uint32_t data);
/* An eventfd that KVM signals on a 4-byte MMIO write of value to addr, without an exit to
 * user space; -1 when KVM cannot (the write then exits as usual). */
int kvm_mmio_eventfd(struct vm *vm, uint64_t addr, uint32_t value);
/* An eventfd whose writes KVM turns into an interrupt through gsi's route (KVM_IRQFD); -1
 * when KVM has no KVM_CAP_IRQFD or refuses it. */
int kvm_irqfd(struct vm *vm, unsigned gsi);

#endif
