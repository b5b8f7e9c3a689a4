/* pit_i8254.h: the Intel 8254 programmable interval timer at 0x40-0x43 (channel 0 on
 * IRQ 0) and the PC's port 0x61 (channel 2 gate and output). */
#ifndef MVM_PIT_I8254_H
#define MVM_PIT_I8254_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_BASE          0x40
#define PIT_PORT_CONTROL  3		/* offset of the mode/command register */
#define PIT_PORT_61       0x61		/* NMI status and control (PC) */
#define PIT_IRQ           0
#define PIT_FREQ_HZ       1193182ULL
#define PIT_CHANNELS      3

#define PIT_CMD_CHANNEL_SHIFT 6
#define PIT_CMD_READBACK  3		/* channel field 3: read-back command */
#define PIT_CMD_RW_SHIFT  4
#define PIT_RW_LATCH      0		/* counter latch command */
#define PIT_RW_LSB        1
#define PIT_RW_MSB        2
#define PIT_RW_WORD       3		/* LSB then MSB */
#define PIT_CMD_MODE_SHIFT 1
#define PIT_CMD_BCD       0x01
#define PIT_RB_NO_COUNT   0x20		/* read-back: don't latch count */
#define PIT_RB_NO_STATUS  0x10		/* read-back: don't latch status */
#define PIT_STATUS_OUT    0x80
#define PIT_STATUS_NULL   0x40		/* count written but not yet loaded */
#define PIT_61_GATE2      0x01
#define PIT_61_SPEAKER    0x02
#define PIT_61_REFRESH    0x10		/* toggles every 15.085 us */
#define PIT_61_OUT2       0x20
#define PIT_REFRESH_NS    15085

struct pit_channel {
	uint32_t count;			/* reload value, 1-65536 */
	uint8_t mode, rw, bcd;
	bool gate;
	uint64_t load_ns;		/* when counting started */
	uint64_t paused_ticks;		/* modes 0/4 with gate low: ticks so far */
	bool paused;
	bool write_msb_next, read_msb_next;
	uint8_t write_lsb;
	bool count_latched, status_latched, latch_msb_next;
	uint16_t latched_count;
	uint8_t status;
	bool null_count;
};

struct pit {
	struct pit_channel ch[PIT_CHANNELS];
	bool speaker;
	uint64_t (*now_ns)(void);		/* the clock; tests substitute their own */
	void (*channel0_changed)(struct pit *p);	/* rearm the IRQ 0 timer */
	void *opaque;
};

void pit_init(struct pit *p, uint64_t (*now_ns)(void));
uint64_t pit_read(void *opaque, uint64_t offset, unsigned size);
void pit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);
uint64_t pit_port61_read(void *opaque, uint64_t offset, unsigned size);
void pit_port61_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);
/* The channel's counter and OUT pin now. */
uint16_t pit_counter(struct pit *p, int channel);
bool pit_out(struct pit *p, int channel);
/* Channel 0: ns until its next OUT rising edge and the period (0 when one-shot); 0, 0 when
 * it will not interrupt. */
void pit_channel0_timing(struct pit *p, uint64_t *delay_ns, uint64_t *period_ns);

#endif
