/* suite.c: the device conformance suite, in order. Each device is detected
 * by what it answers; where the harness states what should be there
 * (probe.pit=0|1, probe.pic=, probe.rtc=, probe.serial=), presence itself
 * is a check, so an absent device must look absent. */
#include "cmdline.h"
#include "console.h"
#include "fmt.h"
#include "io.h"
#include "ioapic.h"
#include "irq.h"
#include "lapic.h"
#include "pic.h"
#include "pit.h"
#include "report.h"
#include "rtc.h"
#include "suite.h"

struct presence {
	bool pit, pic, rtc, uart, ioapic;
};

static void check_presence(const char *cmdline, const char *name, const char *key, bool found)
{
	uint64_t want;
	char id[32];

	report_line("device name=%s state=%s", name, found ? "present" : "absent");
	snformat(id, sizeof(id), "%s-presence", name);
	if (!cmdline_u64(cmdline, key, &want)) {
		skip(id, "no expectation on the command line");
		return;
	}
	check(id, found == (want != 0), want ? "the device is present, as configured" :
	      "the device is absent (its ports float), as configured",
	      "found=%d expected=%d", found, want != 0);
}

static struct presence detect(const char *cmdline)
{
	struct presence p = { pit_probe(), pic_probe(), rtc_probe(), console_uart_present(), ioapic_probe() };

	check_presence(cmdline, "pit", "probe.pit", p.pit);
	check_presence(cmdline, "pic", "probe.pic", p.pic);
	check_presence(cmdline, "rtc", "probe.rtc", p.rtc);
	check_presence(cmdline, "serial", "probe.serial", p.uart);
	check_presence(cmdline, "ioapic", "probe.ioapic", p.ioapic);
	return p;
}

static void stage(const char *name)
{
	report_line("time stage=%s tsc=%llu", name, (unsigned long long)rdtsc());
}

void devices_run(const char *cmdline)
{
	uint64_t cpus = 1, epoch = 0, tolerance = PIT_DEFAULT_TOLERANCE_PCT;

	cmdline_u64(cmdline, "probe.cpus", &cpus);
	cmdline_u64(cmdline, "probe.rate_tolerance", &tolerance);
	cmdline_u64(cmdline, "probe.epoch", &epoch);
	struct presence p = detect(cmdline);

	irq_setup(p.pic, p.ioapic);
	report_line("suite name=devices intc=%s", irq_controller_name());
	if (p.uart)
		uart_checks();
	else
		skip("uart", "the UART is absent");
	stage("uart");
	if (p.pic)
		pic_checks(p.pit, p.rtc);
	else
		skip("pic", "the 8259 pair is absent");
	stage("pic");
	if (p.pit)
		pit_checks(tolerance);
	else
		skip("pit", "the PIT is absent");
	stage("pit");
	if (p.rtc)
		rtc_checks(epoch);
	else
		skip("rtc", "the RTC is absent");
	stage("rtc");
	if (p.ioapic)
		ioapic_checks(p.pit, p.uart, p.pic);
	else
		skip("ioapic", "the IOAPIC is absent");
	stage("ioapic");
	lapic_checks((unsigned)cpus);
	stage("lapic");
	kvmclock_checks();
	fw_cfg_checks();
	stage("fw_cfg");
	virtio_checks(cmdline);
	stage("virtio");
	if (p.pic)
		pic_spurious_check();
}
