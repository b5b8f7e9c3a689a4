/* exit_stats.h: what a boot's VM exits cost, for -stage-times: mvm's own count by exit
 * reason and by port, and KVM's counters of CPU 0 (docs/protocol.md). */
#ifndef MVM_EXIT_STATS_H
#define MVM_EXIT_STATS_H

#include <linux/kvm.h>

/* Counts one exit that reached mvm (no-op unless -stage-times). */
void exit_stats_count(const struct kvm_run *run);
/* Prints "mvm: exits ...", "mvm: port-exits ..." and, when the kernel has binary stats
 * (KVM_GET_STATS_FD, Linux 5.14), "mvm: kvm-exits ..." for the vCPU behind vcpu_fd. */
void exit_stats_report(int vcpu_fd);

#endif
