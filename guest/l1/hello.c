/* hello.c: a stand-in PID 1 for the sandbox self-test when the project's Linux guest init
 * is not built: it prints the line that ends the harness's spawn-to-init time, then leaves
 * through isa-debug-exit (value 0, host status 1) like the real init. */
#include <stdio.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/reboot.h>

#define DEBUG_EXIT_PORT 0xf4   /* -device isa-debug-exit,iobase=0xf4,iosize=4 */

int main(void)
{
	static const char msg[] = "init: start\n";
	write(1, msg, sizeof(msg) - 1);
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outl(0, DEBUG_EXIT_PORT);
	reboot(RB_POWER_OFF);
	return 0;
}
