/* kvm_stats.h: KVM's exit counters of a vCPU, on -stage-times at exit. */
#ifndef MVM_KVM_STATS_H
#define MVM_KVM_STATS_H

/* Prints "mvm: kvm-exits exits=N io_exits=N ..." (docs/protocol.md); nothing when the
 * kernel has no binary stats (KVM_GET_STATS_FD, Linux 5.14) or -stage-times is off. */
void kvm_stats_report(int vcpu_fd);

#endif
