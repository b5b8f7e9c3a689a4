/* l1.h: the L1 sandbox's PID 1. It runs in a Debian cloud kernel under QEMU TCG with
 * emulated SVM, loads KVM, runs the inner cases of a job and reports them on the console.
 * The console protocol is in guest/l1/README.md. */
#ifndef MICRORIG_L1_H
#define MICRORIG_L1_H

#include <stdbool.h>

#define JOB_FILE      "/job/cases"     /* the cases to run, written by run-nested */
#define MODULES_FILE  "/l1/modules"    /* module paths to load, in dependency order */
#define CASE_ARGS_MAX 256
#define CASE_NAME_MAX 64

struct inner_case {
	char name[CASE_NAME_MAX];
	long timeout_ms;
	int argc;
	char *argv[CASE_ARGS_MAX + 1]; /* NULL-terminated */
};

/* console.c: every line on L1's console goes through here. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
long long now_ms(void);

/* kvm.c: load the modules listed in MODULES_FILE and check that /dev/kvm opens. */
bool kvm_setup(void);

/* job.c: read the next case from the job file; false at the end or on a parse error. */
bool job_open(void);
bool job_next(struct inner_case *c);

/* run.c: run one case, relaying its output, and print its end line. */
void run_case(const struct inner_case *c);

#endif
