/* vcpu.c: one thread per vCPU running KVM_RUN. Port and MMIO exits go to the bus; CPU 0
 * also carries the i8259's ExtINT: KVM_INTERRUPT when the guest can take it, otherwise an
 * interrupt-window request, and a signal kick when the PIC raises its output while the
 * vCPU sleeps in the kernel (a halted vCPU is not woken by the window request). */
#include "vcpu.h"
#include "bus.h"
#include "chardev.h"
#include "coalesced_io.h"
#include "cpuid.h"
#include "exit_stats.h"
#include "ioapic.h"
#include "irq.h"
#include "machine.h"
#include "pic_i8259.h"
#include "timing.h"
#include "util.h"

#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <unistd.h>

#define VCPU_KICK_SIGNAL  SIGUSR1
#define APIC_LVT0         0x350		/* local APIC register offset */
#define APIC_LVT_MASKED   (1u << 16)
#define EXIT_GUEST_FAILED 2		/* even: never a debug-exit status */

static __thread struct kvm_run *this_run;
static struct vcpu *boot_cpu;

static void kick_handler(int sig)
{
	(void)sig;
	/* Covers the window between our check and KVM_RUN: the next KVM_RUN returns at once. */
	if (this_run)
		this_run->immediate_exit = 1;
}

/* Called under vm_lock whenever the PIC's output may have changed. */
static void extint_changed(void)
{
	if (machine_pic && machine_pic->output && boot_cpu &&
	    !pthread_equal(pthread_self(), boot_cpu->thread))
		pthread_kill(boot_cpu->thread, VCPU_KICK_SIGNAL);
}

/* Power-on state of CPU 0's LINT0, as QEMU's microvm leaves it: masked (the SDM's reset
 * value). KVM's own reset enables ExtINT there (a quirk for old BIOSes); undoing it makes
 * PIC interrupts reach the CPU only once the guest sets up virtual-wire mode itself, the
 * same on mvm as on QEMU. */
static void lint0_reset(struct vcpu *c)
{
	struct kvm_lapic_state lapic;
	if (ioctl(c->fd, KVM_GET_LAPIC, &lapic) < 0)
		die("KVM_GET_LAPIC: %s", strerror(errno));
	uint32_t lvt0 = APIC_LVT_MASKED;
	memcpy(&lapic.regs[APIC_LVT0], &lvt0, 4);
	if (ioctl(c->fd, KVM_SET_LAPIC, &lapic) < 0)
		die("KVM_SET_LAPIC: %s", strerror(errno));
}

void vcpus_create(struct vm *vm)
{
	int mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size <= 0)
		die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	vm->vcpus = xzalloc(sizeof(*vm->vcpus) * (size_t)vm->ncpus);
	for (int i = 0; i < vm->ncpus; i++) {
		struct vcpu *c = xzalloc(sizeof(*c));
		c->vm = vm;
		c->index = i;
		c->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
		if (c->fd < 0)
			die("KVM_CREATE_VCPU %d: %s", i, strerror(errno));
		c->run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED)
			die("mmap of vCPU %d: %s", i, strerror(errno));
		cpuid_apply(vm, c->fd, i);
		if (i == 0)
			lint0_reset(c);
		vm->vcpus[i] = c;
	}
	struct sigaction sa = { .sa_handler = kick_handler };
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	boot_cpu = vm->vcpus[0];
	irq_extint_changed = extint_changed;
}

/* Before entering the guest on CPU 0: hand a pending PIC interrupt to KVM, or ask to exit
 * as soon as the guest can take one. */
static void inject_extint(struct vcpu *c)
{
	struct kvm_run *run = c->run;
	pthread_mutex_lock(&vm_lock);
	bool pending = machine_pic && machine_pic->output;
	int vector = -1;
	if (pending && run->ready_for_interrupt_injection)
		vector = pic_acknowledge(machine_pic);
	pthread_mutex_unlock(&vm_lock);
	run->request_interrupt_window = pending && vector < 0;
	if (vector >= 0) {
		struct kvm_interrupt irq = { .irq = (uint32_t)vector };
		if (ioctl(c->fd, KVM_INTERRUPT, &irq) < 0 && errno != EEXIST)
			warn("KVM_INTERRUPT: %s", strerror(errno));
	}
}

void vcpu_report_exits(void)
{
	if (boot_cpu)
		exit_stats_report(boot_cpu->fd);
}

static void handle_io(struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;
	/* String instructions (rep insb/outsb) come as count back-to-back accesses. */
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
		bus_access(BUS_PIO, run->io.port, data, run->io.size, write);
}

__attribute__((noreturn)) static void guest_failed(struct vcpu *c, const char *what,
					  unsigned long long detail)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	memset(&regs, 0, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	ioctl(c->fd, KVM_GET_REGS, &regs);
	ioctl(c->fd, KVM_GET_SREGS, &sregs);
	fprintf(stderr, "mvm: vcpu %d: %s (0x%llx) at cs=0x%x rip=0x%llx cr0=0x%llx\n", c->index,
		what, detail, sregs.cs.selector, (unsigned long long)regs.rip,
		(unsigned long long)sregs.cr0);
	vm_exit(EXIT_GUEST_FAILED);
}

static void *vcpu_loop(void *arg)
{
	struct vcpu *c = arg;
	struct kvm_run *run = c->run;
	this_run = run;
	if (c->index == 0)
		timing_mark("first-run", NULL);
	for (;;) {
		if (c->index == 0)
			inject_extint(c);
		int r = ioctl(c->fd, KVM_RUN, 0);
		run->immediate_exit = 0;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("vcpu %d: KVM_RUN: %s", c->index, strerror(errno));
		}
		/* Writes KVM queued come before whatever made this exit (coalesced_io.c). */
		coalesced_io_drain();
		exit_stats_count(run);
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(run);
			break;
		case KVM_EXIT_MMIO:
			bus_access(BUS_MMIO, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
				   run->mmio.is_write);
			break;
		case KVM_EXIT_IOAPIC_EOI:
			pthread_mutex_lock(&vm_lock);
			if (machine_ioapic)
				ioapic_eoi(machine_ioapic, run->eoi.vector);
			pthread_mutex_unlock(&vm_lock);
			break;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_SHUTDOWN:		/* triple fault: a reset, as on a PC */
			vm_reset(c->vm);
		case KVM_EXIT_SYSTEM_EVENT:
			if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
				vm_reset(c->vm);
			vm_exit(0);
		case KVM_EXIT_INTERNAL_ERROR:
			guest_failed(c, "KVM internal error, suberror", run->internal.suberror);
		case KVM_EXIT_FAIL_ENTRY:
			guest_failed(c, "KVM entry failed, reason",
				     run->fail_entry.hardware_entry_failure_reason);
		default:
			guest_failed(c, "unexpected KVM exit", run->exit_reason);
		}
		chardev_flush();	/* what the guest printed leaves before it runs on */
	}
	return NULL;
}

void vcpus_run(struct vm *vm)
{
	boot_cpu->thread = pthread_self();
	for (int i = 1; i < vm->ncpus; i++)
		if (thread_start(&vm->vcpus[i]->thread, vcpu_loop, vm->vcpus[i]))
			die("cannot start vCPU %d thread", i);
	vcpu_loop(boot_cpu);
	__builtin_unreachable();
}
