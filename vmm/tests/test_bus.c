/* test_bus.c: the device bus's overlap rule as coalesced_io.c uses it: an absent device's
 * ports are queued only where no other device was placed. */
#include "bus.h"
#include "check.h"

int main(void)
{
	bus_clear();
	bus_register(&(struct bus_region){ "exit", BUS_PIO, 0x3f8, 4, NULL, NULL, NULL });
	report(bus_range_assigned(BUS_PIO, 0x3f8, 8), "a device at the range's start is seen");
	report(bus_range_assigned(BUS_PIO, 0x3f0, 9), "a range ending on its first port overlaps");
	report(bus_range_assigned(BUS_PIO, 0x3fb, 1), "its last port is assigned");
	report(!bus_range_assigned(BUS_PIO, 0x3fc, 4), "the ports after it are not");
	report(!bus_range_assigned(BUS_PIO, 0x3f0, 8), "a range ending just before it is free");
	report(!bus_range_assigned(BUS_MMIO, 0x3f8, 8), "the same addresses in MMIO space are free");
	bus_clear();
	report(!bus_range_assigned(BUS_PIO, 0x3f8, 8), "bus_clear forgets it");
	return check_summary("test_bus");
}
