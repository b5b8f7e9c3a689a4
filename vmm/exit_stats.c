/*
 * exit_stats.c: what a boot's VM exits cost, printed at exit with -stage-times.
 *
 * mvm counts the exits that reach it, by reason and, for port I/O, by port: which devices
 * cost a boot its round trips. Coalesced writes (coalesced_io.c) are not among them, nor
 * is anything KVM handles itself (first touches of guest memory, LAPIC accesses, HLT), so
 * KVM's own counters of CPU 0 follow (KVM_GET_STATS_FD, Linux 5.14). Under nested
 * virtualisation every VM exit costs about the same wherever it is handled, so KVM's
 * total is the boot's real exit bill.
 *
 * KVM's stats file: a header, then num_desc descriptors (each followed by its name of
 * name_size bytes), then the data, u64 values at data_offset + desc->offset.
 */
#include "exit_stats.h"
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define STATS_FILE_MAX (1u << 20)	/* refuse anything larger: a few KiB are expected */

/* The counters worth a reader's time, in this order when KVM has them. */
static const char *const wanted[] = {
	"exits", "io_exits", "mmio_exits", "pf_taken", "halt_exits", "irq_exits",
	"irq_window_exits", "insn_emulation", "signal_exits",
};

static bool read_at(int fd, void *buf, size_t n, size_t at)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(fd, (uint8_t *)buf + done, n - done, (off_t)(at + done));
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

static const struct kvm_stats_desc *desc_at(const uint8_t *descs, size_t size, uint32_t i)
{
	return (const void *)(descs + i * size);
}

static void kvm_counters_report(int vcpu_fd)
{
	int fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return;		/* older kernels: the line is simply absent */
	struct kvm_stats_header h;
	uint8_t *descs = NULL, *data = NULL;
	if (!read_at(fd, &h, sizeof(h), 0))
		goto out;
	size_t desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
	size_t descs_len = (size_t)h.num_desc * desc_size;
	if (h.num_desc == 0 || h.name_size == 0 || descs_len > STATS_FILE_MAX)
		goto out;
	descs = malloc(descs_len);
	if (!descs || !read_at(fd, descs, descs_len, h.desc_offset))
		goto out;
	size_t data_len = 0;	/* the data block ends after the last value of any stat */
	for (uint32_t i = 0; i < h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_at(descs, desc_size, i);
		size_t end = (size_t)d->offset + 8u * d->size;
		data_len = end > data_len ? end : data_len;
	}
	if (data_len == 0 || data_len > STATS_FILE_MAX)
		goto out;
	data = malloc(data_len);
	if (!data || !read_at(fd, data, data_len, h.data_offset))
		goto out;
	char line[512];
	int n = snprintf(line, sizeof(line), "mvm: kvm-exits");
	for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++) {
		for (uint32_t i = 0; i < h.num_desc; i++) {
			const struct kvm_stats_desc *d = desc_at(descs, desc_size, i);
			if (d->size == 0 || strncmp(d->name, wanted[w], h.name_size))
				continue;
			uint64_t v;
			memcpy(&v, data + d->offset, sizeof(v));
			if (n < (int)sizeof(line))
				n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%llu", wanted[w],
					      (unsigned long long)v);
			break;
		}
	}
	timing_printf("%s\n", line);
out:
	free(descs);
	free(data);
	close(fd);
}

#define EXIT_REASONS 64
static uint32_t exits_by_reason[EXIT_REASONS];
static uint32_t exits_by_port[0x10000];
/* Which 64-port blocks have counts: the report at exit reads only those, not all 256 KiB
 * (reading it all faulted in 64 pages, a few ms of the measured tear-down when nested). */
#define PORT_BLOCK_SHIFT 6
static uint64_t port_blocks_used[0x10000 >> PORT_BLOCK_SHIFT >> 6];
static const char *const exit_names[EXIT_REASONS] = {
	[KVM_EXIT_IO] = "io", [KVM_EXIT_MMIO] = "mmio", [KVM_EXIT_HLT] = "hlt",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq-window", [KVM_EXIT_INTR] = "intr",
	[KVM_EXIT_IOAPIC_EOI] = "eoi", [KVM_EXIT_SHUTDOWN] = "shutdown",
	[KVM_EXIT_SYSTEM_EVENT] = "system-event",
};

void exit_stats_count(const struct kvm_run *run)
{
	if (!timing_enabled())
		return;
	if (run->exit_reason < EXIT_REASONS)
		__atomic_fetch_add(&exits_by_reason[run->exit_reason], 1, __ATOMIC_RELAXED);
	if (run->exit_reason == KVM_EXIT_IO) {
		unsigned block = run->io.port >> PORT_BLOCK_SHIFT;
		__atomic_fetch_add(&exits_by_port[run->io.port], 1, __ATOMIC_RELAXED);
		__atomic_fetch_or(&port_blocks_used[block / 64], 1ull << (block % 64),
				  __ATOMIC_RELAXED);
	}
}

void exit_stats_report(int vcpu_fd)
{
	if (!timing_enabled())
		return;
	char line[1024];
	int n = snprintf(line, sizeof(line), "mvm: exits");
	for (int i = 0; i < EXIT_REASONS && n < (int)sizeof(line); i++)
		if (exits_by_reason[i])
			n += exit_names[i]
			     ? snprintf(line + n, sizeof(line) - (size_t)n, " %s=%u", exit_names[i],
					exits_by_reason[i])
			     : snprintf(line + n, sizeof(line) - (size_t)n, " reason%d=%u", i,
					exits_by_reason[i]);
	timing_printf("%s\n", line);
	n = snprintf(line, sizeof(line), "mvm: port-exits");
	for (unsigned block = 0; block < 0x10000 >> PORT_BLOCK_SHIFT; block++) {
		if (!(port_blocks_used[block / 64] & (1ull << (block % 64))))
			continue;
		unsigned first = block << PORT_BLOCK_SHIFT;
		for (unsigned port = first; port < first + (1u << PORT_BLOCK_SHIFT) &&
					    n < (int)sizeof(line) - 24; port++)
			if (exits_by_port[port])
				n += snprintf(line + n, sizeof(line) - (size_t)n, " p0x%x=%u", port,
					      exits_by_port[port]);
	}
	timing_printf("%s\n", line);
	kvm_counters_report(vcpu_fd);
}
