# guest/l1/l1.mk: the nested KVM sandbox (L1 Linux under QEMU TCG with emulated SVM).
# Not part of `make all`: it downloads Debian's cloud kernel .deb (about 27 MB) once and
# caches everything under $(MICRORIG_CACHE). harness/nested.py runs the same build on first use.
.PHONY: l1 l1-check
l1:
	@$(PYTHON) guest/l1/l1build.py

# Boot L1 once with a small batch (QEMU -accel kvm inside) and print the timings.
l1-check: l1
	@$(PYTHON) guest/l1/selftest.py
