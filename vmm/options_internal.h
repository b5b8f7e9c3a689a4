/* options_internal.h: shared between options.c and options_device.c only. */
#ifndef MVM_OPTIONS_INTERNAL_H
#define MVM_OPTIONS_INTERNAL_H

#include "options.h"
#include "options_kv.h"

bool opt_error(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *opt_strdup(const char *s);
bool opt_check_id(const char *opt, const char *arg, const char *id, char *err);
bool opt_no_unused(struct kvlist *l, const char *opt, const char *arg, char *err);

bool opt_chardev(struct options *o, const char *arg, char *err);
bool opt_device(struct options *o, const char *arg, char *err);
bool opt_drive(struct options *o, const char *arg, char *err);
bool opt_netdev(struct options *o, const char *arg, char *err);
bool opt_fw_cfg(struct options *o, const char *arg, char *err);
/* Cross-checks after the last option: references resolve, devices fit. */
bool options_check(struct options *o, char *err);
void options_free_backends(struct options *o);

/* cpuid.c: whether -cpu host,+NAME / -NAME names a feature mvm can toggle. */
bool cpu_feature_known(const char *name);

#endif
