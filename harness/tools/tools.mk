# harness/tools/tools.mk: host-side helpers the harness runs around an engine.
# tapns: a tap in a network namespace of its own, with a capture of what the guest sends
# (virtio-net cases). kvm-floor: the least a KVM VMM can do (create, run, destroy a one-page
# VM), timed by make bench beside the engines. ktrace: an inner engine under the kernel's
# scheduler tracepoints (python3 -m harness ktrace), only in the sandbox. The static builds
# run inside the nested sandbox (guest/l1), which has no host libraries.
.PHONY: tools
all: tools
tools: $(BUILD)/tapns $(BUILD)/tapns.static $(BUILD)/kvm-floor $(BUILD)/kvm-floor.static \
	$(BUILD)/ktrace.static

TOOLS_CFLAGS := $(HOST_CFLAGS) -Wshadow -Wstrict-prototypes

$(BUILD)/tapns: harness/tools/tapns.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

$(BUILD)/tapns.static: harness/tools/tapns.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOLS_CFLAGS) -static -o $@ $<

$(BUILD)/kvm-floor: harness/tools/kvm_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

$(BUILD)/kvm-floor.static: harness/tools/kvm_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOLS_CFLAGS) -static -o $@ $<

$(BUILD)/ktrace.static: harness/tools/ktrace.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOLS_CFLAGS) -static -o $@ $<
