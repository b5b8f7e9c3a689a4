/* test_chardev.c: character back-ends: file (truncate, append=on), null, unix socket client,
 * TCP sockets by host name (client and server), and -serial forms, as the devices use them. */
#include "chardev.h"
#include "check.h"
#include "machine.h"
#include "options.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A TCP listener on every IPv4 address, at a port the kernel picks; returns the port. */
static int tcp_listener(int *fd)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t len = sizeof(in);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(*fd, (struct sockaddr *)&in, sizeof(in)) || listen(*fd, 1) ||
	    getsockname(*fd, (struct sockaddr *)&in, &len))
		return -1;
	return ntohs(in.sin_port);
}

/* A client of host=,port= delivers bytes to the listener lfd. */
static bool tcp_client_works(const char *host, int port, int lfd)
{
	char spec[160];
	snprintf(spec, sizeof(spec), "socket,id=t,host=%s,port=%d", host, port);
	char *argv[] = { "mvm", "-chardev", spec };
	struct options o;
	char err[OPT_ERR_LEN];
	if (options_parse(&o, 3, argv, err) != OPTIONS_OK)
		return false;
	struct vm vm = { .opt = &o };
	struct chardev *c = chardev_get(&vm, "t");
	int cfd = accept(lfd, NULL, NULL);
	chardev_write(c, "tcp", 3);
	chardev_flush();
	char buf[4] = { 0 };
	bool ok = cfd >= 0 && read(cfd, buf, 3) == 3 && !strcmp(buf, "tcp");
	close(cfd);
	close(c->out_fd);
	c->id = "used-client";	/* the next client gets a chardev of its own */
	options_free(&o);
	return ok;
}

/* server=on,wait=off on host=localhost: listening at once, on the loopback address. */
static void check_tcp_server(void)
{
	int probe_fd, port = tcp_listener(&probe_fd);
	close(probe_fd);		/* a port that was free a moment ago */
	char spec[160];
	snprintf(spec, sizeof(spec), "socket,id=srv,host=localhost,port=%d,server=on,wait=off", port);
	char *argv[] = { "mvm", "-chardev", spec };
	struct options o;
	char err[OPT_ERR_LEN];
	report(options_parse(&o, 3, argv, err) == OPTIONS_OK, "a TCP server chardev parses (%s)", err);
	struct vm vm = { .opt = &o };
	struct chardev *c = chardev_get(&vm, "srv");
	/* Wherever localhost put it (127.0.0.1, or ::1 first on some machines): connect there. */
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = -1;
	if (c->listen_fd >= 0 && !getsockname(c->listen_fd, (struct sockaddr *)&ss, &len))
		fd = socket(ss.ss_family, SOCK_STREAM, 0);
	report(fd >= 0 && !connect(fd, (struct sockaddr *)&ss, len),
	       "server=on,wait=off with host=localhost listens at once, on port %d", port);
	close(fd);
	close(c->listen_fd);
	c->id = "used-server";
	options_free(&o);
}

static void check_tcp_by_name(void)
{
	int lfd, port = tcp_listener(&lfd);
	report(port > 0 && tcp_client_works("localhost", port, lfd),
	       "a client with host=localhost connects (getaddrinfo order, IPv6 first or not)");
	report(tcp_client_works("127.0.0.1", port, lfd), "a numeric host still connects");
	char name[256];
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	if (gethostname(name, sizeof(name)) || getaddrinfo(name, NULL, &hints, &res)) {
		printf("SKIP: this machine's host name does not resolve\n");
	} else {
		freeaddrinfo(res);
		report(tcp_client_works(name, port, lfd),
		       "a client with host=<this machine's name> (%s) connects", name);
	}
	close(lfd);
	check_tcp_server();
}

static char *slurp(const char *path)
{
	static char buf[CHARDEV_OUT_BUF * 4];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	return buf;
}

int main(void)
{
	/* First: the chardevs below keep their ids in options freed at the end. */
	check_tcp_by_name();
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

	chardev_write(chardev_get(&vm, "f"), "ne", 2);
	chardev_write(chardev_get(&vm, "f"), "w", 1);
	report(!strcmp(slurp(file), ""), "output is held until the flush (one write per VM exit)");
	chardev_flush();
	report(!strcmp(slurp(file), "new"), "a file chardev truncates, as QEMU");
	chardev_write(chardev_get(&vm, "a"), "+x", 2);
	chardev_flush();
	report(!strcmp(slurp(file2), "old+x"), "append=on appends");
	static char big[CHARDEV_OUT_BUF * 2 + 3];
	memset(big, 'b', sizeof(big) - 1);
	chardev_write(chardev_get(&vm, "f"), big, CHARDEV_OUT_BUF - 1);
	chardev_write(chardev_get(&vm, "f"), big, sizeof(big) - 1 - (CHARDEV_OUT_BUF - 1));
	chardev_flush();
	const char *all = slurp(file);
	report(strlen(all) == 3 + sizeof(big) - 1 && !strncmp(all, "newbbb", 6) &&
	       strspn(all + 3, "b") == sizeof(big) - 1, "writes past the buffer keep every byte in order");
	report(chardev_get(&vm, "f") == chardev_get(&vm, "f"), "a chardev is opened once");
	chardev_write(chardev_get(&vm, "n"), "zz", 2);
	report(true, "writing to a null chardev goes nowhere");
	struct chardev *s = chardev_get(&vm, "s");
	int cfd = accept(lfd, NULL, NULL);
	chardev_write(s, "ping", 4);
	chardev_flush();
	char buf[8] = { 0 };
	report(cfd >= 0 && read(cfd, buf, 4) == 4 && !strcmp(buf, "ping"), "a socket client delivers bytes");
	struct chardev *ser = chardev_for_serial(&vm, serial);
	chardev_write(ser, "S", 1);
	chardev_flush();
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
