#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_container_scan.sh - list, gc and stats name the containers that can see
# each object (src/attrib.c): processes in cgroups named as docker's,
# containerd's under Kubernetes and podman's (cgroups.sh) share the test's
# IPC, network or mount namespace with objects; -C selects by id prefix,
# name, pod name, pod uid and host; stats counts per container; and the
# states are the same with and without the containers.
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
# shellcheck source=tests/integration/cgroups.sh
. "$T_LIBDIR/cgroups.sh"

ID_A=3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef
ID_B=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ID_P=aaaabbbbccccddddeeeeffff00001111222233334444555566667777888899990
ID_P=${ID_P:0:64}
UID1=8c5e5a2e-6d1f-4b9a-9f2e-0c6b7a1d2e3f

[ "$(readlink /proc/self/ns/cgroup)" = "cgroup:[4026531835]" ] ||
	t_skip_all "this test does not run in the initial cgroup namespace"

# The names the host keeps, in this test's mount namespace only: a pod
# log directory (kubelet) and rootful podman's containers.json.
{ mount -t tmpfs -o mode=0755 none /var/log &&
	mkdir -p "/var/log/pods/default_web-0_$UID1"; } ||
	t_bail "cannot make /var/log/pods"
ST=/var/lib/containers/storage/overlay-containers
{ mount -t tmpfs -o mode=0755 none /var/lib && mkdir -p "$ST" &&
	printf '[{"id":"%s","names":["leaker"]}]\n' "$ID_B" \
		>"$ST/containers.json" &&
	chmod 0600 "$ST/containers.json"; } || t_bail "cannot make containers.json"

# Objects of every namespace type: SysV and a queue (IPC), /dev/shm and a
# FIFO (mount), a listening socket (network); one held, the rest leaked.
hold live shm:0x5a11 pshm:live.shm unix:/run/live.sock
leak gone shm:0x5a12 sem:0x5a13 msg:0x5a14 pshm:gone.shm mq:gone.q \
	fifo:/run/gone.fifo

# kind, name, state and reason of every object, sorted: the same before
# and after the containers appear (one clock for both, so that "unused
# for" reads the same; a test build takes IPCSCAN_TEST_NOW, and for any
# other build the durations are blanked: a second may pass in between).
NOW=$(($(date +%s) + 100))
states() {
	IPCSCAN_TEST_NOW=$NOW ipcscan list -t all --json 2>/dev/null |
		jq -c '[.objects[] | [.kind, (.id // .name // .path //
			.inode), .state,
			(.reason | gsub("unused for [0-9a-z]+"; "unused for T"))]] |
			sort'
}
before=$(states)
list_json -t all
t_jq "no container yet: every object is a host object" \
	'[.objects[] | .containers == []] | all'

# docker --ipc=host: our IPC namespace, its own mount and network ones.
in_cg "system.slice/docker-$ID_A.scope" unshare --mount --net sleep 1000
# a Kubernetes pod with hostNetwork (containerd, systemd driver): our
# network namespace, and an IPC namespace of its own where it holds a
# segment (the host-wide scan, -N all, reads it there)
KS=kubepods.slice/kubepods-burstable.slice/kubepods-burstable
in_cg "$KS-pod${UID1//-/_}.slice/cri-containerd-$ID_A.scope" \
	unshare --ipc --mount "$MKIPC" hold shm:0x5a21
# a podman container in a pod, in our network namespace too
POD=machine.slice/machine-libpod_pod_$ID_P.slice
in_cg "$POD/libpod-$ID_B.scope/container" unshare --ipc --mount sleep 1000
# podman's conmon runs in all our namespaces: it attributes nothing
in_cg "machine.slice/libpod-conmon-$ID_B.scope" sleep 1000
sleep 0.2

list_json -t all
t_jq "SysV objects and the queue: the docker container only" \
	'[.objects[] | select(.kind == "shm" or .kind == "sem" or
	   .kind == "msg" or .kind == "mqueue") | .containers ==
	   [{"engine":"docker","id":$a,"name":null,"pod":null,"pod_id":null,
	     "pod_namespace":null}]] | all' --arg a "$ID_A"
t_jq "the unix socket: the Kubernetes pod and the podman container" \
	'[.objects[] | select(.kind == "unix" and .path == "/run/live.sock")
	  | .containers | map(.engine)] == [["containerd","podman"]]'
t_jq "the pod is named from /var/log/pods" \
	'[.objects[] | .containers[]? | select(.engine == "containerd") |
	  [.pod, .pod_namespace, .pod_id]] | unique ==
	  [["web-0","default",$u]]' --arg u "$UID1"
t_jq "the podman container is named from containers.json, its pod id kept" \
	'[.objects[] | .containers[]? | select(.engine == "podman") |
	  [.name, .pod_id, .id]] | unique == [["leaker",$p,$b]]' \
	--arg p "$ID_P" --arg b "$ID_B"
t_jq "/dev/shm files and the FIFO: host objects (conmon does not count)" \
	'[.objects[] | select(.kind == "pshm" or .kind == "fifo") |
	  .containers == []] | all and length == 3'

# The pod's own IPC namespace, scanned host-wide: its segment is the
# pod's, and no other container's (made once mkipc is up).
for _ in $(seq 200); do
	ipcscan list -N all -t shm --json 2>/dev/null |
		jq -e 'any(.objects[]; .key == "0x00005a21")' >/dev/null && break
	sleep 0.05
done
list_json -N all -t shm
t_jq "-N all: the segment in the pod's own IPC namespace is the pod's" \
	'[.objects[] | select(.key == "0x00005a21") | .containers |
	  map(.engine)] == [["containerd"]]'
t_jq "-N all: the segments of our IPC namespace stay docker's" \
	'[.objects[] | select(.key != "0x00005a21") | .containers |
	  map(.engine)] == [["docker"],["docker"]]'

t_is "$(states)" "$before" \
	"states and reasons are the same with the containers as without"

# The CONTAINER column.
col() {
	ipcscan list -t "$1" -o KIND,ID/NAME,CONTAINER -r --noheadings \
		2>/dev/null
}
t_like "$(col shm | head -1)" "^shm [0-9]+ docker:${ID_A:0:12}\$" \
	"CONTAINER: docker:SHORTID"
t_like "$(col unix | grep /run/live.sock)" \
	" k8s:default/web-0,podman:${ID_P:0:12}/leaker\$" \
	"CONTAINER: a comma list, pods as pod/container"
t_like "$(col pshm | head -1)" " -\$" "CONTAINER: - for a host object"

# -C selections.
sel() {
	ipcscan list -t all --json "$@" 2>/dev/null |
		jq -c '[.objects[] | .kind] | sort'
}
t_is "$(sel -C "${ID_A:0:4}")" '["mqueue","msg","sem","shm","shm","unix"]' \
	"-C id prefix (4 hex): docker's objects and the pod's socket (same id)"
t_is "$(sel -C "${ID_A:0:3}")" '[]' "-C with 3 hex digits is no id prefix"
t_is "$(sel -C leaker)" '["unix"]' "-C container name"
t_is "$(sel -C web-0)" '["unix"]' "-C pod name"
t_is "$(sel -C "$UID1")" '["unix"]' "-C pod uid"
t_is "$(sel -C "${ID_P:0:8}")" '["unix"]' "-C podman pod id prefix"
t_is "$(sel -C host)" '["fifo","pshm","pshm"]' "-C host: what no container sees"
t_is "$(sel -C host -C leaker)" '["fifo","pshm","pshm","unix"]' \
	"-C repeated: any of them"
t_usage "bad -C value" "bad container 'a b'" list -C 'a b'
t_usage "empty -C value" "bad container ''" list -C ''

# gc with -C: only the selected orphans, by the same evidence.
out=$(ipcscan gc -n --min-age 0 --json -C host 2>/dev/null)
t_is "$(jq -c '[.actions[] | select(.action == "would-remove") | .kind]
	| sort' <<<"$out")" '["pshm"]' \
	"gc -C host: the host's orphans only (a FIFO never is one)"
out=$(ipcscan gc -n --min-age 0 --json -C "${ID_A:0:12}" 2>/dev/null)
t_is "$(jq -c '[.actions[] | select(.action == "would-remove") | .kind]
	| sort' <<<"$out")" '["mqueue","msg","sem","shm"]' \
	"gc -C docker id: that container's orphans"

# stats per container.
st=$(ipcscan stats --json 2>/dev/null)
want='[["docker:'${ID_A:0:12}'",5,4],["k8s:default/web-0",1,0],'
want+='["podman:'${ID_P:0:12}'/leaker",1,0]]'
t_is "$(jq -c '[.containers[] | [.container, .count, .orphan]]' <<<"$st")" \
	"$want" "stats --json: counts per container"
t_is "$(jq -c '[.host.count, .host.orphan, .unattributed.count]' <<<"$st")" \
	"[3,1,0]" "stats --json: the host's and unattributed objects"
t_like "$(ipcscan stats 2>/dev/null)" \
	$'\nCONTAINER +COUNT .*\ndocker:'"${ID_A:0:12}"' +5 +1 +4 ' \
	"stats table: a row per container"
prom=$(ipcscan stats --prometheus 2>/dev/null)
t_like "$prom" \
	'ipcscan_engine_objects\{engine="docker",state="orphan"\} 4' \
	"prometheus: per engine"
series='ipcscan_container_orphans\{engine="docker",'
series+='container="docker:'${ID_A:0:12}'"\} 4'
t_like "$prom" "$series" "prometheus: per container where it sees orphans"
t_is "$(grep -c '^ipcscan_container_orphans{' <<<"$prom")" 1 \
	"prometheus: no series for a container without orphans"

t_done
