/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_container.c - cgroup path to container, pod and podman names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"

/* Ids as the engines make them: 64 lowercase hex digits. */
#define ID_A "3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef"
#define ID_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD_P "74bfbff1c8283b9b54f5a443051173285e7abf28254bdecf988c2ba345ff3ac0"
#define A12 "3f2a9c1b0d4e"
#define B12 "0123456789ab"
#define P12 "74bfbff1c828"
/* A pod uid, dashed (cgroupfs driver, /var/log/pods) and as kubelet's
 * systemd driver escapes it; a static pod's uid is 32 hex digits. */
#define UID "8c5e5a2e-6d1f-4b9a-9f2e-0c6b7a1d2e3f"
#define UID_ "8c5e5a2e_6d1f_4b9a_9f2e_0c6b7a1d2e3f"
#define SUID "5ca42a0e8bd4dd5b3d8d2ecfd1d0c2a9"

#define KSYS "/kubepods.slice/kubepods-burstable.slice/" \
	"kubepods-burstable-pod" UID_ ".slice"

/* The v1 lines of a hybrid host (like these machines') for a process
 * whose every hierarchy shows @p. */
#define V1(p) "12:rdma:/\n11:hugetlb:" p "\n10:pids:" p "\n9:memory:" p \
	"\n8:cpu,cpuacct:" p "\n1:name=systemd:" p "\n"

struct pcase {
	const char *what;
	const char *text;
	enum ct_engine engine;
	const char *id, *name, *pod_uid, *pod_id;
	bool monitor;
	unsigned depth;
	enum ct_engine inner;
	const char *inner_id, *inner_name;
	const char *display;
};

static const struct pcase cases[] = {
	/* host processes */
	{ "root cgroup", "0::/\n", CT_NONE, .display = "-" },
	{ "init", "0::/init.scope\n", CT_NONE, .display = "-" },
	{ "a service", "0::/system.slice/ssh.service\n", CT_NONE,
	  .display = "-" },
	{ "a session", "0::/user.slice/user-1000.slice/session-3.scope\n",
	  CT_NONE, .display = "-" },
	{ "dockerd itself", "0::/system.slice/docker.service\n", CT_NONE,
	  .display = "-" },
	{ "a user's own app",
	  "0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
	  "app-gnome-firefox-1234.scope\n", CT_NONE, .display = "-" },
	{ "this machine's own file (v2 root, a v1 memory cgroup)",
	  "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
	  "4:memory:/process_api/da320b908ec3b145ebea87bfaf8e3abe\n"
	  "3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n", CT_NONE,
	  .display = "-" },
	{ "no final newline", "0::/system.slice/cron.service", CT_NONE,
	  .display = "-" },

	/* docker */
	{ "docker, systemd driver", "0::/system.slice/docker-" ID_A ".scope\n",
	  CT_DOCKER, ID_A, .depth = 1, .display = "docker:" A12 },
	{ "docker, cgroupfs driver", "0::/docker/" ID_A "\n", CT_DOCKER, ID_A,
	  .depth = 1, .display = "docker:" A12 },
	{ "docker, hybrid host, systemd driver",
	  V1("/system.slice/docker-" ID_A ".scope")
	  "0::/system.slice/docker-" ID_A ".scope\n",
	  CT_DOCKER, ID_A, .depth = 1, .display = "docker:" A12 },
	{ "docker, hybrid host, cgroupfs in v1 only (v2 shows dockerd's)",
	  V1("/docker/" ID_A) "0::/system.slice/docker.service\n",
	  CT_DOCKER, ID_A, .depth = 1, .display = "docker:" A12 },
	{ "docker, v1 only", V1("/docker/" ID_A), CT_DOCKER, ID_A,
	  .depth = 1, .display = "docker:" A12 },
	{ "rootless docker",
	  "0::/user.slice/user-1000.slice/user@1000.service/docker-" ID_A
	  ".scope\n", CT_DOCKER, ID_A, .depth = 1, .display = "docker:" A12 },

	/* Kubernetes, systemd driver */
	{ "k8s containerd, burstable",
	  "0::" KSYS "/cri-containerd-" ID_A ".scope\n", CT_CONTAINERD, ID_A,
	  .pod_uid = UID, .depth = 1, .display = "k8s-pod:" UID },
	{ "k8s containerd, guaranteed",
	  "0::/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-"
	  ID_A ".scope\n", CT_CONTAINERD, ID_A, .pod_uid = UID, .depth = 1,
	  .display = "k8s-pod:" UID },
	{ "k8s cri-o, besteffort",
	  "0::/kubepods.slice/kubepods-besteffort.slice/"
	  "kubepods-besteffort-pod" UID_ ".slice/crio-" ID_A ".scope\n",
	  CT_CRIO, ID_A, .pod_uid = UID, .depth = 1,
	  .display = "k8s-pod:" UID },
	{ "k8s cri-o's conmon",
	  "0::" KSYS "/crio-conmon-" ID_A ".scope\n", CT_CRIO, ID_A,
	  .pod_uid = UID, .monitor = true, .depth = 1,
	  .display = "k8s-pod:" UID },
	{ "k8s cri-dockerd", "0::" KSYS "/docker-" ID_A ".scope\n",
	  CT_DOCKER, ID_A, .pod_uid = UID, .depth = 1,
	  .display = "k8s-pod:" UID },
	{ "k8s pod slice, no container",
	  "0::" KSYS "\n", CT_KUBERNETES, .pod_uid = UID, .depth = 1,
	  .display = "k8s-pod:" UID },
	{ "k8s static pod (32 hex uid)",
	  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
	  SUID ".slice/cri-containerd-" ID_A ".scope\n", CT_CONTAINERD, ID_A,
	  .pod_uid = SUID, .depth = 1, .display = "k8s-pod:" SUID },
	{ "k8s below a cgroup root of kubelet's own",
	  "0::/node.slice" KSYS "/cri-containerd-" ID_A ".scope\n",
	  CT_CONTAINERD, ID_A, .pod_uid = UID, .depth = 1,
	  .display = "k8s-pod:" UID },

	/* Kubernetes, cgroupfs driver */
	{ "k8s cgroupfs, burstable",
	  "0::/kubepods/burstable/pod" UID "/" ID_A "\n", CT_KUBERNETES, ID_A,
	  .pod_uid = UID, .depth = 1, .display = "k8s-pod:" UID },
	{ "k8s cgroupfs, guaranteed",
	  "0::/kubepods/pod" UID "/" ID_A "\n", CT_KUBERNETES, ID_A,
	  .pod_uid = UID, .depth = 1, .display = "k8s-pod:" UID },
	{ "k8s cgroupfs, cri-o",
	  "0::/kubepods/besteffort/pod" UID "/crio-" ID_A "\n", CT_CRIO, ID_A,
	  .pod_uid = UID, .depth = 1, .display = "k8s-pod:" UID },
	{ "k8s cgroupfs, v1 only",
	  V1("/kubepods/burstable/pod" UID "/" ID_A), CT_KUBERNETES, ID_A,
	  .pod_uid = UID, .depth = 1, .display = "k8s-pod:" UID },

	/* podman */
	{ "podman rootful", "0::/machine.slice/libpod-" ID_A ".scope\n",
	  CT_PODMAN, ID_A, .depth = 1, .display = "podman:" A12 },
	{ "podman, crun's container subgroup",
	  "0::/machine.slice/libpod-" ID_A ".scope/container\n",
	  CT_PODMAN, ID_A, .depth = 1, .display = "podman:" A12 },
	{ "podman's conmon", "0::/machine.slice/libpod-conmon-" ID_A
	  ".scope\n", CT_PODMAN, ID_A, .monitor = true, .depth = 1,
	  .display = "podman:" A12 },
	{ "podman in a pod",
	  "0::/machine.slice/machine-libpod_pod_" POD_P ".slice/libpod-" ID_A
	  ".scope\n", CT_PODMAN, ID_A, .pod_id = POD_P, .depth = 1,
	  .display = "podman:" P12 "/" A12 },
	{ "podman rootless",
	  "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
	  ID_A ".scope\n", CT_PODMAN, ID_A, .depth = 1,
	  .display = "podman:" A12 },
	{ "podman rootless, in a pod",
	  "0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
	  "user-libpod_pod_" POD_P ".slice/libpod-" ID_A ".scope\n",
	  CT_PODMAN, ID_A, .pod_id = POD_P, .depth = 1,
	  .display = "podman:" P12 "/" A12 },
	{ "podman cgroupfs", "0::/libpod_parent/libpod-" ID_A "\n", CT_PODMAN,
	  ID_A, .depth = 1, .display = "podman:" A12 },
	{ "podman cgroupfs, in a pod",
	  "0::/libpod_parent/" POD_P "/libpod-" ID_A "\n", CT_PODMAN, ID_A,
	  .pod_id = POD_P, .depth = 1, .display = "podman:" P12 "/" A12 },

	/* systemd-nspawn and machined */
	{ "nspawn payload", "0::/machine.slice/machine-web.scope/payload\n",
	  CT_NSPAWN, .name = "web", .depth = 1, .display = "nspawn:web" },
	{ "nspawn, a service inside",
	  "0::/machine.slice/machine-web.scope/payload/system.slice/"
	  "nginx.service\n", CT_NSPAWN, .name = "web", .depth = 1,
	  .display = "nspawn:web" },
	{ "nspawn, an escaped name",
	  "0::/machine.slice/machine-my\\x2dbox.scope/payload\n", CT_NSPAWN,
	  .name = "my-box", .depth = 1, .display = "nspawn:my-box" },
	{ "nspawn's supervisor",
	  "0::/machine.slice/machine-web.scope/supervisor\n", CT_NSPAWN,
	  .name = "web", .monitor = true, .depth = 1,
	  .display = "nspawn:web" },
	{ "nspawn --keep-unit",
	  "0::/machine.slice/systemd-nspawn@web.service/payload\n", CT_NSPAWN,
	  .name = "web", .depth = 1, .display = "nspawn:web" },
	{ "a machine with no nspawn layout (a VM)",
	  "0::/machine.slice/machine-qemu\\x2d1\\x2dvm.scope\n", CT_MACHINE,
	  .name = "qemu-1-vm", .depth = 1, .display = "machine:qemu-1-vm" },

	/* LXC */
	{ "lxc payload", "0::/lxc.payload.web\n", CT_LXC, .name = "web",
	  .depth = 1, .display = "lxc:web" },
	{ "lxc, init inside", "0::/lxc.payload.web/init.scope\n", CT_LXC,
	  .name = "web", .depth = 1, .display = "lxc:web" },
	{ "lxc monitor", "0::/lxc.monitor.web\n", CT_LXC, .name = "web",
	  .monitor = true, .depth = 1, .display = "lxc:web" },
	{ "old lxc", V1("/lxc/web"), CT_LXC, .name = "web", .depth = 1,
	  .display = "lxc:web" },

	/* nested: the outermost is the attribution */
	{ "docker in lxc",
	  "0::/lxc.payload.web/system.slice/docker-" ID_A ".scope\n", CT_LXC,
	  .name = "web", .depth = 2, .inner = CT_DOCKER, .inner_id = ID_A,
	  .display = "lxc:web>docker:" A12 },
	{ "docker in docker", "0::/system.slice/docker-" ID_A ".scope/docker/"
	  ID_B "\n", CT_DOCKER, ID_A, .depth = 2, .inner = CT_DOCKER,
	  .inner_id = ID_B, .display = "docker:" A12 ">docker:" B12 },
	{ "kind: a pod in a docker container",
	  "0::/system.slice/docker-" ID_A ".scope/kubepods/burstable/pod" UID
	  "/" ID_B "\n", CT_DOCKER, ID_A, .depth = 2, .inner = CT_KUBERNETES,
	  .inner_id = ID_B, .display = "docker:" A12 ">k8s-pod:" UID },
	{ "three deep: the innermost is kept",
	  "0::/machine.slice/machine-web.scope/payload/lxc.payload.c1/"
	  "system.slice/docker-" ID_B ".scope\n", CT_NSPAWN, .name = "web",
	  .depth = 3, .inner = CT_DOCKER, .inner_id = ID_B,
	  .display = "nspawn:web>docker:" B12 },
	{ "a container naming its own cgroup like another engine's",
	  "0::/machine.slice/libpod-" ID_A ".scope/container/system.slice/"
	  "docker-" ID_B ".scope\n", CT_PODMAN, ID_A, .depth = 2,
	  .inner = CT_DOCKER, .inner_id = ID_B,
	  .display = "podman:" A12 ">docker:" B12 },

	/* malformed and hostile */
	{ "empty", "", CT_UNKNOWN, .display = "?" },
	{ "not a cgroup file", "hello\n", CT_UNKNOWN, .display = "?" },
	{ "relative to another cgroup namespace",
	  "0::/../../../../nsx-system.slice/docker-" ID_A ".scope\n",
	  CT_UNKNOWN, .display = "?" },
	{ "a '.' segment", "0::/system.slice/./docker-" ID_A ".scope\n",
	  CT_UNKNOWN, .display = "?" },
	{ "not absolute", "0::system.slice/docker-" ID_A ".scope\n",
	  CT_UNKNOWN, .display = "?" },
	{ "empty path", "0::\n", CT_UNKNOWN, .display = "?" },
	{ "empty segment", "0::/system.slice//docker-" ID_A ".scope\n",
	  CT_UNKNOWN, .display = "?" },
	{ "trailing slash", "0::/system.slice/\n", CT_UNKNOWN,
	  .display = "?" },
	{ "id one short",
	  "0::/system.slice/docker-3f2a9c1b0d4e5f60718293a4b5c6d7e8f9011223344"
	  "5566778899aabbccddee.scope\n", CT_UNKNOWN, .display = "?" },
	{ "id one long", "0::/system.slice/docker-" ID_A "0.scope\n",
	  CT_UNKNOWN, .display = "?" },
	{ "id in upper case",
	  "0::/system.slice/docker-3F2A9C1B0D4E5F60718293A4B5C6D7E8F901122334"
	  "45566778899AABBCCDDEEF.scope\n", CT_UNKNOWN, .display = "?" },
	{ "id not hex",
	  "0::/system.slice/docker-3f2a9c1b0d4e5f60718293a4b5c6d7e8f901122334"
	  "45566778899aabbccddeeg.scope\n", CT_UNKNOWN, .display = "?" },
	{ "a docker-looking scope that is no container",
	  "0::/system.slice/docker-cleanup.scope\n", CT_UNKNOWN,
	  .display = "?" },
	{ "crio-wipe outside a pod is no container",
	  "0::/system.slice/crio-wipe.service\n", CT_NONE, .display = "-" },
	{ "a bare id outside a pod is no container",
	  "0::/system.slice/" ID_A "\n", CT_NONE, .display = "-" },
	{ "two 0:: lines (a cgroup name holding \"\\n0::\")",
	  "0::/user.slice/user-1000.slice/user@1000.service/x\n"
	  "0::/system.slice/docker-" ID_A ".scope\n", CT_UNKNOWN,
	  .display = "?" },
	{ "a newline inside a name makes a line of its own",
	  "0::/user.slice/user-1000.slice/user@1000.service/a\nb\n",
	  CT_UNKNOWN, .display = "?" },
	{ "an empty line inside", "1:cpu:/\n\n0::/\n", CT_UNKNOWN,
	  .display = "?" },
	{ "a NUL byte", "0::/system.slice/docker-" ID_A ".scope\0x\n",
	  CT_UNKNOWN, .display = "?" },
	{ "v2 line with controllers", "0:cpu:/\n", CT_UNKNOWN,
	  .display = "?" },
	{ "v1 line without controllers", "3::/\n", CT_UNKNOWN,
	  .display = "?" },
	{ "hierarchy id not a number", "x::/\n", CT_UNKNOWN,
	  .display = "?" },
	{ "only two fields", "0:/\n", CT_UNKNOWN, .display = "?" },
	{ "CRLF", "0::/\r\n", CT_UNKNOWN, .display = "?" },
	{ "v1 hierarchies naming two containers",
	  "4:memory:/docker/" ID_A "\n3:cpu:/docker/" ID_B "\n0::/\n",
	  CT_UNKNOWN, .display = "?" },
	{ "v2 unknown is not overridden by v1",
	  "4:memory:/docker/" ID_A "\n0::/../x\n", CT_UNKNOWN,
	  .display = "?" },
	{ "v1 only, no container, not a host slice",
	  "4:memory:/process_api/x\n1:name=systemd:/\n", CT_UNKNOWN,
	  .display = "?" },
	{ "v1 only, host", V1("/system.slice/ssh.service"), CT_NONE,
	  .display = "-" },
	{ "an engine not known here", "0::/default/" ID_A "\n", CT_UNKNOWN,
	  .display = "?" },
	{ "machine.slice with no machine", "0::/machine.slice\n", CT_UNKNOWN,
	  .display = "?" },
	{ "kubepods with no pod", "0::/kubepods.slice\n", CT_UNKNOWN,
	  .display = "?" },
	{ "pod uid not a uuid", "0::/kubepods/burstable/pod1234/" ID_A "\n",
	  CT_UNKNOWN, .display = "?" },
	{ "pod uid with both separators",
	  "0::/kubepods.slice/kubepods-pod8c5e5a2e_6d1f-4b9a_9f2e_0c6b7a1d2e3f"
	  ".slice\n", CT_UNKNOWN, .display = "?" },
	{ "pod uid in upper case",
	  "0::/kubepods/pod8C5E5A2E-6D1F-4B9A-9F2E-0C6B7A1D2E3F/" ID_A "\n",
	  CT_UNKNOWN, .display = "?" },
	{ "podman pod id short",
	  "0::/machine.slice/machine-libpod_pod_74bf.slice/libpod-" ID_A
	  ".scope\n", CT_UNKNOWN, .display = "?" },
	{ "lxc name with a blank", "0::/lxc.payload.my box\n", CT_UNKNOWN,
	  .display = "?" },
	{ "lxc name with a control byte", "0::/lxc.payload.a\033[2Jb\n",
	  CT_UNKNOWN, .display = "?" },
	{ "lxc name not ASCII", "0::/lxc.payload.caf\xc3\xa9\n", CT_UNKNOWN,
	  .display = "?" },
	{ "machine name escaping a '/'",
	  "0::/machine.slice/machine-a\\x2fb.scope/payload\n", CT_UNKNOWN,
	  .display = "?" },
	{ "machine name escaping a newline",
	  "0::/machine.slice/machine-a\\x0ab.scope/payload\n", CT_UNKNOWN,
	  .display = "?" },
	{ "machine name with a cut escape",
	  "0::/machine.slice/machine-a\\x2.scope\n", CT_UNKNOWN,
	  .display = "?" },
	{ "machine name with a bad escape",
	  "0::/machine.slice/machine-a\\q2db.scope\n", CT_UNKNOWN,
	  .display = "?" },
};

static void check_case(const struct pcase *c, size_t len)
{
	struct container_ref ref;
	char disp[CT_DISPLAY_MAX];
	size_t dl;

	memset(&ref, 0x5a, sizeof(ref));
	container_parse_cgroup(c->text, len, &ref);
	if (ref.engine != c->engine)
		fail_msg("%s: engine %s, want %s (why: %s)", c->what,
			 ct_engine_name(ref.engine), ct_engine_name(c->engine),
			 ref.engine == CT_UNKNOWN ? ref.why : "-");
	assert_string_equal(ref.id, c->id ? c->id : "");
	assert_string_equal(ref.name, c->name ? c->name : "");
	assert_string_equal(ref.pod_uid, c->pod_uid ? c->pod_uid : "");
	assert_string_equal(ref.pod_id, c->pod_id ? c->pod_id : "");
	assert_string_equal(ref.pod_ns, "");
	assert_string_equal(ref.pod_name, "");
	if (ref.monitor != c->monitor)
		fail_msg("%s: monitor %d", c->what, ref.monitor);
	if (ref.depth != c->depth)
		fail_msg("%s: depth %u, want %u", c->what, ref.depth, c->depth);
	assert_int_equal(ref.inner_engine, c->inner);
	assert_string_equal(ref.inner_id, c->inner_id ? c->inner_id : "");
	assert_string_equal(ref.inner_name, c->inner_name ? c->inner_name : "");
	if (ref.engine == CT_UNKNOWN)
		assert_non_null(ref.why);
	dl = container_display(&ref, disp, sizeof(disp));
	if (strcmp(disp, c->display))
		fail_msg("%s: display '%s', want '%s'", c->what, disp,
			 c->display);
	assert_int_equal(dl, strlen(c->display));
}

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *c = &cases[i];
		/* the NUL-byte case carries its length in the literal */
		size_t len = strlen(c->text);

		if (!strcmp(c->what, "a NUL byte"))
			len += 3;
		print_message("# %s\n", c->what);
		check_case(c, len);
	}
}

/* The parser reads only @len bytes: what follows must not matter, and
 * a file cut in the middle of an id is no longer that container. */
static void test_parse_length(void **state)
{
	static const char t[] = "0::/system.slice/docker-" ID_A ".scope\n"
				"garbage that is not a line";
	struct container_ref ref;
	size_t good = strlen("0::/system.slice/docker-" ID_A ".scope\n");

	(void)state;
	container_parse_cgroup(t, good, &ref);
	assert_int_equal(ref.engine, CT_DOCKER);
	container_parse_cgroup(t, good + 4, &ref);
	assert_int_equal(ref.engine, CT_UNKNOWN);
	/* cut inside the id: "docker-3f2a...", no ".scope", is a segment
	 * of system.slice like any other */
	container_parse_cgroup(t, good - 20, &ref);
	assert_int_equal(ref.engine, CT_NONE);
	/* cut inside ".scope": the same */
	container_parse_cgroup(t, good - 3, &ref);
	assert_int_equal(ref.engine, CT_NONE);
	/* cut inside a pod's container: the pod alone */
	container_parse_cgroup("0::/kubepods/pod" UID "/" ID_A "\n",
			       strlen("0::/kubepods/pod" UID "/" ID_A) - 1,
			       &ref);
	assert_int_equal(ref.engine, CT_KUBERNETES);
	assert_string_equal(ref.pod_uid, UID);
	assert_string_equal(ref.id, "");
}

/* Long input: a path beyond PATH_MAX, a segment beyond NAME_MAX, too
 * many lines, a long but valid path. */
static void test_parse_bounds(void **state)
{
	struct container_ref ref;
	char *t = malloc(70000);
	size_t n;

	(void)state;
	assert_non_null(t);
	n = (size_t)sprintf(t, "0::/system.slice");
	while (n < 4080)
		n += (size_t)sprintf(t + n, "/abcdefghijklmnop");
	sprintf(t + n, "/docker-%s.scope\n", ID_A);
	container_parse_cgroup(t, strlen(t), &ref);
	assert_int_equal(ref.engine, CT_UNKNOWN);

	n = (size_t)sprintf(t, "0::/system.slice");
	while (n < 3900)
		n += (size_t)sprintf(t + n, "/abcdefghijklmnop");
	sprintf(t + n, "/docker-%s.scope\n", ID_A);
	container_parse_cgroup(t, strlen(t), &ref);
	assert_int_equal(ref.engine, CT_DOCKER);

	n = (size_t)sprintf(t, "0::/lxc.payload.");
	memset(t + n, 'a', 250);
	strcpy(t + n + 250, "\n");
	container_parse_cgroup(t, strlen(t), &ref);
	assert_int_equal(ref.engine, CT_UNKNOWN);	/* a name > 127 */
	n = (size_t)sprintf(t, "0::/lxc.payload.");
	memset(t + n, 'a', 127);
	strcpy(t + n + 127, "\n");
	container_parse_cgroup(t, strlen(t), &ref);
	assert_int_equal(ref.engine, CT_LXC);
	assert_int_equal(strlen(ref.name), 127);

	n = (size_t)sprintf(t, "0::/system.slice/");
	memset(t + n, 'a', 256);
	strcpy(t + n + 256, "\n");
	container_parse_cgroup(t, strlen(t), &ref);
	assert_int_equal(ref.engine, CT_UNKNOWN);	/* segment > 255 */

	n = 0;
	for (int i = 0; i < 64; i++)
		n += (size_t)sprintf(t + n, "%d:c%d:/\n", i + 1, i);
	container_parse_cgroup(t, n, &ref);
	assert_int_equal(ref.engine, CT_NONE);		/* 64 lines */
	n = 0;
	for (int i = 0; i < 64; i++)
		n += (size_t)sprintf(t + n, "%d:c%d:/\n", i + 1, i);
	n += (size_t)sprintf(t + n, "0::/\n");
	container_parse_cgroup(t, n, &ref);
	assert_int_equal(ref.engine, CT_UNKNOWN);	/* 65 */

	memset(t, '\n', 70000);
	container_parse_cgroup(t, 70000, &ref);
	assert_int_equal(ref.engine, CT_UNKNOWN);
	free(t);
}

static void test_display_truncates(void **state)
{
	struct container_ref ref;
	char small[8];
	char *big = malloc(CT_DISPLAY_MAX);
	size_t n;

	(void)state;
	container_parse_cgroup("0::/docker/" ID_A "\n",
			       strlen("0::/docker/" ID_A "\n"), &ref);
	n = container_display(&ref, small, sizeof(small));
	assert_int_equal(n, strlen("docker:" A12));
	assert_string_equal(small, "docker:");
	assert_int_equal(container_display(&ref, NULL, 0), n);

	/* The longest form fits CT_DISPLAY_MAX. */
	assert_non_null(big);
	memset(&ref, 0, sizeof(ref));
	ref.engine = CT_CONTAINERD;
	ref.depth = 2;
	memset(ref.pod_ns, 'n', CT_K8S_NS_MAX);
	memset(ref.pod_name, 'p', CT_K8S_NAME_MAX);
	memset(ref.pod_uid, 'u', CT_UID_LEN);
	ref.inner_engine = CT_LXC;
	memset(ref.inner_name, 'l', CT_NAME_MAX);
	n = container_display(&ref, big, CT_DISPLAY_MAX);
	assert_int_equal(n, 4 + CT_K8S_NS_MAX + 1 + CT_K8S_NAME_MAX + 1 + 4 +
			 CT_NAME_MAX);
	assert_int_equal(strlen(big), n);
	free(big);
}

static void test_engine_names(void **state)
{
	(void)state;
	assert_string_equal(ct_engine_name(CT_NONE), "none");
	assert_string_equal(ct_engine_name(CT_UNKNOWN), "unknown");
	assert_string_equal(ct_engine_name(CT_DOCKER), "docker");
	assert_string_equal(ct_engine_name(CT_CONTAINERD), "containerd");
	assert_string_equal(ct_engine_name(CT_CRIO), "cri-o");
	assert_string_equal(ct_engine_name(CT_PODMAN), "podman");
	assert_string_equal(ct_engine_name(CT_KUBERNETES), "kubernetes");
	assert_string_equal(ct_engine_name(CT_NSPAWN), "nspawn");
	assert_string_equal(ct_engine_name(CT_MACHINE), "machine");
	assert_string_equal(ct_engine_name(CT_LXC), "lxc");
}

/* ------------------------------------------------- /var/log/pods names */

static void test_pod_dirname(void **state)
{
	static const struct {
		const char *s, *ns, *name, *uid;
	} ok[] = {
		{ "default_web-0_" UID, "default", "web-0", UID },
		{ "kube-system_kube-apiserver-node1_" SUID, "kube-system",
		  "kube-apiserver-node1", SUID },
		{ "a_b.c.d_" UID, "a", "b.c.d", UID },
	};
	static const char *const bad[] = {
		"", "default", "default_web", "default_web_", "_web_" UID,
		"default__" UID, "default_web_" UID_, "a_b_c_" UID,
		"Default_web_" UID, "default_Web_" UID, "de.fault_web_" UID,
		"-ns_web_" UID, "ns-_web_" UID, "ns_-web_" UID, "ns_web._" UID,
		"ns_web_" UID "0", "ns_web_8c5e5a2e", "ns_we b_" UID,
		"ns_web_8C5E5A2E-6D1F-4B9A-9F2E-0C6B7A1D2E3F",
	};
	char ns[CT_K8S_NS_MAX + 1], name[CT_K8S_NAME_MAX + 1];
	char uid[CT_UID_LEN + 1], buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(k8s_pod_dirname_parse(ok[i].s,
						       strlen(ok[i].s), ns,
						       name, uid), 0);
		assert_string_equal(ns, ok[i].ns);
		assert_string_equal(name, ok[i].name);
		assert_string_equal(uid, ok[i].uid);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!k8s_pod_dirname_parse(bad[i], strlen(bad[i]), ns, name,
					   uid))
			fail_msg("accepted '%s'", bad[i]);

	/* lengths: a 63-byte namespace and a 253-byte name are the most */
	memset(buf, 'n', 63);
	buf[63] = '_';
	memset(buf + 64, 'p', 253);
	sprintf(buf + 64 + 253, "_%s", UID);
	assert_int_equal(k8s_pod_dirname_parse(buf, strlen(buf), ns, name,
					       uid), 0);
	assert_int_equal(strlen(ns), 63);
	assert_int_equal(strlen(name), 253);
	memset(buf, 'n', 64);
	buf[64] = '_';
	sprintf(buf + 65, "p_%s", UID);
	assert_int_equal(k8s_pod_dirname_parse(buf, strlen(buf), ns, name,
					       uid), -EINVAL);
	buf[0] = 'n';
	buf[1] = '_';
	memset(buf + 2, 'p', 254);
	sprintf(buf + 2 + 254, "_%s", UID);
	assert_int_equal(k8s_pod_dirname_parse(buf, strlen(buf), ns, name,
					       uid), -EINVAL);
	/* only @len bytes count */
	assert_int_equal(k8s_pod_dirname_parse("default_web-0_" UID "junk",
					       strlen("default_web-0_" UID),
					       ns, name, uid), 0);
}

/* A fixture tree below a temporary root. */
static char root[] = "/tmp/ipcscan-test-container-XXXXXX";

static void mk(const char *rel, mode_t mode)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (mkdir(p, mode) && errno != EEXIST)
		fail_msg("mkdir %s: %s", p, strerror(errno));
	assert_int_equal(chmod(p, mode), 0);
}

static void put(const char *rel, const char *text, mode_t mode)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	unlink(p);
	f = fopen(p, "w");
	if (!f)
		fail_msg("fopen %s: %s", p, strerror(errno));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void link_(const char *target, const char *rel)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static int tree_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/ipcscan-test-container-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	return chmod(root, 0755);
}

static int tree_teardown(void **state)
{
	(void)state;
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void mk_pods(void)
{
	mk("var", 0755);
	mk("var/log", 0755);
	mk("var/log/pods", 0755);
	mk("var/log/pods/default_web-0_" UID, 0755);
	mk("var/log/pods/default_web-0_" UID "/nginx", 0755);
	put("var/log/pods/default_web-0_" UID "/nginx/0.log", "", 0640);
	mk("var/log/pods/kube-system_kube-apiserver-n1_" SUID, 0755);
	/* not pods: a file, a symlink, names that do not split */
	put("var/log/pods/default_file_11111111-2222-3333-4444-555555555555",
	    "", 0644);
	link_("/etc",
	      "var/log/pods/default_link_66666666-2222-3333-4444-555555555555");
	mk("var/log/pods/a_b_c_77777777-2222-3333-4444-555555555555", 0755);
	mk("var/log/pods/not a pod", 0755);
}

static struct container_ref ref_of(const char *text)
{
	struct container_ref ref;

	container_parse_cgroup(text, strlen(text), &ref);
	return ref;
}

static void display_is(const struct container_ref *ref, const char *want)
{
	char d[CT_DISPLAY_MAX];

	container_display(ref, d, sizeof(d));
	assert_string_equal(d, want);
}

static void test_pod_names(void **state)
{
	struct container_ref ref;
	struct ct_names_status st;
	struct ct_names *nm;

	(void)state;
	mk_pods();
	nm = ct_names_load(root, NULL);
	ct_names_status(nm, &st);
	assert_int_equal(st.pods_err, 0);
	assert_int_equal(st.pods, 2);
	assert_int_equal(st.podman_err, -ENOENT);
	assert_int_equal(st.podman, 0);

	ref = ref_of("0::" KSYS "/cri-containerd-" ID_A ".scope\n");
	container_name(nm, &ref);
	assert_string_equal(ref.pod_ns, "default");
	assert_string_equal(ref.pod_name, "web-0");
	display_is(&ref, "k8s:default/web-0");

	ref = ref_of("0::/kubepods/burstable/pod" SUID "/" ID_A "\n");
	container_name(nm, &ref);
	display_is(&ref, "k8s:kube-system/kube-apiserver-n1");

	/* an unknown uid stays a uid; a symlinked entry names nothing */
	ref = ref_of("0::/kubepods/pod66666666-2222-3333-4444-555555555555/"
		     ID_A "\n");
	container_name(nm, &ref);
	display_is(&ref, "k8s-pod:66666666-2222-3333-4444-555555555555");
	ref = ref_of("0::/kubepods/pod11111111-2222-3333-4444-555555555555/"
		     ID_A "\n");
	container_name(nm, &ref);
	assert_string_equal(ref.pod_name, "");

	/* the inner pod of a nested ref is not named from the host */
	ref = ref_of("0::/system.slice/docker-" ID_A ".scope/kubepods/pod" UID
		     "/" ID_B "\n");
	container_name(nm, &ref);
	display_is(&ref, "docker:" A12 ">k8s-pod:" UID);

	/* NULL names, host and unknown refs: nothing changes */
	ref = ref_of("0::" KSYS "\n");
	container_name(NULL, &ref);
	display_is(&ref, "k8s-pod:" UID);
	ref = ref_of("0::/\n");
	container_name(nm, &ref);
	display_is(&ref, "-");
	ct_names_free(nm);
	ct_names_free(NULL);

	/* /var/log/pods that others may write to, or a symlink: unused */
	mk("var/log/pods", 0777);
	nm = ct_names_load(root, NULL);
	ct_names_status(nm, &st);
	assert_int_equal(st.pods_err, -EPERM);
	assert_int_equal(st.pods, 0);
	ct_names_free(nm);
	mk("var/log/pods", 0755);
	mk("var/log", 0775);
	nm = ct_names_load(root, NULL);
	ct_names_status(nm, &st);
	assert_int_equal(st.pods_err, -EPERM);
	ct_names_free(nm);
	mk("var/log", 0755);

	mk("elsewhere", 0755);
	{
		char a[4096], b[4096];

		snprintf(a, sizeof(a), "%s/var/log/pods", root);
		snprintf(b, sizeof(b), "%s/elsewhere/pods", root);
		assert_int_equal(rename(a, b), 0);
		link_("../../elsewhere/pods", "var/log/pods");
		nm = ct_names_load(root, NULL);
		ct_names_status(nm, &st);
		assert_true(st.pods_err == -ELOOP || st.pods_err == -ENOTDIR);
		assert_int_equal(st.pods, 0);
		ct_names_free(nm);
		/* a symlink higher up: var/log -> elsewhere */
		unlink(a);
		snprintf(a, sizeof(a), "%s/var/log", root);
		assert_int_equal(rmdir(a), 0);
		link_("../elsewhere", "var/log");
		nm = ct_names_load(root, NULL);
		ct_names_status(nm, &st);
		assert_true(st.pods_err == -ELOOP || st.pods_err == -ENOTDIR);
		ct_names_free(nm);
		unlink(a);
	}
}

/* containers.json as podman 4.3.1 wrote it here (one entry as seen,
 * the others made like it), plus entries that must not name anything. */
#define X8(s) s s s s s s s s
#define X64(s) X8(X8(s))
#define PODMAN_JSON \
	"[{\"id\":\"" ID_A "\",\"names\":[\"attrib-one\"]," \
	"\"image\":\"728ae0a28dfe3066d867c0081124f672729ea0272f24d01939e8ff" \
	"37f3456c36\",\"layer\":\"9812dcb49ed6515a8224382c77545c41a00ee231" \
	"201807cd8c792b5cc0165eea\",\"metadata\":\"{\\\"image-name\\\":\\\"" \
	"localhost/attrib-pause:latest\\\",\\\"name\\\":" \
	"\\\"attrib-one\\\"}\"," \
	"\"created\":\"2026-12-02T05:15:43.155957696Z\",\"flags\":" \
	"{\"MountLabel\":\"\",\"ProcessLabel\":\"\"}}," \
	"{\"id\":\"" ID_B "\",\"names\":[\"74bfbff1c828-infra\",\"other\"]}," \
	"{\"id\":\"" POD_P "\",\"names\":[\"bad name\"]}," \
	"{\"id\":\"1234\",\"names\":[\"short-id\"]}," \
	"{\"id\":\"" X64("a") "\"," \
	"\"names\":\"not-a-list\"}," \
	"{\"id\":\"" X64("b") "\"," \
	"\"names\":[\"-dash-first\"]}," \
	"{\"id\":\"" X64("c") "\"," \
	"\"names\":[\"esc\\u001b[2J\"]}," \
	"{\"id\":17,\"names\":[\"x\"]},42,null]"

#define CJ "var/lib/containers/storage/overlay-containers/containers.json"

static void mk_podman(const char *json, mode_t mode)
{
	mk("var", 0755);
	mk("var/lib", 0755);
	mk("var/lib/containers", 0700);
	mk("var/lib/containers/storage", 0700);
	mk("var/lib/containers/storage/overlay-containers", 0700);
	put(CJ, json, mode);
}

static int podman_status(const char *storage, size_t *n)
{
	struct ct_names_status st;
	struct ct_names *nm = ct_names_load(root, storage);

	ct_names_status(nm, &st);
	ct_names_free(nm);
	*n = st.podman;
	return st.podman_err;
}

static void test_podman_names(void **state)
{
	struct container_ref ref;
	struct ct_names_status st;
	struct ct_names *nm;
	char p[4096];
	size_t n;
	int fd;

	(void)state;
	mk_podman(PODMAN_JSON, 0600);
	nm = ct_names_load(root, NULL);
	ct_names_status(nm, &st);
	assert_int_equal(st.podman_err, 0);
	assert_int_equal(st.podman, 2);
	assert_int_equal(st.pods_err, -ENOENT);

	ref = ref_of("0::/machine.slice/libpod-" ID_A ".scope\n");
	container_name(nm, &ref);
	display_is(&ref, "podman:attrib-one");
	ref = ref_of("0::/machine.slice/libpod-conmon-" ID_A ".scope\n");
	container_name(nm, &ref);
	assert_string_equal(ref.name, "attrib-one");
	assert_true(ref.monitor);
	ref = ref_of("0::/machine.slice/machine-libpod_pod_" POD_P
		     ".slice/libpod-" ID_B ".scope\n");
	container_name(nm, &ref);
	display_is(&ref, "podman:" P12 "/74bfbff1c828-infra");
	/* not podman's: a docker id is never named from podman's list */
	ref = ref_of("0::/system.slice/docker-" ID_A ".scope\n");
	container_name(nm, &ref);
	display_is(&ref, "docker:" A12);
	/* refused names leave the short id */
	ref = ref_of("0::/machine.slice/libpod-" POD_P ".scope\n");
	container_name(nm, &ref);
	display_is(&ref, "podman:" P12);
	ct_names_free(nm);

	/* another graphroot */
	mk("store", 0700);
	mk("store/overlay-containers", 0700);
	put("store/overlay-containers/containers.json", PODMAN_JSON, 0644);
	assert_int_equal(podman_status("/store", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(podman_status("/nowhere", &n), -ENOENT);

	/* refused files */
	mk_podman(PODMAN_JSON, 0666);
	assert_int_equal(podman_status(NULL, &n), -EPERM);
	assert_int_equal(n, 0);
	mk_podman(PODMAN_JSON, 0620);
	assert_int_equal(podman_status(NULL, &n), -EPERM);
	mk_podman("{\"id\":\"" ID_A "\"}", 0600);
	assert_int_equal(podman_status(NULL, &n), -EINVAL);
	mk_podman("[{\"id\":\"" ID_A "\",\"names\":[\"x\"]", 0600);
	assert_int_equal(podman_status(NULL, &n), -EINVAL);
	mk_podman("", 0600);
	assert_int_equal(podman_status(NULL, &n), -EINVAL);
	mk_podman("[]", 0600);
	assert_int_equal(podman_status(NULL, &n), 0);
	assert_int_equal(n, 0);

	/* too big (sparse) */
	snprintf(p, sizeof(p), "%s/%s", root, CJ);
	fd = open(p, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CT_STATE_MAX + 1), 0);
	close(fd);
	assert_int_equal(podman_status(NULL, &n), -EFBIG);

	/* a symlink to a good file, and a FIFO (must not block) */
	put("store/good.json", PODMAN_JSON, 0600);
	link_("../../../../../store/good.json", CJ);
	assert_int_equal(podman_status(NULL, &n), -ELOOP);
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(podman_status(NULL, &n), -EINVAL);
	unlink(p);
	/* a symlinked directory on the way */
	put("store/overlay-containers/containers.json", PODMAN_JSON, 0600);
	snprintf(p, sizeof(p), "%s/var/lib/containers/storage/"
		 "overlay-containers", root);
	assert_int_equal(rmdir(p), 0);
	link_("../../../../store/overlay-containers",
	      "var/lib/containers/storage/overlay-containers");
	assert_int_not_equal(podman_status(NULL, &n), 0);
	assert_int_equal(n, 0);
	unlink(p);
}

/* ------------------------------------------------- cgroupns and files */

static void test_cgroupns(void **state)
{
	char p[4096];
	uint64_t ino;

	(void)state;
	mk("proc", 0755);
	mk("proc/self", 0755);
	mk("proc/self/ns", 0755);
	link_("cgroup:[4026531835]", "proc/self/ns/cgroup");
	assert_int_equal(container_cgroupns_initial(root, &ino), 1);
	assert_int_equal(ino, 4026531835ull);
	link_("cgroup:[4026532301]", "proc/self/ns/cgroup");
	assert_int_equal(container_cgroupns_initial(root, &ino), 0);
	assert_int_equal(ino, 4026532301ull);
	link_("ipc:[4026531835]", "proc/self/ns/cgroup");
	assert_int_equal(container_cgroupns_initial(root, &ino), -EINVAL);
	assert_int_equal(ino, 0);
	link_("cgroup:[4026531835", "proc/self/ns/cgroup");
	assert_int_equal(container_cgroupns_initial(root, &ino), -EINVAL);
	link_("cgroup:[]", "proc/self/ns/cgroup");
	assert_int_equal(container_cgroupns_initial(root, &ino), -EINVAL);
	link_("cgroup:[-1]", "proc/self/ns/cgroup");
	assert_int_equal(container_cgroupns_initial(root, &ino), -EINVAL);
	snprintf(p, sizeof(p), "%s/proc/self/ns/cgroup", root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(container_cgroupns_initial(root, &ino), -ENOENT);

	/* the live one reads as a cgroup namespace, whichever */
	assert_true(container_cgroupns_initial("", &ino) >= 0);
	assert_true(ino != 0);
}

static void test_unknown_cgroupns(void **state)
{
	struct container_ref ref = ref_of("0::/docker/" ID_A "\n");

	(void)state;
	container_unknown_cgroupns(&ref);
	assert_int_equal(ref.engine, CT_UNKNOWN);
	assert_non_null(strstr(ref.why, "cgroup namespace"));
	display_is(&ref, "?");
}

static void test_of_pid(void **state)
{
	struct container_ref ref;
	char *big;
	size_t n;

	(void)state;
	mk("proc", 0755);
	mk("proc/42", 0755);
	put("proc/42/cgroup", "0::/system.slice/docker-" ID_A ".scope\n",
	    0444);
	assert_int_equal(container_of_pid(root, 42, &ref), 0);
	assert_int_equal(ref.engine, CT_DOCKER);
	assert_string_equal(ref.id, ID_A);

	/* more than the first read: a v1 host with long paths */
	big = malloc(300000);
	assert_non_null(big);
	n = 0;
	for (int i = 1; i <= 12; i++) {
		n += (size_t)sprintf(big + n, "%d:c%d:/lxc.payload.web", i, i);
		for (int k = 0; k < 200; k++)
			n += (size_t)sprintf(big + n, "/x");
		n += (size_t)sprintf(big + n, "\n");
	}
	assert_true(n > 4096);
	put("proc/42/cgroup", big, 0444);
	assert_int_equal(container_of_pid(root, 42, &ref), 0);
	assert_int_equal(ref.engine, CT_LXC);
	assert_string_equal(ref.name, "web");

	/* beyond any kernel-made file */
	memset(big, 'x', 299999);
	big[299999] = '\0';
	put("proc/42/cgroup", big, 0444);
	assert_int_equal(container_of_pid(root, 42, &ref), 0);
	assert_int_equal(ref.engine, CT_UNKNOWN);
	free(big);

	assert_int_equal(container_of_pid(root, 43, &ref), -ENOENT);
	assert_int_equal(ref.engine, CT_UNKNOWN);
	assert_int_equal(container_of_pid(root, 0, &ref), -EINVAL);
	assert_int_equal(container_of_pid(root, -1, &ref), -EINVAL);

	/* ourselves, live: readable, and whatever it is, it is an answer */
	assert_int_equal(container_of_pid("", getpid(), &ref), 0);
	if (ref.engine == CT_UNKNOWN)
		assert_non_null(ref.why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_length),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_display_truncates),
		cmocka_unit_test(test_engine_names),
		cmocka_unit_test(test_pod_dirname),
		cmocka_unit_test_setup_teardown(test_pod_names, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_podman_names, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_cgroupns, tree_setup,
						tree_teardown),
		cmocka_unit_test(test_unknown_cgroupns),
		cmocka_unit_test_setup_teardown(test_of_pid, tree_setup,
						tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
