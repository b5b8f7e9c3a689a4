/* options.h: the QEMU-style command line of mvm, parsed into plain data. Nothing here
 * touches KVM or files, so the parser is unit-tested (tests/test_options.c). */
#ifndef MVM_OPTIONS_H
#define MVM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPT_MAX_ITEMS   16	/* chardevs, drives, netdevs, devices, fw_cfg files each */
#define OPT_MAX_CPUS    64
#define OPT_MAX_FEATURES 32
#define OPT_ERR_LEN     256

enum onoffauto { OPT_AUTO, OPT_ON, OPT_OFF };

enum chardev_kind { CHR_NULL, CHR_STDIO, CHR_FILE, CHR_SOCKET };

struct chardev_opt {
	char *id;
	enum chardev_kind kind;
	char *path;		/* file path, or unix socket path */
	char *host;		/* tcp socket host */
	int port;		/* tcp socket port, -1 for a unix socket */
	bool server, wait, append;
};

struct drive_opt {
	char *id, *file;
	bool readonly;
};

struct netdev_opt {
	char *id, *ifname;
};

enum device_kind {
	DEV_VIRTIO_BLK, DEV_VIRTIO_NET, DEV_VIRTIO_SERIAL, DEV_VIRTCONSOLE,
	DEV_ISA_DEBUGCON, DEV_ISA_DEBUG_EXIT,
};

struct device_opt {
	enum device_kind kind;
	char *id;
	char *backend;		/* drive=, netdev= or chardev= value */
	char *serial;		/* virtio-blk serial= (get-id) */
	uint8_t mac[6];
	bool has_mac;
	uint16_t iobase;
	uint16_t iosize;
};

struct fwcfg_opt {
	char *name, *string, *file;
};

struct cpu_feature_opt {
	char *name;
	bool on;
};

struct options {
	/* -M microvm,... */
	enum onoffauto pit, pic, rtc;
	bool isa_serial, option_roms, auto_cmdline;
	bool virtio_legacy;		/* -global virtio-mmio.force-legacy= (QEMU 7.2: on) */
	/* CPU, memory */
	struct cpu_feature_opt features[OPT_MAX_FEATURES];
	int nfeatures;
	uint64_t ram_size;
	int cpus, max_cpus;
	/* boot */
	char *bios, *kernel, *initrd, *append;
	/* devices and back-ends */
	bool nodefaults, nographic, no_reboot, stage_times;
	char *serial;			/* -serial value; NULL: default */
	struct chardev_opt chardevs[OPT_MAX_ITEMS];
	struct drive_opt drives[OPT_MAX_ITEMS];
	struct netdev_opt netdevs[OPT_MAX_ITEMS];
	struct device_opt devices[OPT_MAX_ITEMS];
	struct fwcfg_opt fwcfgs[OPT_MAX_ITEMS];
	int nchardevs, ndrives, nnetdevs, ndevices, nfwcfgs;
};

enum options_result { OPTIONS_OK, OPTIONS_ERROR, OPTIONS_HELP, OPTIONS_VERSION };

/* Parse argv (argv[0] is the program name). On OPTIONS_ERROR, err holds a message such as
 * "-m 0: memory size must be at least 1 MiB" (without the "mvm: " prefix). */
enum options_result options_parse(struct options *o, int argc, char **argv,
				  char err[OPT_ERR_LEN]);
void options_free(struct options *o);
void options_usage(void);

struct chardev_opt *options_find_chardev(struct options *o, const char *id);
struct drive_opt *options_find_drive(struct options *o, const char *id);
struct netdev_opt *options_find_netdev(struct options *o, const char *id);

#endif
