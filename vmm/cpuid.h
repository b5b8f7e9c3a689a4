/* cpuid.h: the guest's CPUID: KVM's supported set (with the KVM leaves, so kvmclock is
 * there), adjusted by -cpu host,+feature/-feature, and the APIC ID per vCPU. */
#ifndef MVM_CPUID_H
#define MVM_CPUID_H

#include <stdbool.h>

struct vm;

void cpuid_prepare(struct vm *vm);
/* Sets the CPUID of one vCPU (its APIC ID is its index). */
void cpuid_apply(struct vm *vm, int vcpu_fd, int index);
bool cpu_feature_known(const char *name);

#endif
