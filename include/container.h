/* SPDX-License-Identifier: GPL-2.0-or-later */
/* container.h - attribution of a process to a container, from the host. */
#ifndef IPCSCAN_CONTAINER_H
#define IPCSCAN_CONTAINER_H

/*
 * Which container does a process belong to? The answer comes from the
 * text of /proc/PID/cgroup alone (no daemon is asked), plus names that
 * the host keeps in files: /var/log/pods for Kubernetes pods, podman's
 * containers.json for rootful podman containers.
 *
 * The patterns are those of ../shared/NAMESPACES.md section 6 (each with
 * its source there): docker with the systemd and cgroupfs drivers,
 * containerd, cri-o and cri-dockerd under Kubernetes with either kubelet
 * cgroup driver, podman rootful (systemd and cgroupfs) and rootless,
 * systemd-nspawn, LXC (4+ and the older /lxc/NAME). A container segment
 * is looked for anywhere in the path, since engines put sub-cgroups below
 * it (crun's "container", nspawn's "payload") and kubelet or dockerd may
 * themselves run in a container.
 *
 * Nested containers (dockerd inside an LXC container, kind's pods inside
 * a docker container): the OUTERMOST container is the attribution. It is
 * the one the host's operator sees and acts on (docker ps, lxc stop), the
 * one whose names the host's state files have, and the one a process
 * cannot lie about: cgroup names below it are made by whoever runs inside
 * the container, while the container's own segment is outside its cgroup
 * namespace. The innermost container is kept as well (inner_*) and the
 * display form shows both ("lxc:web>docker:3f2a9c1b0d4e").
 *
 * Not recognised (CT_UNKNOWN, or CT_NONE below a host slice): engines
 * started with a cgroup parent of the operator's choosing (docker and
 * podman --cgroup-parent), containerd without Kubernetes (nerdctl's
 * "nerdctl-ID.scope", ctr's "/NAMESPACE/ID"), and anything else not in
 * NAMESPACES.md section 6. LXC's "-NNNN" retry suffix stays in the name:
 * it cannot be told from a name that ends that way.
 *
 * Attribution is a label for people and for -C selection. It is not
 * evidence: a user owns the cgroup subtree below user@UID.service and can
 * name cgroups there as a rootless engine would. Never let it decide
 * whether an object is an orphan.
 *
 * Everything here is pure or reads below a root prefix ("" for the live
 * system), so unit tests use fixture trees. Nothing prints.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ct_engine {
	CT_NONE,	/* a host process: /, system.slice, user.slice... */
	CT_UNKNOWN,	/* cannot tell; ref->why says why */
	CT_DOCKER,
	CT_CONTAINERD,
	CT_CRIO,
	CT_PODMAN,
	CT_KUBERNETES,	/* a Kubernetes pod whose runtime the path does
			 * not name (cgroupfs driver: .../pod<UID>/<id>) */
	CT_NSPAWN,
	CT_MACHINE,	/* machine-NAME.scope with no nspawn payload or
			 * supervisor below: a machined machine, maybe a VM */
	CT_LXC,
};

#define CT_ID_LEN	64	/* the full id of docker, containerd, cri-o,
				 * podman containers and podman pods */
#define CT_SHORT_ID	12	/* the id as docker ps / podman ps show it */
#define CT_UID_LEN	36	/* a Kubernetes pod uid, dashed UUID form */
#define CT_NAME_MAX	127	/* LXC, nspawn, podman names; longer ones are
				 * refused (podman: left unnamed) */
#define CT_K8S_NS_MAX	63	/* a DNS label */
#define CT_K8S_NAME_MAX	253	/* a DNS subdomain */
/* Room for container_display() of any ref. */
#define CT_DISPLAY_MAX	(2 * (CT_K8S_NS_MAX + CT_K8S_NAME_MAX + 16) + 2)

/*
 * One attribution (about 900 bytes: callers that keep one per process
 * should keep one per distinct cgroup path instead). Strings are
 * NUL-terminated and "" when not known; every one that is set has been
 * validated: ids are lowercase hex of CT_ID_LEN, a pod uid is 36 chars
 * (8-4-4-4-12 hex, dashes) or 32 hex (static pods), names are printable
 * ASCII without blanks or '/'.
 */
struct container_ref {
	enum ct_engine engine;
	/* The engine's monitor for this container, not its payload: podman's
	 * and cri-o's conmon, LXC's monitor, nspawn's supervisor. It usually
	 * runs in the host's namespaces, so the namespaces it is in are not
	 * the container's. */
	bool monitor;
	char id[CT_ID_LEN + 1];
	char name[CT_NAME_MAX + 1];	/* nspawn, machine, lxc: from the
					 * path; podman: container_name() */
	char pod_uid[CT_UID_LEN + 1];	/* Kubernetes */
	char pod_id[CT_ID_LEN + 1];	/* a podman pod */
	char pod_ns[CT_K8S_NS_MAX + 1];	/* Kubernetes, container_name() */
	char pod_name[CT_K8S_NAME_MAX + 1];
	/* How many containers deep the process is: 1 in a container, 2 in a
	 * container in a container, 0 for CT_NONE and CT_UNKNOWN. */
	unsigned depth;
	/* The innermost container when depth > 1 (else CT_NONE, ""). */
	enum ct_engine inner_engine;
	char inner_id[CT_ID_LEN + 1];
	char inner_name[CT_NAME_MAX + 1];
	char inner_pod_uid[CT_UID_LEN + 1];
	/* CT_UNKNOWN only: a static string for a diagnostic. */
	const char *why;
};

/*
 * Parse the text of /proc/PID/cgroup (@len bytes, need not be
 * NUL-terminated) into *@ref. Always fills *@ref: CT_NONE, CT_UNKNOWN
 * (with why) or a container.
 *
 * The cgroup v2 line "0::PATH" decides. On a hybrid host, where a v1
 * engine (docker with cgroupfs on v1, say) moves its processes in the v1
 * hierarchies only, a container found in the v1 lines wins over a v2 line
 * that shows a host cgroup, as long as all v1 lines that show one agree
 * (never over a v2 line that is unknown). A v1-only host is read from its
 * v1 lines: a container if they agree on one, the host if every line is
 * a host path, else unknown.
 *
 * A host path is "/" or one below /init.scope, /system.slice or
 * /user.slice that holds no container segment. A scope or slice whose
 * name is an engine's ("docker-X.scope", "libpod-X.scope",
 * "kubepods-...-podX.slice", "lxc.payload.X"...) is a container wherever
 * it is; the bare cgroupfs forms (an id alone, "crio-X") only below their
 * parent (/docker, a kubepods pod, /libpod_parent).
 *
 * UNKNOWN for: a file that is not a list of "N:CONTROLLERS:PATH" lines
 * (the kernel refuses '\n' in cgroup names, but a forged line must not
 * count), two "0::" lines, a path that is not absolute, has empty, "." or
 * ".." segments (a reader in another cgroup namespace sees /../..), a
 * segment longer than 255 bytes or a path longer than 4095, NUL bytes,
 * more than 64 lines; an engine's segment whose id, pod uid or name does
 * not validate ("docker-cleanup.scope" too: it is no host unit either); a
 * path in no container and outside the host paths, such as /machine.slice
 * or /kubepods alone, or an engine not known here (nerdctl's /default/X).
 */
void container_parse_cgroup(const char *text, size_t len,
			    struct container_ref *ref);

/*
 * Is the reader (ipcscan) in the initial cgroup namespace? Compares
 * readlink(@root/proc/self/ns/cgroup) with the initial namespace's fixed
 * inode (CGROUP_NS_INIT_INO). 1 yes, 0 no, -errno when it cannot be told
 * (take it as no). Outside the initial cgroup namespace, every path reads
 * relative to ours: callers must then make every attribution CT_UNKNOWN
 * (container_unknown_cgroupns()) and warn once. *@ino gets the namespace's
 * inode, or 0.
 */
int container_cgroupns_initial(const char *root, uint64_t *ino);

/* Make *@ref the "we sit in a cgroup namespace" unknown. */
void container_unknown_cgroupns(struct container_ref *ref);

/*
 * Read /proc/PID/cgroup below @root and parse it. 0, or -errno when the
 * file cannot be read (the process went away: -ENOENT or -ESRCH); *@ref
 * is CT_UNKNOWN then.
 */
int container_of_pid(const char *root, int pid, struct container_ref *ref);

/*
 * Names the host has without asking a daemon, loaded once per scan:
 * - Kubernetes pods: the directories @root/var/log/pods/NS_NAME_UID
 *   (kubelet's BuildPodLogsDirectory). Namespace and pod names cannot hold
 *   '_', the uid is a UUID (or 32 hex for a static pod), so a name with
 *   other than exactly two '_', or any part that does not validate, is
 *   skipped.
 * - rootful podman: @root/@podman_storage/overlay-containers/containers.json
 *   (containers/storage's list: "id" and "names"; verified with podman
 *   4.3.1 on Debian 12). @podman_storage NULL means podman's default
 *   graphroot, /var/lib/containers/storage. Pod names are not in it (they
 *   live in libpod's bolt database), nor are rootless containers' (in each
 *   user's home, a file that user controls).
 * Files are opened one component at a time with O_NOFOLLOW below @root,
 * must be regular files (directories for /var/log/pods) not writable by
 * group or others, and containers.json at most CT_STATE_MAX bytes. A
 * source that is missing or refused is simply not used: ct_names_load
 * never fails, and ct_names_status() tells what happened to each.
 */
#define CT_STATE_MAX	(8u << 20)

struct ct_names;

struct ct_names *ct_names_load(const char *root, const char *podman_storage);
void ct_names_free(struct ct_names *names);

/* What loading found: pods and podman containers named, and 0, -ENOENT
 * (no such state: no kubelet, no podman) or another -errno for each. */
struct ct_names_status {
	size_t pods, podman;
	int pods_err, podman_err;
};
void ct_names_status(const struct ct_names *names, struct ct_names_status *st);

/*
 * Fill in the names *@ref lacks from @names: pod_ns and pod_name from its
 * pod_uid, name from a podman container id (of a monitor too). The inner
 * container of a nested ref is not named: the host's state does not
 * describe it. @names may be NULL.
 */
void container_name(const struct ct_names *names, struct container_ref *ref);

/*
 * Split a /var/log/pods directory name "NAMESPACE_NAME_UID" into its
 * parts; 0 or -EINVAL. The buffers are CT_K8S_NS_MAX+1, CT_K8S_NAME_MAX+1
 * and CT_UID_LEN+1 bytes; the uid comes back in the dashed form.
 */
int k8s_pod_dirname_parse(const char *s, size_t len, char *ns, char *name,
			  char *uid);

/*
 * The CONTAINER column: "-" for a host process, "?" for unknown, else
 * docker:SHORTID, podman:NAME (or SHORTID; in a pod POD12/NAME),
 * k8s:NS/POD once named, k8s-pod:UID before, containerd:SHORTID and
 * crio:SHORTID outside a pod, nspawn:NAME, machine:NAME, lxc:NAME; a
 * nested container adds ">" and the innermost one's form. Always
 * NUL-terminates a non-empty @buf; returns the length the whole form
 * needs (like snprintf), at most CT_DISPLAY_MAX - 1.
 */
size_t container_display(const struct container_ref *ref, char *buf,
			 size_t len);

/* "docker", "containerd", "cri-o", "podman", "kubernetes", "nspawn",
 * "machine", "lxc"; "none" and "unknown". For JSON. */
const char *ct_engine_name(enum ct_engine e);

#endif
