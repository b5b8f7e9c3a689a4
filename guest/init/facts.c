/* facts.c: devices as Linux sees them. Each function reads one place in /proc or /sys and
 * adds its keys to the report; the keys are documented in docs/protocol.md. */
#include "facts.h"
#include "text.h"

#include <dirent.h>
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
		bool is_xtpic = strstr(rest, "XT-PIC") != NULL;
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
	report_add_num(r, "loc", local_timer);
}

/* Clock sources and clock event devices. The PIT is "used" when it is the tick device of a
 * CPU or the broadcast device, "unused" when Linux registered it but ticks elsewhere, and
 * "absent" when no "pit" clock event device exists (Linux shut it down or never set it up). */
void facts_clocks(struct report *r)
{
	char current[64] = "none", event[64] = "none", broadcast[64] = "none";
	char available[256] = "";

	text_first_word(CLOCKSOURCE_DIR "/current_clocksource", current, sizeof(current));
	text_first_word(CLOCKEVENT0_DEV, event, sizeof(event));
	text_first_word(BROADCAST_DEV, broadcast, sizeof(broadcast));
	text_read(CLOCKSOURCE_DIR "/available_clocksource", available, sizeof(available));
	bool kvmclock = text_has_word(available, "kvm-clock");
	text_join_words(available, ',');

	/* A registered PIT clock event device appears under some clockeventN even when idle. */
	bool pit_registered = false;
	DIR *dir = opendir("/sys/devices/system/clockevents");
	for (struct dirent *d; dir && (d = readdir(dir)) != NULL;) {
		char path[512], name[64];
		if (strncmp(d->d_name, "clockevent", 10) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/clockevents/%s/current_device",
			 d->d_name);
		if (text_first_word(path, name, sizeof(name)) && strcmp(name, "pit") == 0)
			pit_registered = true;
	}
	if (dir)
		closedir(dir);
	bool pit_used = strcmp(event, "pit") == 0 || strcmp(broadcast, "pit") == 0;

	report_add(r, "clocksource", current);
	report_add(r, "clocksources", available[0] ? available : "none");
	report_add_num(r, "kvmclock", kvmclock);
	report_add(r, "clockevent", event);
	report_add(r, "broadcast", broadcast);
	report_add(r, "pit", pit_used ? "used" : pit_registered ? "unused" : "absent");
}

/* virtio devices bound on the virtio bus, by device id (1 net, 2 block, 3 console...). */
void facts_virtio(struct report *r)
{
	char ids[256] = "";
	DIR *dir = opendir(VIRTIO_DEVICES);

	for (struct dirent *d; dir && (d = readdir(dir)) != NULL;) {
		char path[512], id[32];
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), VIRTIO_DEVICES "/%s/device", d->d_name);
		if (!text_first_word(path, id, sizeof(id)))
			continue;
		snprintf(id, sizeof(id), "%ld", strtol(id, NULL, 0));
		if (ids[0])
			text_append(ids, sizeof(ids), ",");
		text_append(ids, sizeof(ids), id);
	}
	if (dir)
		closedir(dir);
	report_add(r, "virtio", ids[0] ? ids : "none");
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
