/* kvmclock.c: the KVM paravirtual clock (Documentation/virt/kvm/x86/msr.rst):
 * CPUID leaves present, and system time advancing with the TSC. */
#include "io.h"
#include "report.h"
#include "string.h"
#include "pit.h"
#include "suite.h"

#define CPUID_HV_BASE			0x40000000
#define CPUID_KVM_FEATURES		0x40000001
#define KVM_FEATURE_CLOCKSOURCE2	(1u << 3)
#define MSR_KVM_SYSTEM_TIME_NEW		0x4b564d01
#define KVMCLOCK_ENABLE			0x1
#define SPIN_TSC			50000000ull
#define RATE_TOLERANCE_PCT		2

struct pvclock {
	uint32_t version, pad0;
	uint64_t tsc_timestamp, system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags, pad[2];
} __attribute__((packed, aligned(32)));

static struct pvclock clock;

static uint64_t pvclock_ns(uint64_t *tsc_out)
{
	volatile struct pvclock *c = &clock;
	uint32_t v;
	uint64_t ns, tsc;

	do {
		v = c->version;
		barrier();
		tsc = rdtsc();
		uint64_t delta = tsc - c->tsc_timestamp;

		delta = c->tsc_shift >= 0 ? delta << c->tsc_shift : delta >> -c->tsc_shift;
		ns = c->system_time + (uint64_t)(((unsigned __int128)delta * c->tsc_to_system_mul) >> 32);
		barrier();
	} while ((v & 1) || v != c->version);
	*tsc_out = tsc;
	return ns;
}

void kvmclock_checks(void)
{
	uint32_t r[4];
	char sig[13] = { 0 };

	cpuid(CPUID_HV_BASE, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	if (memcmp(sig, "KVMKVMKVM", 9)) {
		skip("kvmclock-cpuid", "no KVM CPUID signature (not a KVM engine)");
		return;
	}
	cpuid(CPUID_KVM_FEATURES, 0, r);
	if (!check("kvmclock-cpuid", r[0] & KVM_FEATURE_CLOCKSOURCE2,
		   "the KVM leaves offer kvmclock (KVM_FEATURE_CLOCKSOURCE2)", "features=0x%x", r[0]))
		return;
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)&clock | KVMCLOCK_ENABLE);
	uint64_t tsc0, tsc1, ns0 = pvclock_ns(&tsc0);

	while (rdtsc() - tsc0 < SPIN_TSC)
		cpu_relax();
	uint64_t ns1 = pvclock_ns(&tsc1);

	check("kvmclock-advances", clock.version && !(clock.version & 1) && ns1 > ns0,
	      "kvmclock system time is published and advances", "version=%u ns %llu -> %llu",
	      clock.version, (unsigned long long)ns0, (unsigned long long)ns1);
	/* Its nanoseconds against real ones: the TSC timed by RTC seconds. */
	uint64_t hz = tsc_hz_reference();

	if (!hz) {
		skip("kvmclock-rate", "no RTC to time the TSC against");
	} else {
		uint64_t real_ns = (tsc1 - tsc0) * 1000000000ull / hz, ns = ns1 - ns0;

		check("kvmclock-rate", ns * 100 >= real_ns * (100 - RATE_TOLERANCE_PCT) &&
		      ns * 100 <= real_ns * (100 + RATE_TOLERANCE_PCT),
		      "kvmclock runs at the RTC's rate (within 2%)", "%llu kvmclock ns over %llu real ns",
		      (unsigned long long)ns, (unsigned long long)real_ns);
	}
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
}
