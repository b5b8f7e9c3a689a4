# guest/init/init.mk: the Linux guest's PID 1 (static C) and its initramfs.
# The initramfs is a gzipped newc cpio made with the kernel tree's gen_init_cpio from a
# file list, so /dev/console is in it without needing root.

INIT_SRCS      := $(wildcard guest/init/*.c)
INIT_HDRS      := $(wildcard guest/init/*.h)
INIT_BIN       := $(BUILD)/guest/init/init
INITRAMFS      := $(BUILD)/guest/initramfs.cpio.gz
INITRAMFS_LIST := guest/init/initramfs.list

all: $(INIT_BIN) $(INITRAMFS)

$(INIT_BIN): $(INIT_SRCS) $(INIT_HDRS) guest/init/init.mk
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -D_GNU_SOURCE -static -o $@ $(INIT_SRCS)

# gen_init_cpio takes paths relative to the working directory; -t 0 makes the archive
# reproducible (every mtime 0).
$(INITRAMFS): $(INIT_BIN) $(INITRAMFS_LIST) $(LINUX_GEN_INIT_CPIO)
	@mkdir -p $(dir $@)
	sed 's|@INIT@|$(INIT_BIN)|' $(INITRAMFS_LIST) > $@.list
	$(LINUX_GEN_INIT_CPIO) -t 0 $@.list | gzip -n -9 > $@.tmp
	mv $@.tmp $@
