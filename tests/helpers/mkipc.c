/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkipc - create real IPC objects of every kind for the integration tests. */

/*
 * Usage: mkipc [-c] [-z] hold|leak SPEC...
 *
 *   hold  create the objects, keep them in use, print facts and a final
 *         "ready" line, then sleep until SIGTERM/SIGINT/SIGHUP.  With -c
 *         the objects are removed on the way out; without it nothing is
 *         cleaned up, on purpose.  With -z the main thread then calls
 *         pthread_exit() and a second thread holds on: the process shows
 *         state Z in /proc/PID/stat, with 2 threads, and is alive.
 *   leak  create the objects, use them, let go of them and exit 0,
 *         leaving them behind for a scanner to find.
 *
 * SPEC is KIND[,OPT[=VAL]...][:ARG].  ARG is everything after the first
 * colon, taken verbatim, so names may hold spaces, colons, commas,
 * newlines or bytes that are not UTF-8.
 *
 *   shm:KEY       SysV segment; KEY is a number (0x.. allowed) or "private".
 *                 size=N (4096); attach=no: hold without attaching;
 *                 attach=detach: hold after attaching and detaching (a
 *                 live last user, nattch 0).
 *                 leak: attach, write, detach, exit.
 *   sem:KEY       SysV semaphore set; n=N semaphores (1); hold and leak do
 *                 semop +1 on semaphore 0 unless op=none; wait: a child
 *                 blocks in semop on semaphore 0 (implies op=none).
 *   msg:KEY       SysV queue; hold and leak send one message unless
 *                 op=none; wait: a child blocks in msgrcv (implies op=none).
 *   pshm:NAME     POSIX shm /dev/shm/NAME; size=N (4096);
 *                 via=fd|map|both (fd): keep the descriptor, only a mapping
 *                 (mmap then close), or both.
 *   psem:NAME     named semaphore /dev/shm/sem.NAME (sem_open: a mapping).
 *   mq:NAME       POSIX message queue; maxmsg=N (8), msgsize=N (256),
 *                 send=N messages (0 when held, 1 when leaked);
 *                 notify: register with mq_notify (SIGEV_NONE).
 *   unix:PATH     unix socket bound to PATH ("@name" = abstract);
 *                 type=stream|dgram|seqpacket (stream, listening);
 *                 netns=new: bound by a child in a new network namespace;
 *                 netns=hidden: bound in a new network namespace that
 *                 no process is in (we bind there and return), so only a
 *                 connect probe can tell that the file is bound;
 *                 selfpeer: a dgram socket connected to itself (others
 *                 then get EPERM from connect).
 *                 leak: bind, listen, exit: a stale socket file remains.
 *   unixpair      a connected socketpair (hold only).
 *   fifo:PATH     mkfifo PATH; hold opens it O_RDWR unless open=no;
 *                 leak leaves the FIFO with nobody on it.
 *
 * Options for every kind: as=LABEL (fact prefix, default oN for the Nth
 * SPEC), mode=OCTAL (0600), existing (open, do not create),
 * fdnum=N (hold: move the object's descriptor to number N, leaving a
 * gap in the descriptor table),
 * creator=dead (the object is created and used by a child that exits and
 * is reaped before this process opens it; prints LABEL.cpid).
 *
 * Facts on stdout, one per line: "pid=PID", then LABEL.FIELD=VALUE:
 * id key (SysV), ino (file inode), inode / inode0 inode1 (socket inode),
 * pid (the process holding it when that is not us), waiter, cpid.
 * Errors: one line on stderr, exit 1 (2 for bad usage).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

/* glibc leaves this to the caller. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

enum skind { K_SHM, K_SEM, K_MSG, K_PSHM, K_PSEM, K_MQ, K_UNIX, K_UPAIR,
	     K_FIFO };

static const char *const skind_names[] = {
	[K_SHM] = "shm", [K_SEM] = "sem", [K_MSG] = "msg", [K_PSHM] = "pshm",
	[K_PSEM] = "psem", [K_MQ] = "mq", [K_UNIX] = "unix",
	[K_UPAIR] = "unixpair", [K_FIFO] = "fifo",
};

enum via { VIA_FD, VIA_MAP, VIA_BOTH };

struct spec {
	const char *text;	/* the argument as given, for messages */
	enum skind kind;
	char label[64];
	const char *arg;	/* after the first ':' ("" if none) */

	size_t size;
	unsigned nsems;
	unsigned value;
	mode_t mode;
	bool op_none, wait, existing, creator_dead, notify, netns_new;
	bool netns_hidden, selfpeer;
	int fdnum;		/* 0: leave the descriptor where it is */
	bool no_attach, no_open, detach;
	enum via via;
	int socktype;
	long maxmsg, msgsize;
	long send;		/* -1 = default for the mode */

	/* what we made */
	key_t key;
	int id;
	int fd, fd2;
	void *map;
	size_t maplen;
	sem_t *psem;
	pid_t child;
	bool created;
};

static bool hold_mode;
static bool cleanup_on_exit;
static bool leader_exits;	/* -z */
static bool in_child_role;	/* __creator or __netns */
static pid_t children[256];
static unsigned nchildren;

/* Messages name the spec; escape what would break the one-line rule. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c >= 0x80 || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void __attribute__((noreturn, format(printf, 3, 4)))
die(int code, const struct spec *sp, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	fputs("mkipc: ", stderr);
	if (sp) {
		put_escaped(stderr, sp->text);
		fputs(": ", stderr);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (code == 1 && saved)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	exit(code);
}

#define fail(sp, ...) do { die(1, sp, __VA_ARGS__); } while (0)
#define usage_error(sp, ...) \
	do { errno = 0; die(2, sp, __VA_ARGS__); } while (0)

static void __attribute__((format(printf, 3, 4)))
fact(const struct spec *sp, const char *field, const char *fmt, ...)
{
	va_list ap;

	printf("%s.%s=", sp->label, field);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static bool parse_ull(const char *s, int base, unsigned long long max,
		      unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static unsigned long long opt_num(const struct spec *sp, const char *name,
				  const char *val, int base,
				  unsigned long long max)
{
	unsigned long long v;

	if (!parse_ull(val, base, max, &v))
		usage_error(sp, "bad value for %s: '%s'", name, val ? val : "");
	return v;
}

#define LABEL_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

static void parse_option(struct spec *sp, char *opt)
{
	char *val = strchr(opt, '=');

	if (val)
		*val++ = '\0';

	if (!strcmp(opt, "as")) {
		if (!val || !*val || strlen(val) >= sizeof(sp->label) ||
		    strspn(val, LABEL_CHARS) != strlen(val))
			usage_error(sp, "as= wants a short [A-Za-z0-9_] label");
		strcpy(sp->label, val);
	} else if (!strcmp(opt, "mode")) {
		sp->mode = (mode_t)opt_num(sp, opt, val, 8, 07777);
	} else if (!strcmp(opt, "size")) {
		sp->size = (size_t)opt_num(sp, opt, val, 0, SIZE_MAX);
	} else if (!strcmp(opt, "n")) {
		sp->nsems = (unsigned)opt_num(sp, opt, val, 10, 1000);
		if (!sp->nsems)
			usage_error(sp, "n= must be at least 1");
	} else if (!strcmp(opt, "value")) {
		sp->value = (unsigned)opt_num(sp, opt, val, 10, 32767);
	} else if (!strcmp(opt, "maxmsg")) {
		sp->maxmsg = (long)opt_num(sp, opt, val, 10, 65536);
	} else if (!strcmp(opt, "msgsize")) {
		sp->msgsize = (long)opt_num(sp, opt, val, 10, 1 << 20);
	} else if (!strcmp(opt, "send")) {
		sp->send = (long)opt_num(sp, opt, val, 10, 65536);
	} else if (!strcmp(opt, "op") && val && !strcmp(val, "none")) {
		sp->op_none = true;
	} else if (!strcmp(opt, "wait") && !val) {
		sp->wait = true;
		sp->op_none = true;
	} else if (!strcmp(opt, "existing") && !val) {
		sp->existing = true;
	} else if (!strcmp(opt, "creator") && val && !strcmp(val, "dead")) {
		sp->creator_dead = true;
	} else if (!strcmp(opt, "notify") && !val) {
		sp->notify = true;
	} else if (!strcmp(opt, "netns") && val && !strcmp(val, "new")) {
		sp->netns_new = true;
	} else if (!strcmp(opt, "netns") && val && !strcmp(val, "hidden")) {
		sp->netns_hidden = true;
	} else if (!strcmp(opt, "fdnum") && val) {
		sp->fdnum = (int)opt_num(sp, opt, val, 10, 65535);
	} else if (!strcmp(opt, "selfpeer") && !val) {
		sp->selfpeer = true;
	} else if (!strcmp(opt, "attach") && val && !strcmp(val, "no")) {
		sp->no_attach = true;
	} else if (!strcmp(opt, "attach") && val && !strcmp(val, "detach")) {
		sp->detach = true;
	} else if (!strcmp(opt, "open") && val && !strcmp(val, "no")) {
		sp->no_open = true;
	} else if (!strcmp(opt, "via") && val) {
		if (!strcmp(val, "fd"))
			sp->via = VIA_FD;
		else if (!strcmp(val, "map"))
			sp->via = VIA_MAP;
		else if (!strcmp(val, "both"))
			sp->via = VIA_BOTH;
		else
			usage_error(sp, "via= wants fd, map or both");
	} else if (!strcmp(opt, "type") && val) {
		if (!strcmp(val, "stream"))
			sp->socktype = SOCK_STREAM;
		else if (!strcmp(val, "dgram"))
			sp->socktype = SOCK_DGRAM;
		else if (!strcmp(val, "seqpacket"))
			sp->socktype = SOCK_SEQPACKET;
		else
			usage_error(sp, "type= wants stream, dgram or "
				    "seqpacket");
	} else {
		usage_error(sp, "unknown option '%s'", opt);
	}
}

static key_t parse_key(const struct spec *sp)
{
	unsigned long long v;

	if (!strcmp(sp->arg, "private"))
		return IPC_PRIVATE;
	if (!parse_ull(sp->arg, 0, UINT32_MAX, &v))
		usage_error(sp, "bad key '%s'", sp->arg);
	return (key_t)(uint32_t)v;
}

static void parse_spec(struct spec *sp, const char *text, unsigned index)
{
	char head[256], *tok, *save;
	const char *colon = strchr(text, ':');
	size_t hlen = colon ? (size_t)(colon - text) : strlen(text);
	size_t k;

	memset(sp, 0, sizeof(*sp));
	sp->text = text;
	sp->arg = colon ? colon + 1 : "";
	sp->size = 4096;
	sp->nsems = 1;
	sp->mode = 0600;
	sp->socktype = SOCK_STREAM;
	sp->maxmsg = 8;
	sp->msgsize = 256;
	sp->send = -1;
	sp->id = -1;
	sp->fd = sp->fd2 = -1;
	snprintf(sp->label, sizeof(sp->label), "o%u", index);

	if (hlen >= sizeof(head))
		usage_error(sp, "spec head too long");
	memcpy(head, text, hlen);
	head[hlen] = '\0';

	tok = strtok_r(head, ",", &save);
	if (!tok)
		usage_error(sp, "missing kind");
	for (k = 0; k < sizeof(skind_names) / sizeof(skind_names[0]); k++)
		if (!strcmp(tok, skind_names[k]))
			break;
	if (k == sizeof(skind_names) / sizeof(skind_names[0]))
		usage_error(sp, "unknown kind '%s'", tok);
	sp->kind = (enum skind)k;
	while ((tok = strtok_r(NULL, ",", &save)))
		parse_option(sp, tok);

	if (sp->kind == K_SHM || sp->kind == K_SEM || sp->kind == K_MSG)
		sp->key = parse_key(sp);
	if (in_child_role)
		return;	/* main already checked the spec we were given */
	if (sp->kind != K_UPAIR && !*sp->arg)
		usage_error(sp, "%s needs ':%s'", skind_names[sp->kind],
			    sp->kind <= K_MSG ? "KEY" :
			    sp->kind <= K_MQ ? "NAME" : "PATH");
	if (sp->wait && sp->kind != K_SEM && sp->kind != K_MSG)
		usage_error(sp, "wait is for sem and msg");
	if ((sp->netns_new || sp->netns_hidden) && sp->kind != K_UNIX)
		usage_error(sp, "netns= is for unix");
	if (sp->selfpeer && (sp->kind != K_UNIX || sp->socktype != SOCK_DGRAM))
		usage_error(sp, "selfpeer is for unix,type=dgram");
	if (sp->creator_dead &&
	    (sp->kind == K_UNIX || sp->kind == K_UPAIR || sp->existing))
		usage_error(sp, "creator=dead does not go with this");
	if (!hold_mode && (sp->wait || sp->netns_new || sp->netns_hidden ||
			   sp->kind == K_UPAIR ||
			   sp->creator_dead))
		usage_error(sp, "only 'hold' can do this");
}

/* Names with a leading slash, as shm_open/sem_open/mq_open want them. */
static char *slash_name(const struct spec *sp)
{
	size_t n = strlen(sp->arg);
	char *s = malloc(n + 2);

	if (!s)
		fail(sp, "malloc");
	s[0] = '/';
	memcpy(s + 1, sp->arg, n + 1);
	return s;
}

static void set_cloexec(const struct spec *sp, int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		fail(sp, "fcntl(FD_CLOEXEC)");
}

static void ino_fact(const struct spec *sp, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		fail(sp, "stat of the created file");
	fact(sp, "ino", "%llu", (unsigned long long)st.st_ino);
}

/*
 * Start a helper child: ourselves again with "__child PARENT ROLEARGV...".
 * posix_spawn shares our memory until the exec (CLONE_VM), so the child
 * never inherits a SysV attachment: a fork would, and its detach would
 * overwrite the segment's lpid. Descriptors are all close-on-exec.
 */
static pid_t spawn_self(const struct spec *sp, const char *const roleargv[],
			int outfd)
{
	const char *argv[16];
	char ppid[24];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	pid_t pid;
	size_t i, n = 0;
	int err;

	snprintf(ppid, sizeof(ppid), "%d", (int)getpid());
	argv[n++] = "mkipc";
	argv[n++] = "__child";
	argv[n++] = ppid;
	for (i = 0; roleargv[i] && n < 15; i++)
		argv[n++] = roleargv[i];
	argv[n] = NULL;

	sigemptyset(&none);
	if (posix_spawn_file_actions_init(&fa) || posix_spawnattr_init(&attr))
		fail(sp, "posix_spawn setup");
	if (outfd >= 0 && posix_spawn_file_actions_adddup2(&fa, outfd,
							   STDOUT_FILENO))
		fail(sp, "posix_spawn_file_actions_adddup2");
	if (posix_spawnattr_setsigmask(&attr, &none) ||
	    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK))
		fail(sp, "posix_spawnattr");
	err = posix_spawn(&pid, "/proc/self/exe", &fa, &attr,
			  (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err) {
		errno = err;
		fail(sp, "posix_spawn /proc/self/exe");
	}
	if (nchildren < sizeof(children) / sizeof(children[0]))
		children[nchildren++] = pid;
	return pid;
}

/* First thing a helper child does: die with its parent. */
static void child_prologue(const char *parent)
{
	unsigned long long ppid;

	if (!parse_ull(parent, 10, INT_MAX, &ppid))
		usage_error(NULL, "__child wants the parent pid");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail(NULL, "prctl(PR_SET_PDEATHSIG)");
	/* exec of /proc/self/exe would make our comm "exe". */
	prctl(PR_SET_NAME, "mkipc");
	if (getppid() != (pid_t)ppid)
		exit(1);
}

static void forget_child(pid_t pid)
{
	unsigned i;

	for (i = 0; i < nchildren; i++) {
		if (children[i] == pid) {
			children[i] = children[--nchildren];
			return;
		}
	}
}

/*
 * Run a child whose stdout is a pipe and read its facts until "ready" or
 * EOF. Its "pid=" line becomes LABEL.<pidfield>; "LABEL.id=" is kept in
 * sp->id; other facts are passed on only when @relay. With @until_exit
 * the child must exit 0; otherwise it must say "ready" and keeps running.
 */
static void relay_child(struct spec *sp, const char *const argv[],
			const char *pidfield, bool relay, bool until_exit)
{
	int p[2];
	FILE *in;
	char line[512];
	bool ready = false;
	pid_t pid;
	char idkey[80];
	int status;

	snprintf(idkey, sizeof(idkey), "%s.id=", sp->label);
	if (pipe2(p, O_CLOEXEC) < 0)
		fail(sp, "pipe");
	pid = spawn_self(sp, argv, p[1]);
	close(p[1]);
	in = fdopen(p[0], "r");
	if (!in)
		fail(sp, "fdopen");
	while (fgets(line, sizeof(line), in)) {
		unsigned long long v;

		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "ready")) {
			ready = true;
			break;
		}
		if (!strncmp(line, "pid=", 4)) {
			fact(sp, pidfield, "%s", line + 4);
		} else {
			if (!strncmp(line, idkey, strlen(idkey)) &&
			    parse_ull(line + strlen(idkey), 10, INT_MAX, &v))
				sp->id = (int)v;
			if (relay) {
				puts(line);
				fflush(stdout);
			}
		}
	}
	fclose(in);
	if (until_exit) {
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR)
				fail(sp, "waitpid");
		}
		forget_child(pid);
		errno = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fail(sp, "child %d failed (status 0x%x)", (int)pid,
			     status);
	} else if (!ready) {
		errno = 0;
		fail(sp, "child %d exited before it was ready", (int)pid);
	}
	sp->child = pid;
}

/* Sum of GETNCNT and GETZCNT of semaphore 0: how many wait on it. */
static int sem_waiters(int semid)
{
	int n = semctl(semid, 0, GETNCNT);
	int z = semctl(semid, 0, GETZCNT);

	return n < 0 || z < 0 ? -1 : n + z;
}

/* Wait until PID sleeps in the system call NR (or, where the number is
 * unknown, in any system call), as /proc/PID/syscall shows; for a
 * semaphore, until the kernel counts more than @before waiters. */
static void wait_blocked(const struct spec *sp, pid_t pid, long nr,
			 int semid, int before)
{
	char path[64], buf[128];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	for (i = 0; i < 1000; i++) {
		FILE *f;
		bool in_call = false;
		int st;

		if (waitpid(pid, &st, WNOHANG) == pid) {
			forget_child(pid);
			errno = 0;
			fail(sp, "waiter %d exited (status 0x%x)", (int)pid,
			     st);
		}
		if (semid >= 0) {
			/* The kernel's own count is the best evidence. */
			if (sem_waiters(semid) > before)
				return;
		} else if ((f = fopen(path, "r"))) {
			if (fgets(buf, sizeof(buf), f)) {
				unsigned long long v;
				char *sp_ = strchr(buf, ' ');

				if (sp_)
					*sp_ = '\0';
				if (parse_ull(buf, 10, LONG_MAX, &v))
					in_call = nr < 0 || (long)v == nr;
			}
			fclose(f);
			if (in_call)
				return;
		}
		usleep(5000);
	}
	errno = 0;
	fail(sp, "waiter %d did not block within 5s", (int)pid);
}

static void start_waiter(struct spec *sp)
{
	char idbuf[32];
	const char *argv[4];
	long nr = -1;
	int before = sp->kind == K_SEM ? sem_waiters(sp->id) : 0;

	snprintf(idbuf, sizeof(idbuf), "%d", sp->id);
	argv[0] = "__wait";
	argv[1] = sp->kind == K_SEM ? "sem" : "msg";
	argv[2] = idbuf;
	argv[3] = NULL;
	sp->child = spawn_self(sp, argv, -1);
#ifdef SYS_msgrcv
	if (sp->kind == K_MSG)
		nr = SYS_msgrcv;
#endif
	if (before < 0)
		fail(sp, "semctl(GETNCNT/GETZCNT)");
	wait_blocked(sp, sp->child, nr, sp->kind == K_SEM ? sp->id : -1,
		     before);
	fact(sp, "waiter", "%d", (int)sp->child);
}

/* The first process to use a creator=dead object: a "leak" of the same
 * spec in a child that exits before we go on. */
static void run_creator(struct spec *sp)
{
	const char *argv[4] = { "__creator", sp->label, sp->text, NULL };

	relay_child(sp, argv, "cpid", false, true);
	sp->existing = true;
	sp->created = true;
}

static void do_shm(struct spec *sp)
{
	if (sp->existing && sp->id < 0) {
		sp->id = shmget(sp->key, 0, 0);
		if (sp->id < 0)
			fail(sp, "shmget(existing)");
	} else if (!sp->existing) {
		sp->id = shmget(sp->key, sp->size,
				IPC_CREAT | IPC_EXCL | (int)sp->mode);
		if (sp->id < 0)
			fail(sp, "shmget");
		sp->created = true;
	}
	fact(sp, "id", "%d", sp->id);
	fact(sp, "key", "0x%08x", (unsigned)sp->key);
	if (hold_mode && sp->no_attach)
		return;
	sp->map = shmat(sp->id, NULL, 0);
	if (sp->map == (void *)-1) {
		sp->map = NULL;
		fail(sp, "shmat");
	}
	*(volatile char *)sp->map = 1;
	if (!hold_mode || sp->detach) {
		if (shmdt(sp->map) < 0)
			fail(sp, "shmdt");
		sp->map = NULL;
	}
}

static void do_sem(struct spec *sp)
{
	if (sp->existing && sp->id < 0) {
		sp->id = semget(sp->key, 0, 0);
		if (sp->id < 0)
			fail(sp, "semget(existing)");
	} else if (!sp->existing) {
		sp->id = semget(sp->key, (int)sp->nsems,
				IPC_CREAT | IPC_EXCL | (int)sp->mode);
		if (sp->id < 0)
			fail(sp, "semget");
		sp->created = true;
		if (sp->value) {
			union semun arg = { .val = (int)sp->value };

			/* SETVAL records no pid: still "never operated". */
			if (semctl(sp->id, 0, SETVAL, arg) < 0)
				fail(sp, "semctl(SETVAL)");
		}
	}
	fact(sp, "id", "%d", sp->id);
	fact(sp, "key", "0x%08x", (unsigned)sp->key);
	if (!sp->op_none) {
		struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = 0 };

		if (semop(sp->id, &op, 1) < 0)
			fail(sp, "semop");
	}
	if (sp->wait)
		start_waiter(sp);
}

struct mkipc_msg {
	long mtype;
	char mtext[64];
};

static void do_msg(struct spec *sp)
{
	if (sp->existing && sp->id < 0) {
		sp->id = msgget(sp->key, 0);
		if (sp->id < 0)
			fail(sp, "msgget(existing)");
	} else if (!sp->existing) {
		sp->id = msgget(sp->key, IPC_CREAT | IPC_EXCL | (int)sp->mode);
		if (sp->id < 0)
			fail(sp, "msgget");
		sp->created = true;
	}
	fact(sp, "id", "%d", sp->id);
	fact(sp, "key", "0x%08x", (unsigned)sp->key);
	if (!sp->op_none) {
		struct mkipc_msg m = { .mtype = 1, .mtext = "hello" };

		if (msgsnd(sp->id, &m, 5, IPC_NOWAIT) < 0)
			fail(sp, "msgsnd");
	}
	if (sp->wait)
		start_waiter(sp);
}

static void do_pshm(struct spec *sp)
{
	char *name = slash_name(sp);
	int flags = O_RDWR | O_CLOEXEC;
	struct stat st;

	if (!sp->existing)
		flags |= O_CREAT | O_EXCL;
	sp->fd = shm_open(name, flags, sp->mode);
	if (sp->fd < 0)
		fail(sp, "shm_open");
	if (!sp->existing) {
		sp->created = true;
		if (ftruncate(sp->fd, (off_t)sp->size) < 0)
			fail(sp, "ftruncate");
	}
	if (fstat(sp->fd, &st) < 0)
		fail(sp, "fstat");
	fact(sp, "ino", "%llu", (unsigned long long)st.st_ino);
	if (hold_mode && sp->via != VIA_FD && st.st_size > 0) {
		sp->maplen = (size_t)st.st_size;
		sp->map = mmap(NULL, sp->maplen, PROT_READ | PROT_WRITE,
			       MAP_SHARED, sp->fd, 0);
		if (sp->map == MAP_FAILED) {
			sp->map = NULL;
			fail(sp, "mmap");
		}
		*(volatile char *)sp->map = 1;
	} else if (hold_mode && sp->via != VIA_FD) {
		errno = 0;
		fail(sp, "via=%s needs a non-empty object",
		     sp->via == VIA_MAP ? "map" : "both");
	}
	if (!hold_mode || sp->via == VIA_MAP) {
		close(sp->fd);
		sp->fd = -1;
	}
	free(name);
}

static void do_psem(struct spec *sp)
{
	char *name = slash_name(sp);
	char *path;

	if (sp->existing)
		sp->psem = sem_open(name, 0);
	else
		sp->psem = sem_open(name, O_CREAT | O_EXCL, sp->mode,
				    sp->value);
	if (sp->psem == SEM_FAILED) {
		sp->psem = NULL;
		fail(sp, "sem_open");
	}
	if (!sp->existing)
		sp->created = true;
	if (asprintf(&path, "/dev/shm/sem.%s", sp->arg) < 0)
		fail(sp, "asprintf");
	ino_fact(sp, path);
	free(path);
	if (!hold_mode) {
		sem_close(sp->psem);
		sp->psem = NULL;
	}
	free(name);
}

static void do_mq(struct spec *sp)
{
	char *name = slash_name(sp);
	struct mq_attr attr = { .mq_maxmsg = sp->maxmsg,
				.mq_msgsize = sp->msgsize };
	struct stat st;
	long i, send = sp->send >= 0 ? sp->send : (hold_mode ? 0 : 1);
	mqd_t q;

	if (sp->existing)
		q = mq_open(name, O_RDWR);
	else
		q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, sp->mode, &attr);
	if (q == (mqd_t)-1)
		fail(sp, "mq_open");
	if (!sp->existing)
		sp->created = true;
	sp->fd = (int)q;
	set_cloexec(sp, sp->fd);
	if (fstat(sp->fd, &st) < 0)
		fail(sp, "fstat");
	fact(sp, "ino", "%llu", (unsigned long long)st.st_ino);
	for (i = 0; i < send; i++) {
		if (mq_send(q, "hello", 5, 0) < 0)
			fail(sp, "mq_send");
	}
	if (sp->notify) {
		/* After the sends: a message arriving on an empty queue
		 * would fire the notification and end the registration. */
		struct sigevent sev = { .sigev_notify = SIGEV_NONE };

		if (mq_notify(q, &sev) < 0)
			fail(sp, "mq_notify");
	}
	if (!hold_mode) {
		mq_close(q);
		sp->fd = -1;
	}
	free(name);
}

static void fill_sun(const struct spec *sp, struct sockaddr_un *sun,
		     socklen_t *len)
{
	size_t n = strlen(sp->arg);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		fail(sp, "socket path");
	}
	memcpy(sun->sun_path, sp->arg, n);
	if (sp->arg[0] == '@')
		sun->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			   (sp->arg[0] == '@' ? 0 : 1));
}

static void do_unix(struct spec *sp)
{
	struct sockaddr_un sun;
	socklen_t len;
	struct stat st;
	int old_ns = -1;

	if (sp->netns_new) {
		const char *argv[3] = { "__netns", sp->text, NULL };

		relay_child(sp, argv, "pid", true, false);
		return;
	}
	fill_sun(sp, &sun, &len);
	if (sp->netns_hidden) {
		old_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (old_ns < 0)
			fail(sp, "open /proc/self/ns/net");
		if (unshare(CLONE_NEWNET) < 0)
			fail(sp, "unshare(CLONE_NEWNET)");
	}
	sp->fd = socket(AF_UNIX, sp->socktype | SOCK_CLOEXEC, 0);
	if (sp->fd < 0)
		fail(sp, "socket");
	if (bind(sp->fd, (struct sockaddr *)&sun, len) < 0)
		fail(sp, "bind");
	sp->created = sp->arg[0] != '@';
	if (sp->socktype != SOCK_DGRAM && listen(sp->fd, 16) < 0)
		fail(sp, "listen");
	if (sp->selfpeer && connect(sp->fd, (struct sockaddr *)&sun, len) < 0)
		fail(sp, "connect to itself");
	if (old_ns >= 0) {
		/* the socket alone keeps that namespace alive */
		if (setns(old_ns, CLONE_NEWNET) < 0)
			fail(sp, "setns back");
		close(old_ns);
	}
	if (fstat(sp->fd, &st) < 0)
		fail(sp, "fstat");
	fact(sp, "inode", "%llu", (unsigned long long)st.st_ino);
	if (sp->arg[0] != '@')
		ino_fact(sp, sp->arg);
}

static void do_upair(struct spec *sp)
{
	int sv[2];
	struct stat st;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		fail(sp, "socketpair");
	sp->fd = sv[0];
	sp->fd2 = sv[1];
	if (fstat(sv[0], &st) < 0)
		fail(sp, "fstat");
	fact(sp, "inode0", "%llu", (unsigned long long)st.st_ino);
	if (fstat(sv[1], &st) < 0)
		fail(sp, "fstat");
	fact(sp, "inode1", "%llu", (unsigned long long)st.st_ino);
}

static void do_fifo(struct spec *sp)
{
	if (!sp->existing) {
		if (mkfifo(sp->arg, sp->mode) < 0)
			fail(sp, "mkfifo");
		sp->created = true;
	}
	ino_fact(sp, sp->arg);
	if (hold_mode && !sp->no_open) {
		/* O_RDWR never blocks on Linux, unlike a lone reader. */
		sp->fd = open(sp->arg, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (sp->fd < 0)
			fail(sp, "open");
	}
}

static void make(struct spec *sp)
{
	if (sp->creator_dead)
		run_creator(sp);
	switch (sp->kind) {
	case K_SHM: do_shm(sp); break;
	case K_SEM: do_sem(sp); break;
	case K_MSG: do_msg(sp); break;
	case K_PSHM: do_pshm(sp); break;
	case K_PSEM: do_psem(sp); break;
	case K_MQ: do_mq(sp); break;
	case K_UNIX: do_unix(sp); break;
	case K_UPAIR: do_upair(sp); break;
	case K_FIFO: do_fifo(sp); break;
	}
	if (sp->fdnum && sp->fd >= 0 && sp->fd != sp->fdnum) {
		if (dup3(sp->fd, sp->fdnum, O_CLOEXEC) < 0)
			fail(sp, "dup3 to fdnum");
		close(sp->fd);
		sp->fd = sp->fdnum;
	}
}

/* -c: remove what we created; errors only warn, we are leaving anyway. */
static void remove_created(struct spec *sp)
{
	char *name;

	if (!sp->created)
		return;
	switch (sp->kind) {
	case K_SHM:
		if (sp->map)
			shmdt(sp->map);
		shmctl(sp->id, IPC_RMID, NULL);
		break;
	case K_SEM:
		semctl(sp->id, 0, IPC_RMID);
		break;
	case K_MSG:
		msgctl(sp->id, IPC_RMID, NULL);
		break;
	case K_PSHM:
	case K_PSEM:
	case K_MQ:
		name = slash_name(sp);
		if (sp->kind == K_PSHM)
			shm_unlink(name);
		else if (sp->kind == K_PSEM)
			sem_unlink(name);
		else
			mq_unlink(name);
		free(name);
		break;
	case K_UNIX:
	case K_FIFO:
		unlink(sp->arg);
		break;
	case K_UPAIR:
		break;
	}
}

static void kill_children(void)
{
	unsigned i;

	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGKILL);
	for (i = 0; i < nchildren; i++)
		while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
	nchildren = 0;
}

static void __attribute__((noreturn))
hold_forever(struct spec *specs, int n, const sigset_t *set, bool say_ready)
{
	int i, sig;

	if (say_ready) {
		puts("ready");
		fflush(stdout);
	}
	for (;;) {
		sig = sigwaitinfo(set, NULL);
		if (sig < 0 && errno == EINTR)
			continue;
		if (sig == SIGCHLD) {
			pid_t pid;

			/* A waiter released by a removal exits: reap it so
			 * no zombie pid lingers in /proc. */
			while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
				forget_child(pid);
			continue;
		}
		break;
	}
	kill_children();
	if (cleanup_on_exit)
		for (i = 0; i < n; i++)
			remove_created(&specs[i]);
	exit(0);
}

/* -z: the holding goes on in a second thread (signals stay blocked in
 * both: the holder takes them with sigwaitinfo). */
static struct {
	struct spec *specs;
	int n;
	sigset_t set;
} holder_args;

static void *holder_thread(void *arg)
{
	(void)arg;
	hold_forever(holder_args.specs, holder_args.n, &holder_args.set,
		     false);
}

static void __attribute__((noreturn))
leader_exit(struct spec *specs, int n, const sigset_t *set)
{
	pthread_t t;

	holder_args.specs = specs;
	holder_args.n = n;
	holder_args.set = *set;
	/* ready first: the waiting test sees it before the leader is Z */
	puts("ready");
	fflush(stdout);
	if (pthread_create(&t, NULL, holder_thread, NULL))
		fail(NULL, "pthread_create");
	pthread_exit(NULL);
}

/* Internal: block in semop / msgrcv on an existing object. */
static int cmd_wait(int argc, char **argv)
{
	unsigned long long id;

	if (argc != 4 || !parse_ull(argv[3], 10, INT_MAX, &id))
		usage_error(NULL, "__wait sem|msg ID");
	if (!strcmp(argv[2], "sem")) {
		int val = semctl((int)id, 0, GETVAL);
		/* Decrement a zero semaphore, or wait for a non-zero one to
		 * reach zero: either way we block and the kernel counts us. */
		struct sembuf op = { .sem_num = 0,
				     .sem_op = (short)(val == 0 ? -1 : 0) };

		if (val < 0)
			fail(NULL, "semctl(GETVAL)");
		if (semop((int)id, &op, 1) < 0)
			fail(NULL, "semop");
	} else if (!strcmp(argv[2], "msg")) {
		struct mkipc_msg m;

		/* A type nobody sends: we block even on a non-empty queue. */
		if (msgrcv((int)id, &m, sizeof(m.mtext), 0x7ffffffe, 0) < 0)
			fail(NULL, "msgrcv");
	} else {
		usage_error(NULL, "__wait sem|msg ID");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct spec *specs;
	sigset_t set;
	int i, first, nspecs;

	if (argc >= 4 && !strcmp(argv[1], "__child")) {
		child_prologue(argv[2]);
		argv += 2;
		argc -= 2;
		argv[0] = "mkipc";
	}
	if (argc >= 2 && !strcmp(argv[1], "__wait"))
		return cmd_wait(argc, argv);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	/* Blocked from the start so a TERM during setup is not lost; the
	 * children unblock before exec. */
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (argc == 4 && !strcmp(argv[1], "__creator")) {
		/* A creator=dead child: leak the same spec under its label. */
		struct spec sp;

		hold_mode = false;
		in_child_role = true;
		parse_spec(&sp, argv[3], 0);
		snprintf(sp.label, sizeof(sp.label), "%s", argv[2]);
		sp.creator_dead = false;
		sp.wait = false;
		printf("pid=%d\n", (int)getpid());
		make(&sp);
		fflush(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "__netns")) {
		/* A netns=new child: bind in a network namespace of its own
		 * and hold the socket like any holder. */
		struct spec sp;

		hold_mode = true;
		in_child_role = true;
		parse_spec(&sp, argv[2], 0);
		sp.netns_new = false;
		if (unshare(CLONE_NEWNET) < 0)
			fail(&sp, "unshare(CLONE_NEWNET)");
		printf("pid=%d\n", (int)getpid());
		make(&sp);
		hold_forever(&sp, 1, &set, true);
	}

	first = 1;
	while (first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "-c"))
			cleanup_on_exit = true;
		else if (!strcmp(argv[first], "-z"))
			leader_exits = true;
		else if (!strcmp(argv[first], "--"))
			break;
		else
			usage_error(NULL, "unknown option '%s'", argv[first]);
		first++;
	}
	if (first < argc && !strcmp(argv[first], "--"))
		first++;
	if (first >= argc)
		usage_error(NULL, "usage: mkipc [-c] [-z] hold|leak SPEC...");
	if (!strcmp(argv[first], "hold"))
		hold_mode = true;
	else if (!strcmp(argv[first], "leak"))
		hold_mode = false;
	else
		usage_error(NULL, "unknown mode '%s' (hold or leak)",
			    argv[first]);
	first++;
	nspecs = argc - first;
	if (!hold_mode && nspecs == 0)
		usage_error(NULL, "leak wants at least one SPEC");

	specs = calloc(nspecs ? (size_t)nspecs : 1, sizeof(*specs));
	if (!specs)
		fail(NULL, "calloc");
	/* Parse everything first: a typo must not leave half a setup. */
	for (i = 0; i < nspecs; i++)
		parse_spec(&specs[i], argv[first + i], (unsigned)i + 1);

	printf("pid=%d\n", (int)getpid());
	fflush(stdout);
	for (i = 0; i < nspecs; i++)
		make(&specs[i]);
	if (hold_mode && leader_exits)
		leader_exit(specs, nspecs, &set);
	if (hold_mode)
		hold_forever(specs, nspecs, &set, true);
	fflush(stdout);
	free(specs);
	return 0;
}
