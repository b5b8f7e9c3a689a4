/* vcpu.h: vCPU threads and the run loop that turns KVM exits into bus accesses. */
#ifndef MVM_VCPU_H
#define MVM_VCPU_H

#include <pthread.h>

struct vm;
struct kvm_run;

struct vcpu {
	struct vm *vm;
	int index, fd;
	struct kvm_run *run;
	pthread_t thread;
};

void vcpus_create(struct vm *vm);
/* -stage-times, at exit: the exits mvm saw (every vCPU) and KVM's counters of CPU 0. */
void vcpu_report_exits(void);
/* Starts the application processors' threads and runs CPU 0 on the calling thread;
 * returns only through vm_exit(). */
void vcpus_run(struct vm *vm) __attribute__((noreturn));

/* Leaves mvm with status after the last stage stamp and terminal restore. */
void vm_exit(int status) __attribute__((noreturn));
/* A reset request (triple fault): exit with -no-reboot, else restart the machine. */
void vm_reset(struct vm *vm) __attribute__((noreturn));

#endif
