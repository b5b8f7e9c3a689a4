/*
 * settings.c: the firmware's own options, passed as fw_cfg files:
 *   -fw_cfg name=opt/microrig/quiet,string=1     only error lines are printed
 *   -fw_cfg name=opt/microrig/boot,string=16|32|64|pvh|multiboot   force a hand-off
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"

#define SETTING_MAX 16		/* longest value looked at */

static uint32_t read_setting(enum fw_cfg_known which, char *buf)
{
	struct fw_cfg_file f;
	uint32_t n;

	if (!fw_cfg_known(which, &f))
		return 0;
	n = f.size < SETTING_MAX - 1 ? f.size : SETTING_MAX - 1;
	fw_cfg_read(f.select, buf, n);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == 0))	/* tolerate file= with a newline */
		n--;
	buf[n] = 0;
	return n;
}

static const struct {
	const char *value;
	enum boot_protocol protocol;
} boot_values[] = {
	{ "16", BOOT_BZIMAGE16 },
	{ "32", BOOT_BZIMAGE32 },
	{ "64", BOOT_BZIMAGE64 },
	{ "pvh", BOOT_PVH },
	{ "multiboot", BOOT_MULTIBOOT },
};

void read_settings(struct board *b)
{
	char buf[SETTING_MAX];
	uint32_t i;

	if (read_setting(FILE_QUIET, buf))
		b->quiet = buf[0] == '1';
	if (!read_setting(FILE_BOOT, buf))
		return;
	for (i = 0; i < sizeof(boot_values) / sizeof(boot_values[0]); i++) {
		if (!memcmp(buf, boot_values[i].value, strlen(boot_values[i].value) + 1)) {
			b->forced = boot_values[i].protocol;
			return;
		}
	}
	fail(ERR_BOOT_OPTION, "opt/microrig/boot must be 16, 32, 64, pvh or multiboot");
}
