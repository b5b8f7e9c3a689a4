/* test_chardev.c: character back-ends: file (truncate, append=on), null, unix socket client,
 * and -serial forms, as the devices use them. */
#include "chardev.h"
#include "check.h"
#include "machine.h"
#include "options.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/mvm-chr-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char file[128], file2[128], sock[128], serial[160], c1[160], c2[160], c3[160];
	snprintf(file, sizeof(file), "%s/out", dir);
	snprintf(file2, sizeof(file2), "%s/app", dir);
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(serial, sizeof(serial), "file:%s/serial", dir);
	FILE *f = fopen(file, "w");
	fputs("old", f);
	fclose(f);
	f = fopen(file2, "w");
	fputs("old", f);
	fclose(f);

	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	strcpy(un.sun_path, sock);
	bind(lfd, (struct sockaddr *)&un, sizeof(un));
	listen(lfd, 1);

	snprintf(c1, sizeof(c1), "file,id=f,path=%s", file);
	snprintf(c2, sizeof(c2), "file,id=a,path=%s,append=on", file2);
	snprintf(c3, sizeof(c3), "socket,id=s,path=%s", sock);
	char *argv[] = { "mvm", "-chardev", c1, "-chardev", c2, "-chardev", c3, "-chardev", "null,id=n" };
	struct options o;
	char err[OPT_ERR_LEN];
	report(options_parse(&o, 9, argv, err) == OPTIONS_OK, "chardev options parse (%s)", err);
	struct vm vm = { .opt = &o };

	chardev_write(chardev_get(&vm, "f"), "new", 3);
	report(!strcmp(slurp(file), "new"), "a file chardev truncates, as QEMU");
	chardev_write(chardev_get(&vm, "a"), "+x", 2);
	report(!strcmp(slurp(file2), "old+x"), "append=on appends");
	report(chardev_get(&vm, "f") == chardev_get(&vm, "f"), "a chardev is opened once");
	chardev_write(chardev_get(&vm, "n"), "zz", 2);
	report(true, "writing to a null chardev goes nowhere");
	struct chardev *s = chardev_get(&vm, "s");
	int cfd = accept(lfd, NULL, NULL);
	chardev_write(s, "ping", 4);
	char buf[8] = { 0 };
	report(cfd >= 0 && read(cfd, buf, 4) == 4 && !strcmp(buf, "ping"), "a socket client delivers bytes");
	struct chardev *ser = chardev_for_serial(&vm, serial);
	chardev_write(ser, "S", 1);
	snprintf(file, sizeof(file), "%s/serial", dir);
	report(!strcmp(slurp(file), "S"), "-serial file:PATH writes the file");
	report(chardev_for_serial(&vm, "chardev:f") == chardev_get(&vm, "f"), "-serial chardev:ID shares the chardev");
	options_free(&o);
	close(cfd);
	close(lfd);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)!system(cmd);
	return check_summary("test_chardev");
}
