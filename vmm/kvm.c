/* kvm.c: talking to /dev/kvm for the VM as a whole. */
#include "kvm.h"
#include "ioapic.h"
#include "irqfd.h"
#include "machine.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int memory_slots;

const char *kvm_create_vm(struct vm *vm)
{
	static char why[256];
	vm->kvm_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		snprintf(why, sizeof(why), "could not access KVM kernel module: %s: %s", KVM_DEVICE,
			 strerror(errno));
		return why;
	}
	int version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		snprintf(why, sizeof(why), "%s: KVM API version %d, expected %d", KVM_DEVICE,
			 version, KVM_API_VERSION);
		return why;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		snprintf(why, sizeof(why), "KVM_CREATE_VM: %s", strerror(errno));
		return why;
	}
	/* Intel without unrestricted guest needs these below 4 GiB (QEMU reserves the same
	 * 16 KiB in the e820); other KVMs may refuse them, which does no harm. */
	uint64_t identity = MACHINE_IDENTITY_MAP;
	(void)ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity);
	(void)ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)MACHINE_TSS_ADDR);
	return NULL;
}

void kvm_enable_split_irqchip(struct vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { KVM_SPLIT_ROUTES } };
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		die("KVM_CAP_SPLIT_IRQCHIP: %s (mvm needs the LAPIC in the kernel and the "
		    "IOAPIC in user space)", strerror(errno));
}

void kvm_add_memory(struct vm *vm, uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = (uint32_t)memory_slots++,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		die("KVM_SET_USER_MEMORY_REGION at 0x%llx (+0x%llx): %s",
		    (unsigned long long)gpa, (unsigned long long)size, strerror(errno));
}

void kvm_signal_msi(struct vm *vm, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr,
		.address_hi = (uint32_t)(addr >> 32),
		.data = data,
	};
	if (ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0)
		warn("KVM_SIGNAL_MSI: %s", strerror(errno));
}

int kvm_mmio_eventfd(struct vm *vm, uint64_t addr, uint32_t value)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -1;
	struct kvm_ioeventfd io = {
		.datamatch = value,
		.addr = addr,
		.len = 4,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};
	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int kvm_irqfd(struct vm *vm, unsigned gsi)
{
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) <= 0)
		return -1;
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -1;
	struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = gsi };
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void ioapic_deliver(void *opaque, uint64_t addr, uint32_t data)
{
	kvm_signal_msi(opaque, addr, data);
}

/* KVM must know which vectors are level-triggered to report their EOIs: mirror every
 * redirection entry as an MSI route, as QEMU does for its split irqchip. The same routes
 * are what an irqfd's eventfd delivers (irqfd.c), so they are rewritten before irqfd.c
 * lets any pin bypass the user-space IOAPIC. */
static void ioapic_routes_changed(void *opaque, struct ioapic *io)
{
	struct vm *vm = opaque;
	size_t size = sizeof(struct kvm_irq_routing) +
		      IOAPIC_PINS * sizeof(struct kvm_irq_routing_entry);
	struct kvm_irq_routing *r = xzalloc(size);
	r->nr = IOAPIC_PINS;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t addr;
		uint32_t data;
		ioapic_msi_of(io, pin, &addr, &data);
		r->entries[pin].gsi = pin;
		r->entries[pin].type = KVM_IRQ_ROUTING_MSI;
		r->entries[pin].u.msi.address_lo = (uint32_t)addr;
		r->entries[pin].u.msi.address_hi = (uint32_t)(addr >> 32);
		r->entries[pin].u.msi.data = data;
	}
	bool current = ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, r) == 0;
	if (!current)
		warn("KVM_SET_GSI_ROUTING: %s", strerror(errno));
	free(r);
	irqfd_routes_changed(io, current);
}

void ioapic_attach_kvm(struct vm *vm, struct ioapic *io);
void ioapic_attach_kvm(struct vm *vm, struct ioapic *io)
{
	io->deliver = ioapic_deliver;
	io->routes_changed = ioapic_routes_changed;
	io->opaque = vm;
}
