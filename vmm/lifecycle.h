/* lifecycle.h: how mvm ends (guest exit, power-off) and how a guest reset restarts it. */
#ifndef MVM_LIFECYCLE_H
#define MVM_LIFECYCLE_H

#define LIFECYCLE_RESTART_ENV "MVM_RESTARTED"	/* set across the re-exec of a reset */

void lifecycle_init(char **argv);

#endif
