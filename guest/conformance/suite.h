/* suite.h: the device conformance suite (probe.suite=devices): one function
 * per device, each only where the device is present. */
#ifndef CONFORMANCE_SUITE_H
#define CONFORMANCE_SUITE_H

#include <stdbool.h>
#include <stdint.h>

void devices_run(const char *cmdline);
void uart_checks(void);
void fw_cfg_checks(void);
void kvmclock_checks(void);
void virtio_checks(const char *cmdline);

#endif
