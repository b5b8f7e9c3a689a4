/* tapns.c: run a program with a tap interface of its own, and capture what it sends.
 *
 *   tapns [--capture FILE] [--ethertype 0xNNNN] IFNAME -- PROGRAM ARGS...
 *   tapns --check IFNAME
 *
 * The harness wraps a VMM in it for a virtio-net case: tapns moves into a network
 * namespace of its own (so nothing it does touches the host's network), creates the tap
 * IFNAME there, brings it up, starts capturing, runs PROGRAM (which attaches to the tap by
 * name: -netdev tap,ifname=IFNAME), and when PROGRAM exits writes out the last frames and
 * exits with PROGRAM's status. The namespace, and the tap with it, vanish when the last
 * process in it exits.
 *
 * FILE is a pcap file (LINKTYPE_ETHERNET) of the frames the guest transmitted: for the
 * kernel those arrive as received frames on the tap, so the capture is an AF_PACKET socket
 * bound to the tap that skips the host's own outgoing frames. --ethertype keeps only frames
 * of that type. --check only makes the tap, to learn whether tap cases can run here.
 *
 * Exit status: PROGRAM's (128 + signal when it was killed); TAPNS_EXIT_NO_TAP when the tap
 * cannot be made here (not root, no CAP_NET_ADMIN, no /dev/net/tun), with the reason on
 * stderr as "tapns: tap not permitted: ..."; TAPNS_EXIT_USAGE, TAPNS_EXIT_FAILED or
 * TAPNS_EXIT_EXEC for the rest. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TUN_DEVICE		"/dev/net/tun"
#define TAPNS_EXIT_USAGE	2
#define TAPNS_EXIT_FAILED	70	/* sysexits.h EX_SOFTWARE: a step after the tap failed */
#define TAPNS_EXIT_NO_TAP	77	/* automake's "skipped": no tap can be made here */
#define TAPNS_EXIT_EXEC		127	/* as shells: PROGRAM could not be run */
#define SIGNAL_EXIT_BASE	128	/* as shells: 128 + the signal that killed PROGRAM */

#define PCAP_MAGIC		0xa1b2c3d4u	/* microsecond timestamps, host byte order */
#define PCAP_VERSION_MAJOR	2
#define PCAP_VERSION_MINOR	4
#define PCAP_LINKTYPE_ETHERNET	1
#define FRAME_MAX		65536	/* a tap frame without offloads is at most 64 KiB */
#define NO_CHILD_POLL_MS	100	/* without pidfd_open, how often to look for the exit */

struct pcap_file_header {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_record_header {
	uint32_t ts_sec, ts_usec, caplen, len;
};

static pid_t child = -1;
static unsigned char frame[FRAME_MAX];

static void msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tapns: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void usage(void)
{
	fputs("usage: tapns [--capture FILE] [--ethertype 0xNNNN] IFNAME -- PROGRAM ARGS...\n"
	      "       tapns --check IFNAME\n", stderr);
	exit(TAPNS_EXIT_USAGE);
}

/* Give up on the tap: which step failed, why, and what it needs (cap: the capability
 * the step checks, for a permission error). */
static void no_tap(const char *step, int err, const char *cap)
{
	const char *need = "";
	char buf[96];
	if (err == EPERM || err == EACCES) {
		snprintf(buf, sizeof(buf), geteuid() ? " (needs root, or %s)"
			 : " (root, but without %s here: a container?)", cap);
		need = buf;
	} else if (err == ENOENT || err == ENODEV) {
		need = " (no tun driver: modprobe tun)";
	}
	msg("tap not permitted: %s: %s%s", step, strerror(err), need);
	exit(TAPNS_EXIT_NO_TAP);
}

/* A namespace of our own: the tap, its address-less link and its deletion never touch the
 * host's interfaces, and parallel cases can all call their tap the same name. */
static void enter_own_netns(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		no_tap("unshare(CLONE_NEWNET)", errno, "CAP_SYS_ADMIN");
}

/* Create the tap and make it persistent: a tap without IFF_MULTI_QUEUE takes one file at a
 * time, so ours is closed and the VMM attaches by name, as it does to an admin's tap. */
static void make_tap(const char *ifname)
{
	int fd = open(TUN_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		no_tap("open " TUN_DEVICE, errno, "CAP_NET_ADMIN");
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0)
		no_tap("TUNSETIFF " TUN_DEVICE, errno, "CAP_NET_ADMIN");
	if (ioctl(fd, TUNSETPERSIST, 1) != 0)
		no_tap("TUNSETPERSIST", errno, "CAP_NET_ADMIN");
	close(fd);
}

/* The link must be up, or the kernel drops what the VMM writes before a packet socket
 * sees it. */
static void bring_up(const char *ifname)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		no_tap("SIOCGIFFLAGS", errno, "CAP_NET_ADMIN");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		no_tap("SIOCSIFFLAGS (up)", errno, "CAP_NET_ADMIN");
	close(s);
}

/* Opened before PROGRAM starts, so that no frame it sends can come before the capture. */
static int open_capture_socket(const char *ifname, unsigned ethertype)
{
	unsigned proto = ethertype ? ethertype : ETH_P_ALL;
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(proto));
	if (s < 0)
		no_tap("socket(AF_PACKET)", errno, "CAP_NET_RAW");
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	if (!sll.sll_ifindex || bind(s, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		no_tap("bind(AF_PACKET) to the tap", errno, "CAP_NET_RAW");
	return s;
}

static FILE *open_capture_file(const char *path)
{
	FILE *f = fopen(path, "we");
	if (!f) {
		msg("--capture %s: %s", path, strerror(errno));
		exit(TAPNS_EXIT_FAILED);
	}
	struct pcap_file_header h = {
		.magic = PCAP_MAGIC, .version_major = PCAP_VERSION_MAJOR,
		.version_minor = PCAP_VERSION_MINOR, .snaplen = FRAME_MAX,
		.linktype = PCAP_LINKTYPE_ETHERNET,
	};
	fwrite(&h, sizeof(h), 1, f);
	fflush(f);	/* the file may be a FIFO whose reader wants to see the run begin */
	return f;
}

/* Write every frame waiting on the socket; the host's own outgoing frames (IPv6 router
 * solicitations and the like) are not the guest's and are skipped. */
static void drain(int s, FILE *out)
{
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(s, frame, sizeof(frame), MSG_TRUNC,
				     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return;		/* EAGAIN: nothing left */
		if (from.sll_pkttype == PACKET_OUTGOING || !out)
			continue;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint32_t caplen = (size_t)n > sizeof(frame) ? sizeof(frame) : (uint32_t)n;
		struct pcap_record_header r = {
			.ts_sec = (uint32_t)ts.tv_sec, .ts_usec = (uint32_t)(ts.tv_nsec / 1000),
			.caplen = caplen, .len = (uint32_t)n,
		};
		fwrite(&r, sizeof(r), 1, out);
		fwrite(frame, caplen, 1, out);
		fflush(out);
	}
}

/* Ctrl-C or a kill of tapns alone goes to PROGRAM, so that tapns still writes the
 * capture and returns PROGRAM's status. */
static void forward_signal(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void run_program(char **argv)
{
	/* A tapns that dies (SIGKILL from the harness's timeout) takes PROGRAM with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	execvp(argv[0], argv);
	msg("%s: %s", argv[0], strerror(errno));
	_exit(TAPNS_EXIT_EXEC);
}

static int exit_status_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return SIGNAL_EXIT_BASE + WTERMSIG(status);
}

/* Capture until PROGRAM exits; its exit is seen through a pidfd, so no frame waits for a
 * timer and no SIGCHLD race needs a self-pipe. */
static int capture_until_exit(int s, FILE *out)
{
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	int status;
	for (;;) {
		struct pollfd p[2] = { { .fd = s, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		int n = poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : NO_CHILD_POLL_MS);
		if (n < 0 && errno != EINTR) {
			msg("poll: %s", strerror(errno));
			kill(child, SIGKILL);
		}
		if (n > 0 && (p[0].revents & POLLIN))
			drain(s, out);
		pid_t done = waitpid(child, &status, WNOHANG);
		if (done == child)
			break;
		if (done < 0 && errno != EINTR) {
			msg("waitpid: %s", strerror(errno));
			return TAPNS_EXIT_FAILED;
		}
	}
	drain(s, out);		/* what the guest sent just before PROGRAM exited */
	return exit_status_of(status);
}

int main(int argc, char **argv)
{
	const char *capture = NULL;
	unsigned ethertype = 0;
	int check = 0, i = 1;

	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--check")) {
			check = 1;
		} else if (!strcmp(argv[i], "--capture") && i + 1 < argc) {
			capture = argv[++i];
		} else if (!strcmp(argv[i], "--ethertype") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 0);
			if (*end || v < ETH_P_802_3_MIN || v > 0xffff) {
				msg("--ethertype %s: expected an EtherType, 0x0600 to 0xffff", argv[i]);
				return TAPNS_EXIT_USAGE;
			}
			ethertype = (unsigned)v;
		} else {
			usage();
		}
	}
	if (i >= argc)
		usage();
	const char *ifname = argv[i++];
	if (strlen(ifname) >= IFNAMSIZ) {
		msg("%s: an interface name has at most %d characters", ifname, IFNAMSIZ - 1);
		return TAPNS_EXIT_USAGE;
	}
	if (!check && (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc))
		usage();

	enter_own_netns();
	make_tap(ifname);
	bring_up(ifname);
	int s = open_capture_socket(ifname, ethertype);
	if (check)
		return 0;
	FILE *out = capture ? open_capture_file(capture) : NULL;

	struct sigaction sa = { .sa_handler = forward_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fflush(NULL);
	child = fork();
	if (child < 0) {
		msg("fork: %s", strerror(errno));
		return TAPNS_EXIT_FAILED;
	}
	if (child == 0)
		run_program(argv + i + 1);
	int status = capture_until_exit(s, out);
	if (out && fclose(out) != 0) {
		msg("--capture %s: %s", capture, strerror(errno));
		return TAPNS_EXIT_FAILED;
	}
	return status;
}
