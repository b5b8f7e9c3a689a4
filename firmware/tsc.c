/*
 * tsc.c: TSC stamps at each boot stage. Stamps taken before the report channels are known
 * (reset, fw_cfg) are printed when the report starts; later ones at once. The TSC
 * frequency comes from CPUID leaf 0x15 (crystal ratio) or the hypervisor timing leaf
 * 0x40000010 (VMware/KVM convention, kHz in EAX); otherwise it is reported as 0.
 */
#include "board.h"
#include "report.h"

#define CPUID_TSC_LEAF		0x15		/* EAX/EBX = TSC/crystal ratio, ECX = crystal Hz */
#define CPUID_HV_BASE		0x40000000	/* EAX = highest hypervisor leaf */
#define CPUID_HV_TIMING		0x40000010	/* EAX = TSC kHz */

static uint64_t stamps[T_STAGES];
static int started;

static const struct {
	char name[8];
	uint32_t len;
} stages[T_STAGES] = {
#define STAGE(s) { s, sizeof(s) - 1 }
	STAGE("reset"), STAGE("fw_cfg"), STAGE("devices"), STAGE("tables"), STAGE("loaded"),
	STAGE("jump"),
};

void timing_reset(uint64_t tsc)
{
	stamps[T_RESET] = tsc;
}

void report_timing(int stage)
{
	line_begin("time");
	line_lit(" stage=");
	line_put(stages[stage].name, stages[stage].len);
	line_hex("tsc", stamps[stage]);
	line_end();
}

void timing_mark(int stage)
{
	stamps[stage] = rdtsc();
	if (started && reporting())
		report_timing(stage);
}

static uint32_t tsc_khz(const char **source)
{
	uint32_t a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	if (a >= CPUID_TSC_LEAF) {
		cpuid(CPUID_TSC_LEAF, &a, &b, &c, &d);
		if (a && b && c) {
			*source = "cpuid15";
			return c / 1000 * b / a;	/* 32-bit: crystal kHz times a small ratio */
		}
	}
	cpuid(CPUID_HV_BASE, &a, &b, &c, &d);
	if (a >= CPUID_HV_TIMING && a < CPUID_HV_BASE + 0x10000) {
		cpuid(CPUID_HV_TIMING, &a, &b, &c, &d);
		if (a) {
			*source = "hypervisor";
			return a;
		}
	}
	*source = "none";
	return 0;
}

/* First report lines: the stamps taken so far, then the TSC rate. */
void report_early_timing(void)
{
	const char *source;
	uint32_t khz;

	started = 1;
	if (board.quiet)
		return;		/* the CPUID exits cost time on KVM; nobody reads them */
	report_timing(T_RESET);
	report_timing(T_FW_CFG);
	khz = tsc_khz(&source);
	line_begin("tsc");
	line_dec("khz", khz);
	line_word("source", source);
	line_end();
}
