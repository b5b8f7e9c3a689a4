/* virtqueue.c: walking descriptor chains defensively. Each descriptor index is checked
 * against the queue size, chains are bounded by the number of descriptors (so a loop ends),
 * indirect tables must lie in guest memory and may not nest, writable buffers must follow
 * readable ones, and every buffer is turned into a host pointer only by guest_mem_ptr(). */
#include "virtqueue.h"
#include "util.h"

#include <string.h>

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static bool read_desc(const struct virtq *q, uint64_t table, uint32_t index, struct desc *d)
{
	const uint8_t *p = guest_mem_ptr(q->mem, table + (uint64_t)index * VIRTQ_DESC_SIZE,
					 VIRTQ_DESC_SIZE);
	if (!p)
		return false;
	d->addr = get_le64(p);
	d->len = get_le32(p + 8);
	d->flags = get_le16(p + 12);
	d->next = get_le16(p + 14);
	return true;
}

static bool add_buf(const struct virtq *q, struct virtq_chain *c, const struct desc *d)
{
	if (c->nbufs == VIRTQ_MAX_SEGS)
		return false;
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;
	if (!writable && c->writable)
		return false;	/* readable after writable: the spec forbids it */
	uint8_t *p = guest_mem_ptr(q->mem, d->addr, d->len);
	if (!p)
		return false;
	c->bufs[c->nbufs++] = (struct virtq_buf){ p, d->len, writable };
	if (writable)
		c->writable += d->len;
	else
		c->readable += d->len;
	return true;
}

/* Walks a descriptor table (the ring's or an indirect one) from index first. */
static bool walk(const struct virtq *q, struct virtq_chain *c, uint64_t table, uint32_t count,
		 uint32_t first, bool indirect)
{
	uint32_t index = first;
	for (uint32_t steps = 0;; steps++) {
		struct desc d;
		if (index >= count || steps >= count || !read_desc(q, table, index, &d))
			return false;	/* out of range, a loop, or the table outside RAM */
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (indirect || (d.flags & VIRTQ_DESC_F_NEXT) || d.len == 0 ||
			    d.len % VIRTQ_DESC_SIZE || d.len / VIRTQ_DESC_SIZE > VIRTQ_INDIRECT_MAX ||
			    !guest_mem_ptr(q->mem, d.addr, d.len))
				return false;
			return walk(q, c, d.addr, d.len / VIRTQ_DESC_SIZE, 0, true);
		}
		if (!add_buf(q, c, &d))
			return false;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return true;
		index = d.next;
	}
}

enum virtq_result virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	if (!q->ready || q->size == 0)
		return VIRTQ_EMPTY;
	const uint8_t *avail = guest_mem_ptr(q->mem, q->avail, 4 + 2ull * q->size);
	if (!avail)
		return VIRTQ_BROKEN;
	uint16_t avail_idx = get_le16(avail + 2);
	uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
	if (pending == 0)
		return VIRTQ_EMPTY;
	if (pending > q->size)
		return VIRTQ_BROKEN;	/* the driver claims more buffers than the ring holds */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint16_t head = get_le16(avail + 4 + 2 * (q->last_avail % q->size));
	q->last_avail++;
	c->nbufs = 0;
	c->readable = c->writable = 0;
	c->head = head;
	if (!walk(q, c, q->desc, q->size, head, false))
		return VIRTQ_BROKEN;
	return VIRTQ_CHAIN;
}

bool virtq_push(struct virtq *q, uint16_t head, uint32_t written)
{
	uint8_t *used = guest_mem_ptr(q->mem, q->used, 4 + 8ull * q->size);
	if (!used)
		return false;
	uint8_t *elem = used + 4 + 8 * (q->used_idx % q->size);
	put_le32(elem, head);
	put_le32(elem + 4, written);
	q->used_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	put_le16(used + 2, q->used_idx);
	return true;
}

bool virtq_wants_interrupt(const struct virtq *q)
{
	const uint8_t *avail = guest_mem_ptr(q->mem, q->avail, 2);
	return !avail || !(get_le16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_reset(struct virtq *q)
{
	const struct guest_mem *mem = q->mem;
	memset(q, 0, sizeof(*q));
	q->mem = mem;
}

uint64_t virtq_read(const struct virtq_chain *c, uint64_t offset, void *dst, uint64_t len)
{
	uint64_t done = 0;
	for (int i = 0; i < c->nbufs && done < len; i++) {
		const struct virtq_buf *b = &c->bufs[i];
		if (b->writable)
			break;
		if (offset >= b->len) {
			offset -= b->len;
			continue;
		}
		uint64_t n = b->len - offset < len - done ? b->len - offset : len - done;
		memcpy((uint8_t *)dst + done, b->ptr + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}

uint64_t virtq_write(const struct virtq_chain *c, uint64_t offset, const void *src, uint64_t len)
{
	uint64_t done = 0;
	for (int i = 0; i < c->nbufs && done < len; i++) {
		const struct virtq_buf *b = &c->bufs[i];
		if (!b->writable)
			continue;
		if (offset >= b->len) {
			offset -= b->len;
			continue;
		}
		uint64_t n = b->len - offset < len - done ? b->len - offset : len - done;
		memcpy(b->ptr + offset, (const uint8_t *)src + done, n);
		done += n;
		offset = 0;
	}
	return done;
}
