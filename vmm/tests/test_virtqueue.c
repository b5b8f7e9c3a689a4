/* test_virtqueue.c: walking split virtqueues built in a fake guest memory: good chains,
 * indirect tables, and hostile rings (loops, out-of-range indices and addresses, oversized
 * lengths, nested indirect, readable after writable, an avail index running ahead). */
#include "check.h"
#include "util.h"
#include "virtqueue.h"

#include <string.h>

#define RAM_SIZE 0x20000
#define QSIZE    8
#define DESC     0x1000
#define AVAIL    0x2000
#define USED     0x3000
static uint8_t ram[RAM_SIZE];
static struct guest_mem mem;
static struct virtq q;
static struct virtq_chain c;

static void reset_queue(void)
{
	memset(ram, 0, sizeof(ram));
	memset(&mem, 0, sizeof(mem));
	guest_mem_add(&mem, 0, RAM_SIZE, ram);
	memset(&q, 0, sizeof(q));
	q.mem = &mem;
	q.size = QSIZE;
	q.desc = DESC;
	q.avail = AVAIL;
	q.used = USED;
	q.ready = true;
}

static void desc(uint64_t table, int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = ram + table + 16 * i;
	put_le64(d, addr);
	put_le32(d + 8, len);
	put_le16(d + 12, flags);
	put_le16(d + 14, next);
}

static void offer(uint16_t head)
{
	uint16_t idx = get_le16(ram + AVAIL + 2);
	put_le16(ram + AVAIL + 4 + 2 * (idx % QSIZE), head);
	put_le16(ram + AVAIL + 2, (uint16_t)(idx + 1));
}

int main(void)
{
	reset_queue();
	report(virtq_pop(&q, &c) == VIRTQ_EMPTY, "an empty ring gives nothing");
	desc(DESC, 0, 0x5000, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(DESC, 1, 0x6000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	desc(DESC, 2, 0x7000, 1, VIRTQ_DESC_F_WRITE, 0);
	memcpy(ram + 0x5000, "header-bytes-16!", 16);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_CHAIN && c.nbufs == 3 && c.readable == 16 && c.writable == 513,
	       "a three-descriptor chain: 16 readable, 513 writable bytes");
	char hdr[16];
	report(virtq_read(&c, 0, hdr, 16) == 16 && !memcmp(hdr, "header-bytes-16!", 16), "readable bytes copy out");
	report(virtq_write(&c, 510, "xyz", 3) == 3 && !memcmp(ram + 0x61fe, "xy", 2) && ram[0x7000] == 'z',
	       "writes span writable buffers");
	report(virtq_push(&q, c.head, 513) && get_le16(ram + USED + 2) == 1 && get_le32(ram + USED + 4) == 0 &&
	       get_le32(ram + USED + 8) == 513, "the used ring gets id and length, then the index");

	reset_queue();
	desc(DESC, 0, 0x5000, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(DESC, 1, 0x5000, 16, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a descriptor loop is detected");

	reset_queue();
	desc(DESC, 0, 0x5000, 16, VIRTQ_DESC_F_NEXT, 200);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a next index past the queue size is refused");

	reset_queue();
	offer(9);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a head index past the queue size is refused");

	reset_queue();
	desc(DESC, 0, RAM_SIZE - 8, 16, 0, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a buffer running past guest RAM is refused");

	reset_queue();
	desc(DESC, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a buffer address that wraps is refused");

	reset_queue();
	desc(DESC, 0, 0x5000, 0xffffffff, 0, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a 4 GiB length is refused");

	reset_queue();
	desc(DESC, 0, 0x5000, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(DESC, 1, 0x6000, 16, 0, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a readable buffer after a writable one is refused");

	reset_queue();
	put_le16(ram + AVAIL + 2, QSIZE + 1);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "an avail index more than a ring ahead is refused");

	reset_queue();
	q.desc = RAM_SIZE - 8;
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a descriptor table outside RAM is refused");

	reset_queue();
	q.avail = RAM_SIZE - 2;
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "an avail ring outside RAM is refused");

	reset_queue();
	q.used = RAM_SIZE - 4;
	report(!virtq_push(&q, 0, 0), "a used ring outside RAM is refused");

	/* Indirect tables */
	reset_queue();
	desc(0x8000, 0, 0x5000, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(0x8000, 1, 0x6000, 64, VIRTQ_DESC_F_WRITE, 0);
	desc(DESC, 0, 0x8000, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_CHAIN && c.nbufs == 2 && c.writable == 64, "an indirect table is walked");

	reset_queue();
	desc(0x8000, 0, 0x9000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(DESC, 0, 0x8000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a nested indirect table is refused");

	reset_queue();
	desc(DESC, 0, 0x8000, 24, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "an indirect length that is not a multiple of 16 is refused");

	reset_queue();
	desc(DESC, 0, 0x8000, 16 * 2048, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "an indirect table of 2048 entries is refused");

	reset_queue();
	desc(0x8000, 0, 0x5000, 16, VIRTQ_DESC_F_NEXT, 0);
	desc(DESC, 0, 0x8000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "a loop inside an indirect table is detected");

	reset_queue();
	desc(DESC, 0, RAM_SIZE - 16, 64, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_BROKEN, "an indirect table running past RAM is refused");

	reset_queue();
	q.ready = false;
	offer(0);
	report(virtq_pop(&q, &c) == VIRTQ_EMPTY, "a queue that is not ready gives nothing");
	return check_summary("test_virtqueue");
}
