/* guest_mem.h: the guest's memory as a few host mappings, and the one bounds-checked way
 * to reach it. Every guest-supplied address (fw_cfg DMA, virtio rings and buffers, loaders)
 * goes through guest_mem_ptr(), so the guest cannot make mvm touch anything else. */
#ifndef MVM_GUEST_MEM_H
#define MVM_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS 8

struct guest_region {
	uint64_t gpa, size;
	uint8_t *host;
};

struct guest_mem {
	struct guest_region r[GUEST_MEM_MAX_REGIONS];
	int n;
};

void guest_mem_add(struct guest_mem *m, uint64_t gpa, uint64_t size, uint8_t *host);
/* Host pointer to [gpa, gpa+len) when the range lies inside one region (no wrap), else NULL.
 * len 0 is allowed and needs gpa inside a region. */
void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);
bool guest_mem_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len);
bool guest_mem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len);
bool guest_mem_fill(const struct guest_mem *m, uint64_t gpa, uint8_t byte, uint64_t len);

#endif
