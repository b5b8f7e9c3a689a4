/* device.c: runs every registered device module's init (and connect), lowest level first. */
#include "device.h"

#include <stdbool.h>
#include <stddef.h>

/* Weak: a unit-test binary links no module at all. */
extern const struct device_module __start_mvm_devices[] __attribute__((weak));
extern const struct device_module __stop_mvm_devices[] __attribute__((weak));

/* Calls init (or connect) of every module, lowest level first. */
static void each_module(struct vm *vm, bool connect)
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
		for (const struct device_module *m = __start_mvm_devices; m < __stop_mvm_devices; m++) {
			if (m->level != next)
				continue;
			if (!connect)
				m->init(vm);
			else if (m->connect)
				m->connect(vm);
		}
		level = next;
	}
}

void devices_create(struct vm *vm)
{
	each_module(vm, false);
}

void devices_connect(struct vm *vm)
{
	each_module(vm, true);
}
