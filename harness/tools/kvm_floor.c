/* kvm_floor.c: the least a KVM virtual machine monitor can do, as a reference for timing one.
 *
 *   kvm-floor
 *
 * Creates a VM with one page of RAM and one vCPU, runs three real-mode instructions that
 * write KVM_FLOOR_VALUE to the isa-debug-exit port (as the probe does when it exits) and
 * halt, and exits 0 once that write reaches it. Every VMM that runs a guest does at least
 * this, so its spawn to exit is the host's share of any VMM's spawn to exit: exec, the
 * kernel's work to create, run and destroy a VM, and the process exit. `make bench` runs it
 * beside mvm and QEMU (harness/bench.py) and reports what each engine costs above it.
 *
 * On Linux 6.1 most of that share is waiting, not work: KVM_CREATE_VM starts a worker thread
 * for the VM (kvm-nx-lpage-recovery) and moves it into the caller's cgroups, which waits for
 * an RCU grace period; destroying the VM moves it out again (another grace period) and waits
 * for pending RCU callbacks (rcu_barrier in the TDP MMU's tear-down).
 *
 * Exit status: 0 when the guest wrote KVM_FLOOR_VALUE; KVM_FLOOR_EXIT_GUEST when it exited
 * any other way; KVM_FLOOR_EXIT_KVM when KVM is not there or refused a step, with the step
 * and the reason on stderr ("kvm-floor: KVM_CREATE_VM: ..."); KVM_FLOOR_EXIT_USAGE for
 * arguments (it takes none).
 */
#define _DEFAULT_SOURCE		/* MAP_ANONYMOUS under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KVM_DEVICE		"/dev/kvm"
#define KVM_FLOOR_EXIT_GUEST	1
#define KVM_FLOOR_EXIT_KVM	2
#define KVM_FLOOR_EXIT_USAGE	64

#define GUEST_PAGE_SIZE		0x1000
#define GUEST_CODE_GPA		0x0		/* real mode, CS base 0: the code runs from 0 */
#define DEBUG_EXIT_PORT		0xf4		/* isa-debug-exit, as the harness configures it */
#define KVM_FLOOR_VALUE		0x2a
#define RFLAGS_RESERVED		0x2		/* bit 1 of RFLAGS always reads as one */

/* mov al, KVM_FLOOR_VALUE; out DEBUG_EXIT_PORT, al; hlt */
static const uint8_t guest_code[] = { 0xb0, KVM_FLOOR_VALUE, 0xe6, DEBUG_EXIT_PORT, 0xf4 };

static void fail(const char *step, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "kvm-floor: %s: ", step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(KVM_FLOOR_EXIT_KVM);
}

static int kvm_ioctl(int fd, unsigned long request, void *arg, const char *step)
{
	int r = ioctl(fd, request, arg);
	if (r < 0)
		fail(step, "%s", strerror(errno));
	return r;
}

static int create_vm(int *kvm_fd)
{
	*kvm_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
	if (*kvm_fd < 0)
		fail(KVM_DEVICE, "%s", strerror(errno));
	if (ioctl(*kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		fail("KVM_GET_API_VERSION", "not version %d", KVM_API_VERSION);
	return kvm_ioctl(*kvm_fd, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
}

static void map_guest_page(int vm_fd)
{
	uint8_t *page = mmap(NULL, GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		fail("guest page", "%s", strerror(errno));
	memcpy(page + GUEST_CODE_GPA, guest_code, sizeof(guest_code));
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_PAGE_SIZE,
		.userspace_addr = (uintptr_t)page,
	};
	kvm_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &slot, "KVM_SET_USER_MEMORY_REGION");
}

/* A vCPU starts at the reset vector in real mode; point CS:IP at the code instead. */
static int create_vcpu(int kvm_fd, int vm_fd, struct kvm_run **run)
{
	int vcpu_fd = kvm_ioctl(vm_fd, KVM_CREATE_VCPU, (void *)0, "KVM_CREATE_VCPU");
	int size = kvm_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	*run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (*run == MAP_FAILED)
		fail("kvm_run", "%s", strerror(errno));
	struct kvm_sregs sregs;
	kvm_ioctl(vcpu_fd, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	kvm_ioctl(vcpu_fd, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");
	struct kvm_regs regs = { .rip = GUEST_CODE_GPA, .rflags = RFLAGS_RESERVED };
	kvm_ioctl(vcpu_fd, KVM_SET_REGS, &regs, "KVM_SET_REGS");
	return vcpu_fd;
}

/* The guest's first exit must be its OUT: anything else means it did not run as written. */
static int run_guest(int vcpu_fd, const struct kvm_run *run)
{
	kvm_ioctl(vcpu_fd, KVM_RUN, 0, "KVM_RUN");
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != DEBUG_EXIT_PORT ||
	    run->io.direction != KVM_EXIT_IO_OUT) {
		fprintf(stderr, "kvm-floor: the guest exited with reason %u, not its OUT to 0x%x\n",
			run->exit_reason, DEBUG_EXIT_PORT);
		return KVM_FLOOR_EXIT_GUEST;
	}
	uint8_t value = *((const uint8_t *)run + run->io.data_offset);
	if (value != KVM_FLOOR_VALUE) {
		fprintf(stderr, "kvm-floor: the guest wrote 0x%x, not 0x%x\n", value,
			KVM_FLOOR_VALUE);
		return KVM_FLOOR_EXIT_GUEST;
	}
	printf("kvm-floor: guest wrote 0x%x to port 0x%x\n", value, DEBUG_EXIT_PORT);
	return 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: kvm-floor (no arguments)\n");
		return KVM_FLOOR_EXIT_USAGE;
	}
	int kvm_fd;
	struct kvm_run *run;
	int vm_fd = create_vm(&kvm_fd);
	map_guest_page(vm_fd);
	int vcpu_fd = create_vcpu(kvm_fd, vm_fd, &run);
	return run_guest(vcpu_fd, run);	/* the kernel destroys the VM as the process exits */
}
