# guest/linux/linux.mk: the guest kernel. build.sh builds it into the cache outside the
# repository ($(MICRORIG_CACHE)/linux-<key>/) and symlinks the results here.

LINUX_OUT           := $(BUILD)/guest/linux
LINUX_BZIMAGE       := $(LINUX_OUT)/bzImage
LINUX_VMLINUX       := $(LINUX_OUT)/vmlinux
LINUX_GEN_INIT_CPIO := $(LINUX_OUT)/gen_init_cpio
LINUX_SOURCE        := /usr/src/linux-source-6.1.tar.xz

all: $(LINUX_BZIMAGE) $(LINUX_VMLINUX)

$(LINUX_BZIMAGE) $(LINUX_VMLINUX) $(LINUX_GEN_INIT_CPIO) &: guest/linux/microrig.config guest/linux/build.sh $(wildcard $(LINUX_SOURCE))
	@guest/linux/build.sh $(LINUX_OUT)
