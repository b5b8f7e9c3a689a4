/* facts.c: devices as Linux sees them. Each function reads one place in /proc or /sys and
 * adds its keys to the report; the keys are documented in docs/protocol.md. */
#include "facts.h"
#include "text.h"

#include <dirent.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROC_SERIAL      "/proc/tty/driver/serial"
#define SERIAL_COM1_PORT "port:000003F8" /* the ISA UART at 0x3f8, as serial_core prints it */
#define RTC0_NAME        "/sys/class/rtc/rtc0/name"
#define CLOCKSOURCE_DIR  "/sys/devices/system/clocksource/clocksource0"
#define CLOCKEVENT0_DEV  "/sys/devices/system/clockevents/clockevent0/current_device"
#define BROADCAST_DEV    "/sys/devices/system/clockevents/broadcast/current_device"
#define VIRTIO_DEVICES   "/sys/bus/virtio/devices"
#define CPUS_ONLINE      "/sys/devices/system/cpu/online"

static char buf[16384]; /* one file at a time; /proc/interrupts is the largest */

void report_add(struct report *r, const char *key, const char *value)
{
	bool quote = value[0] == '\0' || strpbrk(value, " \t") != NULL;

	text_append(r->line, sizeof(r->line), " ");
	text_append(r->line, sizeof(r->line), key);
	text_append(r->line, sizeof(r->line), quote ? "=\"" : "=");
	text_append(r->line, sizeof(r->line), value);
	if (quote)
		text_append(r->line, sizeof(r->line), "\"");
}

void report_add_num(struct report *r, const char *key, long long value)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", value);
	report_add(r, key, num);
}

/* The UART at 0x3f8: serial_core lists every 8250 port it registered, probed or not; a port
 * whose probe found no chip reads "uart:unknown". */
void facts_serial(struct report *r)
{
	char type[32] = "none";
	long irq = -1;

	if (text_read(PROC_SERIAL, buf, sizeof(buf))) {
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			char *uart = strstr(line, "uart:");
			char *irqp = strstr(line, "irq:");
			if (!uart || !strstr(line, SERIAL_COM1_PORT))
				continue;
			uart += strlen("uart:");
			uart[strcspn(uart, " ")] = '\0';
			if (strcmp(uart, "unknown") != 0)
				snprintf(type, sizeof(type), "%s", uart);
			if (irqp)
				irq = strtol(irqp + strlen("irq:"), NULL, 10);
			break;
		}
	}
	report_add(r, "serial", type);
	if (strcmp(type, "none") != 0)
		report_add_num(r, "serial_irq", irq);
}

/* rtc0's name file reads "<driver> <device>", e.g. "rtc_cmos rtc_cmos". */
void facts_rtc(struct report *r)
{
	char name[64];

	report_add(r, "rtc", text_first_word(RTC0_NAME, name, sizeof(name)) ? name : "none");
}

/* Sum of the per-CPU counts that follow "NNN:" in a /proc/interrupts line; sets *rest to
 * the text after them (chip, hwirq, handler names). */
static long long irq_count(char *after_colon, int cpus, char **rest)
{
	long long total = 0;
	char *p = after_colon;

	for (int i = 0; i < cpus; i++) {
		char *end;
		long long n = strtoll(p, &end, 10);
		if (end == p)
			break;
		total += n;
		p = end;
	}
	*rest = p;
	return total;
}

/* Which interrupt controllers deliver device interrupts: each numbered line of
 * /proc/interrupts names its chip, "XT-PIC" for the 8259 or "IO-APIC". */
void facts_irqchips(struct report *r)
{
	int cpus = 0, xtpic = 0, ioapic = 0;
	long long irq0 = 0, local_timer = 0;
	char irq0_chip[16] = "none";

	if (!text_read("/proc/interrupts", buf, sizeof(buf))) {
		r->incomplete = true;
		return;
	}
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *rest, *colon = strchr(line, ':');
		if (cpus == 0) { /* the header: one "CPUn" per column */
			for (char *p = line; (p = strstr(p, "CPU")) != NULL; p += 3)
				cpus++;
			continue;
		}
		if (!colon)
			continue;
		*colon = '\0';
		while (*line == ' ')
			line++;
		long long count = irq_count(colon + 1, cpus, &rest);
		if (strcmp(line, "LOC") == 0)
			local_timer = count;
		if (line[0] < '0' || line[0] > '9')
			continue;
		/* IRQ 2 chains the slave 8259 ("cascade"): there whenever the 8259 is */
		bool is_xtpic = strstr(rest, "XT-PIC") != NULL && !strstr(rest, "cascade");
		bool is_ioapic = strstr(rest, "IO-APIC") != NULL;
		xtpic += is_xtpic;
		ioapic += is_ioapic;
		if (strcmp(line, "0") == 0) {
			irq0 = count;
			snprintf(irq0_chip, sizeof(irq0_chip), "%s",
				 is_xtpic ? "xt-pic" : is_ioapic ? "io-apic" : "other");
		}
	}
	report_add_num(r, "ioapic", ioapic > 0);
	report_add_num(r, "xtpic_irqs", xtpic);
	report_add_num(r, "ioapic_irqs", ioapic);
	report_add(r, "irq0_chip", irq0_chip);
	report_add_num(r, "irq0", irq0);
	r->irq0 = irq0;
	r->irq0_routed = strcmp(irq0_chip, "none") != 0;
	report_add_num(r, "loc", local_timer);
}

/* Clock sources and clock event devices. The PIT is "used" when it is the tick device of a
 * CPU or the broadcast device and IRQ 0 counted interrupts; "unused" when it is set up (a
 * tick/broadcast device, or IRQ 0 routed) but delivered nothing: Linux does not probe for
 * a PIT, so a missing one shows up only as silence on IRQ 0; "absent" otherwise. */
void facts_clocks(struct report *r)
{
	char current[64], event[64], broadcast[64], available[256] = "";

	/* an empty or missing file (no broadcast device) reads as "none" */
	if (!text_first_word(CLOCKSOURCE_DIR "/current_clocksource", current, sizeof(current)))
		strcpy(current, "none");
	if (!text_first_word(CLOCKEVENT0_DEV, event, sizeof(event)))
		strcpy(event, "none");
	if (!text_first_word(BROADCAST_DEV, broadcast, sizeof(broadcast)))
		strcpy(broadcast, "none");
	text_read(CLOCKSOURCE_DIR "/available_clocksource", available, sizeof(available));
	bool kvmclock = text_has_word(available, "kvm-clock");
	text_join_words(available, ',');

	bool pit_ticks = strcmp(event, "pit") == 0 || strcmp(broadcast, "pit") == 0;
	const char *pit = pit_ticks && r->irq0 > 0           ? "used"
			  : pit_ticks || r->irq0_routed ? "unused"
							: "absent";

	report_add(r, "clocksource", current);
	report_add(r, "clocksources", available[0] ? available : "none");
	report_add_num(r, "kvmclock", kvmclock);
	report_add(r, "clockevent", event);
	report_add(r, "broadcast", broadcast);
	report_add(r, "pit", pit);
}

/* virtio devices bound on the virtio bus, by device id (1 net, 2 block, 3 console...), in
 * the order of their names virtio0, virtio1, ... (readdir order is not defined). A device
 * whose driver failed to probe (say, its IRQ could not be routed) is still on the bus but
 * has no `driver` link: it goes to `virtio_unbound`, so that it cannot pass for working. */
#define VIRTIO_MAX 32

static void add_id_list(struct report *r, const char *key, const long *ids)
{
	char list[256] = "";
	int count = 0;

	for (int i = 0; i < VIRTIO_MAX; i++) {
		char num[24];
		if (ids[i] < 0)
			continue;
		snprintf(num, sizeof(num), "%s%ld", count++ ? "," : "", ids[i]);
		text_append(list, sizeof(list), num);
	}
	report_add(r, key, count ? list : "none");
}

void facts_virtio(struct report *r)
{
	long ids[VIRTIO_MAX], unbound[VIRTIO_MAX];
	DIR *dir = opendir(VIRTIO_DEVICES);

	for (int i = 0; i < VIRTIO_MAX; i++)
		ids[i] = unbound[i] = -1;
	for (struct dirent *d; dir && (d = readdir(dir)) != NULL;) {
		char path[512], id[32];
		long index;
		if (sscanf(d->d_name, "virtio%ld", &index) != 1 || index < 0 || index >= VIRTIO_MAX)
			continue;
		snprintf(path, sizeof(path), VIRTIO_DEVICES "/%s/device", d->d_name);
		if (!text_first_word(path, id, sizeof(id)))
			continue;
		snprintf(path, sizeof(path), VIRTIO_DEVICES "/%s/driver", d->d_name);
		if (access(path, F_OK) == 0)
			ids[index] = strtol(id, NULL, 0);
		else
			unbound[index] = strtol(id, NULL, 0);
	}
	if (dir)
		closedir(dir);
	add_id_list(r, "virtio", ids);
	add_id_list(r, "virtio_unbound", unbound);
}

/* CPUs online ("0" or "0-3" or "0,2-3") and MemTotal. */
void facts_cpus_memory(struct report *r)
{
	long cpus = 0;
	char *p = buf;

	if (text_read(CPUS_ONLINE, buf, sizeof(buf))) {
		while (*p >= '0' && *p <= '9') {
			long first = strtol(p, &p, 10), last = first;
			if (*p == '-')
				last = strtol(p + 1, &p, 10);
			cpus += last - first + 1;
			if (*p == ',')
				p++;
		}
	}
	report_add_num(r, "cpus", cpus);

	if (!text_read("/proc/meminfo", buf, sizeof(buf)) || !strstr(buf, "MemTotal:")) {
		r->incomplete = true;
		return;
	}
	report_add_num(r, "mem_kb", strtol(strstr(buf, "MemTotal:") + 9, NULL, 10));
}
