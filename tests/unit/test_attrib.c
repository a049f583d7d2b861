/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_attrib.c - objects to containers with synthetic process tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "classify.h"
#include "columns.h"
#include "scan.h"
#include "util.h"

#define HEX_A "3f2a9c1b0d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e"
#define HEX_B "b0b0b0b0c1c1c1c1d2d2d2d2e3e3e3e3f4f4f4f4a5a5a5a5b6b6b6b6c7c7c7c7"
#define HEX_P "9999888877776666555544443333222211110000aaaabbbbccccddddeeeeffff"
#define K8S_UID "0b6e9c1a-1d2e-4f3a-9b8c-7d6e5f4a3b2c"

/* Host namespaces of the synthetic host; containers have their own. */
enum { H_IPC = 100, H_MNT = 200, H_NET = 300 };

/* The scan's sources: ours (the host's), a podman pod's namespaces, a
 * Kubernetes pod's, those of a process nobody can place, and namespaces
 * not known. */
enum { S_HOST, S_POD, S_K8S, S_ODD, S_NONE, S_COUNT };
static struct source srcs[S_COUNT] = {
	[S_HOST] = { .ipc = { -1, H_IPC }, .mnt = { -1, H_MNT },
		     .net = { -1, H_NET } },
	[S_POD] = { .ipc = { -1, 110 }, .mnt = { -1, 210 },
		    .net = { -1, 310 } },
	[S_K8S] = { .ipc = { -1, 120 }, .mnt = { -1, 220 },
		    .net = { -1, 320 } },
	[S_ODD] = { .ipc = { -1, 130 }, .mnt = { -1, 230 },
		    .net = { -1, 330 } },
	[S_NONE] = { .ipc = { -1, 0 }, .mnt = { -1, 0 }, .net = { -1, 0 } },
};

struct tproc {
	pid_t pid;
	uint64_t ipc, mnt, net;
	const char *cgroup;	/* NULL: a host process (not read) */
};

static const struct tproc procs[] = {
	{ 1, H_IPC, H_MNT, H_NET, "0::/init.scope\n" },
	/* docker --ipc=host: the host's IPC namespace, its own others */
	{ 10, H_IPC, 201, 301,
	  "0::/system.slice/docker-" HEX_A ".scope\n" },
	{ 11, H_IPC, 201, 301,
	  "0::/system.slice/docker-" HEX_A ".scope/sub\n" },
	/* podman's conmon runs in the host's namespaces: no attribution */
	{ 20, H_IPC, H_MNT, H_NET,
	  "0::/machine.slice/libpod-conmon-" HEX_B ".scope\n" },
	{ 21, 110, 210, 310,
	  "0::/machine.slice/machine-libpod_pod_" HEX_P ".slice/libpod-"
	  HEX_B ".scope/container\n" },
	/* a Kubernetes pod sharing the host network */
	{ 30, 120, 220, H_NET,
	  "0::/kubepods.slice/kubepods-besteffort.slice/"
	  "kubepods-besteffort-pod0b6e9c1a_1d2e_4f3a_9b8c_7d6e5f4a3b2c.slice/"
	  "cri-containerd-" HEX_A ".scope\n" },
	{ 40, 130, 230, 330, "0::/machine.slice\n" },
	/* namespaces unreadable: in none */
	{ 50, 0, 0, 0, "0::/system.slice/docker-" HEX_B ".scope\n" },
};
#define NPROCS (sizeof(procs) / sizeof(procs[0]))

static struct proc ptab[NPROCS];

/* A context as the scan leaves it, attributed from the table above. */
static void setup_ctx(struct scan_ctx *ctx, bool attribute)
{
	struct attrib *a = &ctx->attrib;
	struct obj *o;

	memset(ctx, 0, sizeof(*ctx));
	ctx->src = srcs;
	ctx->nsrc = S_COUNT;
	for (size_t i = 0; i < NPROCS; i++) {
		ptab[i] = (struct proc){ .pid = procs[i].pid, .ipcns =
					 procs[i].ipc, .mntns = procs[i].mnt,
					 .netns = procs[i].net, .nlwp = 1,
					 .state = 'S', .inspected = true };
		snprintf(ptab[i].comm, sizeof(ptab[i].comm), "p%d",
			 (int)procs[i].pid);
	}
	ctx->procs.v = ptab;
	ctx->procs.n = NPROCS;

	o = objset_add(&ctx->objs, KIND_SHM);	/* 0: host ipc */
	o->id = 1;
	o->cpid = 10;
	o->u.shm.nattch = 0;
	o = objset_add(&ctx->objs, KIND_UNIX);	/* 1: host net */
	o->inode = 5;
	o = objset_add(&ctx->objs, KIND_PSHM);	/* 2: host mnt */
	o->name = xstrdup("x");
	o = objset_add(&ctx->objs, KIND_MSG);	/* 3: the pod's ipc */
	o->id = 2;
	o->src = S_POD;
	o = objset_add(&ctx->objs, KIND_MQUEUE);	/* 4: k8s ipc */
	o->name = xstrdup("q");
	o->src = S_K8S;
	o = objset_add(&ctx->objs, KIND_SEM);	/* 5: nobody's ipc */
	o->id = 3;
	o->src = S_ODD;
	o = objset_add(&ctx->objs, KIND_FIFO);	/* 6: mnt not known */
	o->path = xstrdup("/run/f");
	o->src = S_NONE;
	o = objset_add(&ctx->objs, KIND_PSEM);	/* 7: the pod's mnt */
	o->name = xstrdup("s");
	o->src = S_POD;

	if (!attribute)
		return;
	a->npct = NPROCS;
	a->pct = xmalloc(NPROCS * sizeof(*a->pct));
	for (size_t i = 0; i < NPROCS; i++) {
		struct container_ref ref;

		a->pct[i] = CT_IDX_SKIP;
		if (!attrib_proc_placeable(a, &ptab[i]))
			continue;
		container_parse_cgroup(procs[i].cgroup,
				       strlen(procs[i].cgroup), &ref);
		a->pct[i] = attrib_proc_ct(a, &ref);
	}
	attrib_objects(ctx);
}

static void free_ctx(struct scan_ctx *ctx)
{
	objset_free(&ctx->objs);
	attrib_free(&ctx->attrib);
}

/* The CONTAINER column of object @i. */
static char *column(const struct scan_ctx *ctx, size_t i)
{
	static char buf[512];
	struct render_env env = { .ctx = ctx };
	struct strbuf sb = { 0 };

	column_get(column_find("CONTAINER"), &sb, &ctx->objs.v[i], &env);
	snprintf(buf, sizeof(buf), "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	return buf;
}

static void test_map(void **state)
{
	struct scan_ctx ctx;
	const struct obj *v;

	(void)state;
	setup_ctx(&ctx, true);
	v = ctx.objs.v;
	/* docker (twice, one entry), the pod's container, k8s, "?"; not
	 * pid 50, whose namespaces are not known */
	assert_int_equal(ctx.attrib.n, 4);
	assert_int_equal(ctx.attrib.ns_unread, 1);

	/* the host's IPC namespace: the --ipc=host container only, not
	 * the conmon beside it */
	assert_false(v[0].ct_unknown);
	assert_int_equal(v[0].nct, 1);
	assert_string_equal(column(&ctx, 0), "docker:3f2a9c1b0d4e");
	/* the host network: the k8s pod with hostNetwork */
	assert_int_equal(v[1].nct, 1);
	assert_int_equal(ctx.attrib.v[v[1].ct[0]].ref.engine, CT_CONTAINERD);
	assert_string_equal(column(&ctx, 1),
			    "k8s-pod:" K8S_UID);
	/* the host /dev/shm as the host mount namespace has it: nobody
	 * else is in that mount namespace */
	assert_int_equal(v[2].nct, 0);
	assert_string_equal(column(&ctx, 2), "-");
	/* the pod's namespaces, IPC and mount */
	assert_int_equal(v[3].nct, 1);
	assert_int_equal(ctx.attrib.v[v[3].ct[0]].ref.engine, CT_PODMAN);
	assert_string_equal(ctx.attrib.v[v[3].ct[0]].ref.pod_id, HEX_P);
	assert_int_equal(v[7].nct, 1);
	assert_int_equal(v[7].ct[0], v[3].ct[0]);
	/* k8s's IPC namespace */
	assert_int_equal(v[4].nct, 1);
	assert_string_equal(ctx.attrib.v[v[4].ct[0]].ref.pod_uid, K8S_UID);
	/* a process no engine pattern places: an entry "?" */
	assert_int_equal(v[5].nct, 1);
	assert_int_equal(ctx.attrib.v[v[5].ct[0]].ref.engine, CT_UNKNOWN);
	assert_string_equal(column(&ctx, 5), "?");
	assert_false(v[5].ct_unknown);
	/* a namespace not known: unknown, not host */
	assert_true(v[6].ct_unknown);
	assert_int_equal(v[6].nct, 0);
	assert_string_equal(column(&ctx, 6), "?");
	free_ctx(&ctx);
}

/* Several containers in one namespace: each once, in display order. */
static void test_shared(void **state)
{
	struct scan_ctx ctx;
	struct container_ref ref;
	const char *cg = "0::/docker/" HEX_B "\n";

	(void)state;
	setup_ctx(&ctx, true);
	/* a second container joins the host's IPC namespace */
	container_parse_cgroup(cg, strlen(cg), &ref);
	ctx.attrib.pct[0] = attrib_add(&ctx.attrib, &ref);	/* pid 1 */
	attrib_objects(&ctx);
	assert_int_equal(ctx.objs.v[0].nct, 2);
	assert_string_equal(column(&ctx, 0),
			    "docker:3f2a9c1b0d4e,docker:b0b0b0b0c1c1");
	free_ctx(&ctx);
}

/* A file other mount namespaces see too (a tmpfs two containers share,
 * the host's /dev/shm bound into a --ipc=host container): their
 * containers as well, each once, in display order. */
static void test_views(void **state)
{
	struct scan_ctx ctx;
	struct obj *v;
	uint64_t both[] = { 201, 210, 999 }, docker[] = { 201 },
		 pod[] = { 210 };

	(void)state;
	setup_ctx(&ctx, true);
	v = ctx.objs.v;
	v[2].dev = v[7].dev = 7;
	v[2].ino = 42;
	v[7].ino = 43;
	ctx.views.sets = xcalloc(3, sizeof(*ctx.views.sets));
	ctx.views.nsets = 3;
	ctx.views.sets[0] = (struct view_set){ both, 3 };
	ctx.views.sets[1] = (struct view_set){ docker, 1 };
	ctx.views.sets[2] = (struct view_set){ pod, 1 };
	/* the host's /dev/shm file: seen from the docker container's and
	 * the pod's mount namespaces and from one nobody is in; and again
	 * from the docker container's (a file reached twice) */
	pairmap_put(&ctx.views.map, 7, 42, 0);
	pairmap_put(&ctx.views.map, 7, 42, 1);
	/* the pod's file, also seen by the docker container (and again
	 * from its own namespace) */
	pairmap_put(&ctx.views.map, 7, 43, 1);
	pairmap_put(&ctx.views.map, 7, 43, 2);
	/* a SysV segment is no file: views never apply */
	v[0].dev = 7;
	v[0].ino = 42;
	attrib_objects(&ctx);
	assert_int_equal(v[2].nct, 2);
	assert_string_equal(column(&ctx, 2),
			    "docker:3f2a9c1b0d4e,podman:999988887777/b0b0b0b0c1c1");
	assert_int_equal(v[7].nct, 2);
	assert_string_equal(column(&ctx, 7), column(&ctx, 2));
	assert_int_equal(v[0].nct, 1);
	assert_string_equal(column(&ctx, 0), "docker:3f2a9c1b0d4e");
	pairmap_free(&ctx.views.map);
	free(ctx.views.sets);
	free_ctx(&ctx);
}

static void test_cgroupns_unknown(void **state)
{
	struct scan_ctx ctx;

	(void)state;
	setup_ctx(&ctx, true);
	ctx.attrib.unknown = true;
	attrib_objects(&ctx);
	for (size_t i = 0; i < ctx.objs.n; i++) {
		assert_true(ctx.objs.v[i].ct_unknown);
		assert_int_equal(ctx.objs.v[i].nct, 0);
		assert_false(attrib_match(&ctx.attrib, &ctx.objs.v[i],
					  "host"));
		assert_false(attrib_match(&ctx.attrib, &ctx.objs.v[i],
					  "3f2a"));
	}
	free_ctx(&ctx);
}

static void test_match(void **state)
{
	struct scan_ctx ctx;
	const struct obj *v;
	const struct attrib *a;

	(void)state;
	setup_ctx(&ctx, true);
	v = ctx.objs.v;
	a = &ctx.attrib;
	/* id prefix: 4 hex digits or more */
	assert_true(attrib_match(a, &v[0], "3f2a"));
	assert_true(attrib_match(a, &v[0], HEX_A));
	assert_false(attrib_match(a, &v[0], "3f2"));
	assert_false(attrib_match(a, &v[0], "3f2b"));
	assert_false(attrib_match(a, &v[0], "host"));
	/* the podman pod by its pod id prefix, the container by its id */
	assert_true(attrib_match(a, &v[3], "9999"));
	assert_true(attrib_match(a, &v[3], "b0b0b0"));
	assert_false(attrib_match(a, &v[3], "3f2a"));
	/* k8s by pod uid */
	assert_true(attrib_match(a, &v[4], K8S_UID));
	assert_false(attrib_match(a, &v[4], "0b6e9c1a-1d2e"));
	/* host: no container; unknown matches nothing */
	assert_true(attrib_match(a, &v[2], "host"));
	assert_false(attrib_match(a, &v[5], "host"));
	assert_false(attrib_match(a, &v[6], "host"));
	free_ctx(&ctx);

	assert_int_equal(attrib_what_check("host"), 0);
	assert_int_equal(attrib_what_check("3f2a"), 0);
	assert_int_equal(attrib_what_check("abc"), 0);	/* a name */
	assert_int_equal(attrib_what_check("default/web"), 0);
	assert_int_equal(attrib_what_check(""), -EINVAL);
	assert_int_equal(attrib_what_check("a b"), -EINVAL);
	assert_int_equal(attrib_what_check("a\tb"), -EINVAL);
	assert_int_equal(attrib_what_check("a\nb"), -EINVAL);
	assert_int_equal(attrib_what_check("caf\xc3\xa9"), -EINVAL);
}

/* Attribution is a label: the same objects with and without containers
 * classify the same, state and reason. */
static void test_not_evidence(void **state)
{
	struct classify_policy pol = { 0 };
	struct scan_ctx with, without;
	time_t now = 1800000000;

	(void)state;
	setup_ctx(&without, false);
	setup_ctx(&with, true);
	assert_int_equal(with.objs.n, without.objs.n);
	for (size_t i = 0; i < with.objs.n; i++) {
		struct obj *a = &with.objs.v[i], *b = &without.objs.v[i];

		classify(a, &with.procs, &pol, now);
		classify(b, &without.procs, &pol, now);
		assert_int_equal(a->state, b->state);
		assert_string_equal(a->reason, b->reason);
	}
	/* and attributing after classification leaves them alone */
	for (size_t i = 0; i < with.objs.n; i++) {
		enum state s = with.objs.v[i].state;
		char r[REASON_LEN];

		memcpy(r, with.objs.v[i].reason, sizeof(r));
		attrib_objects(&with);
		assert_int_equal(with.objs.v[i].state, s);
		assert_memory_equal(with.objs.v[i].reason, r, sizeof(r));
	}
	assert_true(with.objs.v[0].nct > 0);
	assert_int_equal(without.objs.v[0].nct, 0);
	free_ctx(&with);
	free_ctx(&without);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_cgroupns_unknown),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_not_evidence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
