/* irq.c: fan-out of interrupt lines to the interrupt controllers. Callers hold vm_lock. */
#include "irq.h"
#include "util.h"

#include <string.h>

#define IRQ_MAX_SINKS 4

static struct {
	irq_sink_fn fn;
	void *opaque;
} sinks[IRQ_MAX_SINKS];
static int nsinks;
static int levels[IRQ_LINES];

void (*irq_extint_changed)(void);

void irq_add_sink(irq_sink_fn fn, void *opaque)
{
	if (nsinks == IRQ_MAX_SINKS)
		die("too many interrupt controllers");
	sinks[nsinks].fn = fn;
	sinks[nsinks++].opaque = opaque;
}

void irq_set_level(unsigned gsi, int level)
{
	if (gsi >= IRQ_LINES)
		return;
	levels[gsi] = !!level;
	for (int i = 0; i < nsinks; i++)
		sinks[i].fn(sinks[i].opaque, gsi, !!level);
}

void irq_pulse(unsigned gsi)
{
	irq_set_level(gsi, 1);
	irq_set_level(gsi, 0);
}

int irq_get_level(unsigned gsi)
{
	return gsi < IRQ_LINES ? levels[gsi] : 0;
}

void irq_reset(void)
{
	nsinks = 0;
	memset(levels, 0, sizeof(levels));
	irq_extint_changed = NULL;
}
