/* pit.h: the i8254 programmable interval timer and port 0x61 (channel 2's
 * gate and output on the PC). */
#ifndef CONFORMANCE_PIT_H
#define CONFORMANCE_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ			1193182	/* input clock */
#define PIT_CH0			0x40
#define PIT_CH2			0x42
#define PIT_CMD			0x43
#define PIT_SEL_CH0		0x00
#define PIT_SEL_CH2		0x80
#define PIT_SEL_READBACK	0xc0
#define PIT_ACCESS_LATCH	0x00	/* counter latch command */
#define PIT_ACCESS_LOHI		0x30
#define PIT_MODE0		0x00	/* interrupt on terminal count */
#define PIT_MODE2		0x04	/* rate generator */
#define PIT_MODE3		0x06	/* square wave */
#define PIT_RB_NO_COUNT		0x20	/* read-back: do not latch the count */
#define PIT_RB_NO_STATUS	0x10	/* read-back: do not latch the status */
#define PIT_RB_CH0		0x02
#define PIT_RB_CH2		0x08
#define PIT_STATUS_MODE_MASK	0x3f	/* access, mode and BCD bits of a status byte */
#define PORT_61			0x61	/* system control port B */
#define PORT61_GATE2		0x01	/* channel 2 gate */
#define PORT61_SPEAKER		0x02	/* speaker data enable */
#define PORT61_OUT2		0x20	/* channel 2 output (read) */

bool pit_probe(void);
void pit_start_periodic(unsigned count);	/* channel 0, mode 2 */
void pit_stop(void);
uint16_t pit_read_ch0(void);
/* TSC cycles per second measured against the RTC's seconds, 0 if unknown. */
uint64_t tsc_hz_reference(void);
/* Rate checks pass within rate_tolerance_pct percent (probe.rate_tolerance,
 * default 5; nested KVM under TCG needs far more). */
void pit_checks(uint64_t rate_tolerance_pct);
#define PIT_DEFAULT_TOLERANCE_PCT 5

#endif
