/* cpuid.c: building each vCPU's CPUID table from KVM_GET_SUPPORTED_CPUID. */
#include "cpuid.h"
#include "machine.h"
#include "util.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_MAX_ENTRIES 256
#define CPUID_LEAF_FEATURES     0x1
#define CPUID_LEAF_EXT_FEATURES 0x7
#define CPUID_LEAF_TOPOLOGY     0xb
#define CPUID_LEAF_XSAVE        0xd
#define CPUID_LEAF_TOPOLOGY2    0x1f
#define CPUID_LEAF_KVM_FEATURES 0x40000001
#define CPUID_LEAF_EXT_INFO     0x80000001
#define CPUID_LEAF_POWER        0x80000007
#define CPUID_1_EBX_APIC_ID_SHIFT 24
#define CPUID_1_EBX_COUNT_SHIFT   16
#define CPUID_1_EDX_HTT           (1u << 28)
#define CPUID_1_ECX_TSC_DEADLINE  (1u << 24)	/* LAPIC timer TSC-deadline mode */
#define CPUID_1_ECX_HYPERVISOR    (1u << 31)	/* guests look for the KVM leaves only then */

enum cpuid_reg { EAX, EBX, ECX, EDX };

struct cpu_feature {
	const char *name;
	uint32_t leaf, index;
	enum cpuid_reg reg;
	unsigned bit;
};

/* The names QEMU uses for -cpu host,+name/-name (target/i386/cpu.c feature words). */
static const struct cpu_feature features[] = {
	{ "vmx", 1, 0, ECX, 5 },          { "pcid", 1, 0, ECX, 17 },
	{ "x2apic", 1, 0, ECX, 21 },      { "tsc-deadline", 1, 0, ECX, 24 },
	{ "aes", 1, 0, ECX, 25 },         { "xsave", 1, 0, ECX, 26 },
	{ "avx", 1, 0, ECX, 28 },         { "rdrand", 1, 0, ECX, 30 },
	{ "hypervisor", 1, 0, ECX, 31 },  { "fsgsbase", 7, 0, EBX, 0 },
	{ "avx2", 7, 0, EBX, 5 },         { "smep", 7, 0, EBX, 7 },
	{ "rdseed", 7, 0, EBX, 18 },      { "smap", 7, 0, EBX, 20 },
	{ "arch-capabilities", 7, 0, EDX, 29 },
	{ "svm", 0x80000001, 0, ECX, 2 }, { "pdpe1gb", 0x80000001, 0, EDX, 26 },
	{ "invtsc", 0x80000007, 0, EDX, 8 },
	{ "kvmclock", 0x40000001, 0, EAX, 0 },
	{ "kvm-nopiodelay", 0x40000001, 0, EAX, 1 },
	{ "kvm-asyncpf", 0x40000001, 0, EAX, 4 },
	{ "kvm-steal-time", 0x40000001, 0, EAX, 5 },
	{ "kvm-pv-eoi", 0x40000001, 0, EAX, 6 },
	{ "kvm-pv-unhalt", 0x40000001, 0, EAX, 7 },
};

bool cpu_feature_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		if (!strcmp(features[i].name, name))
			return true;
	return false;
}

static struct kvm_cpuid_entry2 *find_leaf(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		if (e->function == leaf &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index))
			return e;
	}
	return NULL;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, enum cpuid_reg r)
{
	switch (r) {
	case EAX: return &e->eax;
	case EBX: return &e->ebx;
	case ECX: return &e->ecx;
	default:  return &e->edx;
	}
}

static void set_feature(struct kvm_cpuid2 *c, const struct cpu_feature *f, bool on)
{
	struct kvm_cpuid_entry2 *e = find_leaf(c, f->leaf, f->index);
	if (!e)
		return;
	if (on)
		*reg_of(e, f->reg) |= 1u << f->bit;
	else
		*reg_of(e, f->reg) &= ~(1u << f->bit);
	/* Without XSAVE the XSAVE state leaf describes nothing: clear it as QEMU does. */
	if (!on && !strcmp(f->name, "xsave"))
		for (uint32_t i = 0; i < c->nent; i++)
			if (c->entries[i].function == CPUID_LEAF_XSAVE)
				c->entries[i].eax = c->entries[i].ebx = c->entries[i].ecx =
					c->entries[i].edx = 0;
}

void cpuid_prepare(struct vm *vm)
{
	size_t size = sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = xzalloc(size);
	c->nent = CPUID_MAX_ENTRIES;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0)
		die("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	/* QEMU sets the hypervisor bit for KVM guests; KVM does not always report it. */
	struct kvm_cpuid_entry2 *leaf1 = find_leaf(c, CPUID_LEAF_FEATURES, 0);
	if (leaf1)
		leaf1->ecx |= CPUID_1_ECX_HYPERVISOR;
	/* KVM emulates the TSC-deadline timer in its LAPIC but leaves the bit out of the
	 * supported set; QEMU adds it when the capability is there, and so must we: with it,
	 * Linux takes its tick from the LAPIC and leaves the PIT alone, as under QEMU. */
	if (leaf1 && ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0)
		leaf1->ecx |= CPUID_1_ECX_TSC_DEADLINE;
	for (int i = 0; i < vm->opt->nfeatures; i++)
		for (size_t k = 0; k < ARRAY_SIZE(features); k++)
			if (!strcmp(features[k].name, vm->opt->features[i].name))
				set_feature(c, &features[k], vm->opt->features[i].on);
	vm->cpuid = c;
}

void cpuid_apply(struct vm *vm, int vcpu_fd, int index)
{
	size_t size = sizeof(struct kvm_cpuid2) + vm->cpuid->nent * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = xzalloc(size);
	memcpy(c, vm->cpuid, size);
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		if (e->function == CPUID_LEAF_FEATURES) {
			e->ebx &= 0x0000ffff;
			e->ebx |= (uint32_t)index << CPUID_1_EBX_APIC_ID_SHIFT;
			if (vm->ncpus > 1) {
				e->ebx |= (uint32_t)vm->ncpus << CPUID_1_EBX_COUNT_SHIFT;
				e->edx |= CPUID_1_EDX_HTT;
			}
		} else if (e->function == CPUID_LEAF_TOPOLOGY || e->function == CPUID_LEAF_TOPOLOGY2) {
			e->edx = (uint32_t)index;	/* x2APIC ID */
		}
	}
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0)
		die("KVM_SET_CPUID2: %s", strerror(errno));
	free(c);
}
