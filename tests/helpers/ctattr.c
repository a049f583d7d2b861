/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctattr.c - test helper: the container attribution of processes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "parse.h"

/*
 * ctattr [--root DIR] [--podman-storage DIR] PID...
 *
 * A small caller of container.h, as the scan will be one: it checks the
 * cgroup namespace first, then prints per PID one line
 *   PID DISPLAY engine=E id=ID name=N pod_uid=U pod_id=P pod=NS/NAME
 *       monitor=0|1 depth=D inner=E:ID:NAME why=...
 * (fields "-" when empty). --root is the prefix of the state files
 * (/var/log/pods, podman's containers.json); /proc and the cgroup
 * namespace are always the live ones. Exit 0, 1 if a PID cannot be read,
 * 2 on a usage error.
 */

static const char *d(const char *s)
{
	return s && *s ? s : "-";
}

int main(int argc, char **argv)
{
	const char *root = "", *storage = NULL;
	struct ct_names_status st;
	struct ct_names *names;
	uint64_t ino;
	int i = 1, rc = 0, ns;

	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--root"))
			root = argv[i + 1];
		else if (!strcmp(argv[i], "--podman-storage"))
			storage = argv[i + 1];
		else
			goto usage;
	}
	if (i >= argc)
		goto usage;
	ns = container_cgroupns_initial("", &ino);
	printf("cgroupns=%s ino=%llu\n", ns > 0 ? "initial" :
	       ns == 0 ? "other" : "error", (unsigned long long)ino);
	names = ct_names_load(root, storage);
	ct_names_status(names, &st);
	printf("pods=%zu pods_err=%d podman=%zu podman_err=%d\n", st.pods,
	       st.pods_err, st.podman, st.podman_err);
	for (; i < argc; i++) {
		char disp[CT_DISPLAY_MAX];
		struct container_ref ref;
		uint64_t pid;
		int r;

		if (parse_u64(argv[i], &pid) || !pid || pid > 1u << 22)
			goto usage;
		r = container_of_pid("", (int)pid, &ref);
		if (r) {
			fprintf(stderr, "ctattr: %s: %s\n", argv[i],
				strerror(-r));
			rc = 1;
			continue;
		}
		if (ns <= 0)
			container_unknown_cgroupns(&ref);
		container_name(names, &ref);
		container_display(&ref, disp, sizeof(disp));
		printf("%s %s engine=%s id=%s name=%s pod_uid=%s pod_id=%s "
		       "pod=%s%s%s monitor=%d depth=%u inner=%s:%s:%s why=%s\n",
		       argv[i], disp, ct_engine_name(ref.engine), d(ref.id),
		       d(ref.name), d(ref.pod_uid), d(ref.pod_id),
		       d(ref.pod_ns), ref.pod_ns[0] ? "/" : "",
		       ref.pod_ns[0] ? ref.pod_name : "", ref.monitor,
		       ref.depth, ct_engine_name(ref.inner_engine),
		       d(ref.inner_id), d(ref.inner_name), d(ref.why));
	}
	ct_names_free(names);
	return rc;
usage:
	fprintf(stderr, "usage: ctattr [--root DIR] [--podman-storage DIR] "
		"PID...\n");
	return 2;
}
