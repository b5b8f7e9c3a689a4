/* device.c: runs every registered device module's init, lowest level first. */
#include "device.h"

#include <stddef.h>

/* Weak: a unit-test binary links no module at all. */
extern const struct device_module __start_mvm_devices[] __attribute__((weak));
extern const struct device_module __stop_mvm_devices[] __attribute__((weak));

void devices_create(struct vm *vm)
{
	int level = 0;
	/* A handful of modules: a pass per level keeps it simple and stable. */
	for (;;) {
		int next = 1 << 30;
		for (const struct device_module *m = __start_mvm_devices; m < __stop_mvm_devices; m++)
			if (m->level > level && m->level < next)
				next = m->level;
		if (next == 1 << 30)
			break;
		for (const struct device_module *m = __start_mvm_devices; m < __stop_mvm_devices; m++)
			if (m->level == next)
				m->init(vm);
		level = next;
	}
}
