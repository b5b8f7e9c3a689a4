# guest/guest.mk: the guests. Each has its own fragment.
-include guest/probe/probe.mk
-include guest/linux/linux.mk
-include guest/init/init.mk
-include guest/l1/l1.mk
-include guest/hostile/hostile.mk
