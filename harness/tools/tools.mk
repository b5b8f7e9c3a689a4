# harness/tools/tools.mk: host-side helpers the harness runs around an engine.
# tapns: a tap in a network namespace of its own, with a capture of what the guest sends
# (virtio-net cases). The static build runs inside the nested sandbox (guest/l1), which has
# no host libraries.
.PHONY: tools
all: tools
tools: $(BUILD)/tapns $(BUILD)/tapns.static

TOOLS_CFLAGS := $(HOST_CFLAGS) -Wshadow -Wstrict-prototypes

$(BUILD)/tapns: harness/tools/tapns.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

$(BUILD)/tapns.static: harness/tools/tapns.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOLS_CFLAGS) -static -o $@ $<
