/* device.h: how a device module registers itself. Each device file ends with
 * DEVICE_MODULE(name, level, init); main.c's "create devices" step calls every init in
 * level order and knows no device by name. An init decides from vm->opt whether its
 * device exists and registers its bus ranges. */
#ifndef MVM_DEVICE_H
#define MVM_DEVICE_H

struct vm;

enum device_level {
	DEVICE_LEVEL_IRQCHIP = 10,	/* PIC, IOAPIC: others raise lines into them */
	DEVICE_LEVEL_PLATFORM = 20,	/* fw_cfg, debug ports */
	DEVICE_LEVEL_ISA = 30,		/* PIT, RTC, UART */
	DEVICE_LEVEL_VIRTIO = 40,	/* virtio-mmio slots, in command-line order */
};

struct device_module {
	const char *name;
	int level;
	void (*init)(struct vm *vm);
	/* Optional, once the VM exists: what the device asks of KVM (ioeventfds, irqfds).
	 * The devices are created before the VM is (kvm.c), so init must not need it. */
	void (*connect)(struct vm *vm);
};

/* The section name is a C identifier so the linker provides __start_/__stop_ symbols, and
 * so that AddressSanitizer leaves the array of modules unpadded. */
#define DEVICE_MODULE_KVM(name_, level_, init_, connect_)                            \
	static const struct device_module device_module_##name_                      \
		__attribute__((used, section("mvm_devices"), aligned(8))) = {         \
			#name_, level_, init_, connect_ }
#define DEVICE_MODULE(name_, level_, init_) DEVICE_MODULE_KVM(name_, level_, init_, NULL)

void devices_create(struct vm *vm);
/* Every module's connect, in the same order: the "connect" start-up step. */
void devices_connect(struct vm *vm);

#endif
