/* SPDX-License-Identifier: GPL-2.0-or-later */
/* saferoot_probe - drive the saferoot module from the integration tests. */

/*
 * Usage: saferoot_probe [-s] [-M MOUNTINFO|-] [-u NAME] [-w] PID REL
 *
 * Opens the root of PID and directory REL below it (for POSIX shm, or
 * with -s as a socket dir), checked against the host mount table
 * MOUNTINFO (default /proc/self/mountinfo; "-": unknown), and prints
 *
 *	root dev=MAJ:MIN ino=N
 *	dir dev=MAJ:MIN ino=N fs=NAME host=none|host-shm|engine-shm|other
 *	via=openat2|walk
 *	entry NAME		(one per entry, sorted)
 *
 * or "skipped: WHY" (exit 3) or "error: WHY" (exit 1). With -u, NAME is
 * stat'ed through the kept directory fd right away. With -w, the probe
 * then prints "waiting" and reads a line from stdin (the test changes
 * the world meanwhile), then prints
 *
 *	recheck: ok | recheck: refused: WHY
 *	again-held: ok dev=MAJ:MIN fs=NAME | again-held: skipped: WHY
 *	again-fresh: ok dev=MAJ:MIN fs=NAME | again-fresh: skipped: WHY
 *
 * (REL opened anew from the held root, and from a new root of PID).
 * Last, with -u: "unlink NAME: removed", "unlink NAME: refused: WHY"
 * or "unlink NAME: error: WHY", through the kept fd after its re-check.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "saferoot.h"

static const char *host_name(enum sr_hostmnt h)
{
	switch (h) {
	case SR_MNT_NONE:	return "none";
	case SR_MNT_HOST_SHM:	return "host-shm";
	case SR_MNT_ENGINE_SHM:	return "engine-shm";
	case SR_MNT_OTHER:	return "other";
	}
	return "?";
}

static const char *fs_name(unsigned long t)
{
	const char *n = sr_fstype_name(t);

	return n ? n : "other";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(int fd)
{
	int dfd = dup(fd);
	DIR *dir = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	if (!dir) {
		printf("error: cannot read the directory: %s\n",
		       strerror(errno));
		return -1;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v || !(v[n++] = strdup(de->d_name)))
			abort();
	}
	closedir(dir);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		printf("entry %s\n", v[i]);
		free(v[i]);
	}
	free(v);
	return 0;
}

/* Open @rel from @r again and print one line "WHAT: ...". */
static void again(const char *what, const struct sr_root *r, const char *rel,
		  enum sr_use use, const struct sr_mounts *m)
{
	char why[SR_WHY_MAX];
	struct sr_dir d;
	int ret = sr_dir_open(r, rel, use, m, &d, why, sizeof(why));

	if (ret) {
		printf("%s: %s: %s\n", what, ret > 0 ? "skipped" : "error",
		       why);
		return;
	}
	printf("%s: ok dev=%u:%u fs=%s\n", what, major(d.dev), minor(d.dev),
	       fs_name(d.fstype));
	sr_dir_close(&d);
}

int main(int argc, char **argv)
{
	const char *mi = "/proc/self/mountinfo", *name = NULL;
	enum sr_use use = SR_USE_SHM;
	struct sr_mounts *m = NULL;
	struct sr_entry ent;
	struct sr_root r;
	struct sr_dir d;
	char why[SR_WHY_MAX];
	bool wait = false;
	pid_t pid;
	int c, ret;

	while ((c = getopt(argc, argv, "sM:u:w")) != -1) {
		switch (c) {
		case 's': use = SR_USE_SOCKDIR; break;
		case 'M': mi = optarg; break;
		case 'u': name = optarg; break;
		case 'w': wait = true; break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: saferoot_probe [-s] [-M MOUNTINFO|-] "
			"[-u NAME] [-w] PID REL\n");
		return 2;
	}
	pid = (pid_t)atoi(argv[optind]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(mi, "-")) {
		ret = sr_mounts_load(mi, &m);
		if (ret) {
			printf("error: cannot load %s: %s\n", mi,
			       strerror(-ret));
			return 1;
		}
	}
	ret = sr_root_open(&r, "/proc", pid, 0, why, sizeof(why));
	if (ret) {
		printf("%s: %s\n", ret > 0 ? "skipped" : "error", why);
		sr_mounts_free(m);
		return ret > 0 ? 3 : 1;
	}
	printf("root dev=%u:%u ino=%llu\n", major(r.dev), minor(r.dev),
	       (unsigned long long)r.ino);
	ret = sr_dir_open(&r, argv[optind + 1], use, m, &d, why, sizeof(why));
	if (ret) {
		printf("%s: %s\n", ret > 0 ? "skipped" : "error", why);
		sr_root_close(&r);
		sr_mounts_free(m);
		return ret > 0 ? 3 : 1;
	}
	printf("dir dev=%u:%u ino=%llu fs=%s host=%s\n", major(d.dev),
	       minor(d.dev), (unsigned long long)d.ino, fs_name(d.fstype),
	       host_name(d.host));
	printf("via=%s\n", d.by_walk ? "walk" : "openat2");
	if (list(d.fd))
		return 1;
	if (name && (ret = sr_entry_stat(&d, name, &ent))) {
		printf("error: cannot stat %s: %s\n", name, strerror(-ret));
		return 1;
	}
	if (wait) {
		struct sr_root fresh;
		char line[64];

		printf("waiting\n");
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		ret = sr_dir_recheck(&d, why, sizeof(why));
		if (ret)
			printf("recheck: refused: %s\n", why);
		else
			printf("recheck: ok\n");
		again("again-held", &r, argv[optind + 1], use, m);
		ret = sr_root_open(&fresh, "/proc", pid, 0, why, sizeof(why));
		if (ret) {
			printf("again-fresh: %s: %s\n",
			       ret > 0 ? "skipped" : "error", why);
		} else {
			again("again-fresh", &fresh, argv[optind + 1], use, m);
			sr_root_close(&fresh);
		}
	}
	if (name) {
		ret = sr_unlink(&d, name, &ent, why, sizeof(why));
		if (!ret)
			printf("unlink %s: removed\n", name);
		else
			printf("unlink %s: %s: %s\n", name,
			       ret > 0 ? "refused" : "error", why);
	}
	sr_dir_close(&d);
	sr_root_close(&r);
	sr_mounts_free(m);
	return 0;
}
