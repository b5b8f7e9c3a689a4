/*
 * kvm_stats.c: KVM's own counters of a vCPU (KVM_GET_STATS_FD, Linux 5.14), read at exit
 * for -stage-times. `mvm: exits` counts only the exits that reach mvm; KVM handles many
 * more itself (page faults on first touch of guest memory, coalesced writes, LAPIC
 * accesses, HLT). Under nested virtualisation every VM exit costs about the same wherever
 * it is handled, so this total is the boot's real exit bill.
 *
 * The stats file: a header, then num_desc descriptors (each followed by its name of
 * name_size bytes), then the data, u64 values at data_offset + desc->offset.
 */
#include "kvm_stats.h"
#include "timing.h"

#include <linux/kvm.h>
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

void kvm_stats_report(int vcpu_fd)
{
	if (!timing_enabled())
		return;
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
