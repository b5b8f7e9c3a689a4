/* lapic.c: driving and checking the local APIC: identity, the timer in its
 * three modes, a self-IPI, and starting the other CPUs with INIT-SIPI-SIPI. */
#include "io.h"
#include "irq.h"
#include "lapic.h"
#include "report.h"
#include "string.h"

#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_EDX_APIC	(1u << 9)
#define LAPIC_VERSION_MIN	0x10	/* integrated APICs: 0x10-0x15 */
#define LAPIC_VERSION_MAX	0x15
#define TIMER_COUNT		200000	/* bus clocks / 16: well under a millisecond */
#define TIMER_PERIODS		3
#define DEADLINE_DELTA		2000000	/* TSC cycles */
#define AP_TRAMP_PAGE		0x8000	/* below 1 MiB, page-aligned; SIPI vector 0x08 */
#define SIPI_VECTOR		(AP_TRAMP_PAGE >> 12)
#define REAL_MODE_IVT		0x0		/* 4-byte segment:offset vectors */
#define REAL_MODE_NMI_VECTOR	2
#define QUIET_TSC		200000000ull	/* time to make sure nothing more arrives */

extern const char ap_tramp_start[], ap_tramp_end[];
extern const uint32_t ap_tramp_count_offset, ap_tramp_ipi_offset, ap_tramp_handler_offset;

static uint64_t lapic_base(void)
{
	return rdmsr(MSR_APIC_BASE) & ~0xfffull;
}

uint32_t lapic_read(unsigned reg)
{
	return mmio_read32(lapic_base() + reg);
}

void lapic_write(unsigned reg, uint32_t v)
{
	mmio_write32(lapic_base() + reg, v);
}

void lapic_enable(bool extint)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, extint ? LVT_DELIVERY_EXTINT : LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_DELIVERY_NMI);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
}

unsigned lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

int lapic_vector_bit(unsigned reg, unsigned vector)
{
	return (lapic_read(reg + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

static void timer_eoi(unsigned vector)
{
	(void)vector;
	lapic_eoi();
}

static void check_identity(void)
{
	uint32_t r[4], v = lapic_read(LAPIC_VERSION);

	cpuid(1, 0, r);
	check("lapic-id", lapic_id() == r[1] >> 24,
	      "the LAPIC ID register matches the initial APIC ID in CPUID leaf 1",
	      "lapic id %u, cpuid %u", lapic_id(), r[1] >> 24);
	check("lapic-version", (v & 0xff) >= LAPIC_VERSION_MIN && (v & 0xff) <= LAPIC_VERSION_MAX &&
	      ((v >> 16) & 0xff) >= 3,
	      "the LAPIC version is an integrated APIC's (0x10-0x15) with at least 4 LVT entries",
	      "version register 0x%x", v);
}

static void check_timer_oneshot(void)
{
	uint32_t before = irq_count[VEC_LAPIC_TIMER];

	lapic_write(LAPIC_TIMER_DCR, TIMER_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_ICR, TIMER_COUNT);
	bool fired = irq_wait(VEC_LAPIC_TIMER, before + 1, IRQ_TIMEOUT_TSC);

	irq_wait(VEC_LAPIC_TIMER, before + 2, QUIET_TSC);
	uint32_t n = irq_count[VEC_LAPIC_TIMER] - before;

	check("lapic-timer-oneshot", fired && n == 1 && lapic_read(LAPIC_TIMER_CCR) == 0,
	      "the one-shot timer interrupts once and stops at 0",
	      "%u interrupts, current count %u", n, lapic_read(LAPIC_TIMER_CCR));
}

static void check_timer_periodic(void)
{
	uint32_t before = irq_count[VEC_LAPIC_TIMER];

	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | LVT_TIMER_PERIODIC);
	lapic_write(LAPIC_TIMER_ICR, TIMER_COUNT);
	bool ok = irq_wait(VEC_LAPIC_TIMER, before + TIMER_PERIODS, IRQ_TIMEOUT_TSC);

	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_ICR, 0);
	check("lapic-timer-periodic", ok, "the periodic timer keeps interrupting (3 periods seen)",
	      "%u interrupts", irq_count[VEC_LAPIC_TIMER] - before);
}

static void check_tsc_deadline(void)
{
	uint32_t r[4], before;

	cpuid(1, 0, r);
	if (!(r[2] & CPUID_1_ECX_TSC_DEADLINE)) {
		skip("lapic-tsc-deadline", "CPUID does not offer the TSC-deadline timer");
		return;
	}
	/* The periodic timer before may have left one interrupt pending in the IRR after it
	 * was stopped (seen nested: "fired" 0.7 ms before the deadline, on mvm and on QEMU):
	 * let it arrive first, then count. */
	irq_settle();
	before = irq_count[VEC_LAPIC_TIMER];
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | LVT_TIMER_TSC_DEADLINE);
	uint64_t deadline = rdtsc() + DEADLINE_DELTA;

	wrmsr(MSR_TSC_DEADLINE, deadline);
	bool ok = irq_wait(VEC_LAPIC_TIMER, before + 1, IRQ_TIMEOUT_TSC);
	uint64_t now = rdtsc();

	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	check("lapic-tsc-deadline", ok && now >= deadline,
	      "the TSC-deadline timer interrupts once the TSC passes the deadline",
	      "fired=%d, tsc-deadline=%lld", ok, (long long)(now - deadline));
}

static void send_ipi(uint32_t dest, uint32_t icr)
{
	lapic_write(LAPIC_ICR_HI, dest << 24);
	lapic_write(LAPIC_ICR_LO, icr);
	for (uint64_t t = rdtsc(); (lapic_read(LAPIC_ICR_LO) & ICR_PENDING) && rdtsc() - t < IRQ_TIMEOUT_TSC;)
		cpu_relax();
}

static void check_self_ipi(void)
{
	uint32_t before = irq_count[VEC_IPI];

	send_ipi(0, ICR_DEST_SELF | VEC_IPI);
	check("lapic-self-ipi", irq_wait(VEC_IPI, before + 1, IRQ_TIMEOUT_TSC),
	      "a fixed IPI to self is delivered", NULL);
}

/* An NMI IPI to the halted APs: they take it through the real-mode IVT,
 * which the BSP, now in long mode, no longer uses. NMI rather than a fixed
 * vector because an AP's LAPIC stays software-disabled after INIT, and
 * real mode cannot reach its registers to enable it. */
static void check_ipi_to_aps(unsigned cpus)
{
	volatile uint16_t *ipis = (volatile uint16_t *)(uintptr_t)(AP_TRAMP_PAGE + ap_tramp_ipi_offset);
	volatile uint16_t *ivt;

	/* Launder the low address: GCC takes pointers below 4 KiB for NULL-based. */
	__asm__("" : "=r"(ivt) : "0"((uintptr_t)(REAL_MODE_IVT + REAL_MODE_NMI_VECTOR * 4)));
	ivt[0] = (uint16_t)ap_tramp_handler_offset;
	ivt[1] = AP_TRAMP_PAGE >> 4;
	mb();
	send_ipi(0, ICR_DEST_ALL_BUT_SELF | ICR_DELIVERY_NMI);
	for (uint64_t t = rdtsc(); *ipis < cpus - 1 && rdtsc() - t < IRQ_TIMEOUT_TSC;)
		cpu_relax();
	check("lapic-ipi", *ipis == cpus - 1, "an NMI IPI reaches every other CPU",
	      "%u of %u CPUs took it", *ipis, cpus - 1);
}

/* INIT-SIPI-SIPI to every other CPU; each runs ap_tramp.S and counts itself. */
static void check_ap_start(unsigned cpus)
{
	volatile uint16_t *count = (volatile uint16_t *)(uintptr_t)(AP_TRAMP_PAGE + ap_tramp_count_offset);

	if (cpus < 2) {
		skip("lapic-ap-start", "fewer than 2 CPUs (probe.cpus)");
		return;
	}
	memcpy((void *)(uintptr_t)AP_TRAMP_PAGE, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	*count = 0;
	send_ipi(0, ICR_DEST_ALL_BUT_SELF | ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
	for (uint64_t t = rdtsc(); rdtsc() - t < QUIET_TSC / 20;)
		cpu_relax();
	for (int i = 0; i < 2; i++)
		send_ipi(0, ICR_DEST_ALL_BUT_SELF | ICR_DELIVERY_STARTUP | SIPI_VECTOR);
	for (uint64_t t = rdtsc(); *count < cpus - 1 && rdtsc() - t < IRQ_TIMEOUT_TSC;)
		cpu_relax();
	check("lapic-ap-start", *count == cpus - 1,
	      "INIT-SIPI-SIPI starts every other CPU in real mode at the SIPI vector",
	      "%u of %u application processors ran", *count, cpus - 1);
	check_ipi_to_aps(cpus);
}

void lapic_checks(unsigned cpus)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!check("lapic-present", r[3] & CPUID_1_EDX_APIC, "CPUID reports a local APIC", NULL))
		return;
	irq_set_hook(VEC_LAPIC_TIMER, timer_eoi);
	irq_set_hook(VEC_IPI, timer_eoi);
	check_identity();
	check_timer_oneshot();
	check_timer_periodic();
	check_tsc_deadline();
	check_self_ipi();
	check_ap_start(cpus);
}
