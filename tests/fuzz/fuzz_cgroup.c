/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_cgroup.c - libFuzzer target: /proc/PID/cgroup, pod log dir names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Empty, or exactly @len lowercase hex digits. */
static void check_hex(const char *s, size_t len)
{
	size_t n = strlen(s);

	if (n && n != len)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			abort();
}

/* Printable ASCII without blanks: what a display column may hold. */
static void check_printable(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ns[CT_K8S_NS_MAX + 1], name[CT_K8S_NAME_MAX + 1];
	char uid[CT_UID_LEN + 1], disp[CT_DISPLAY_MAX];
	struct container_ref ref;
	size_t n;

	/* Not NUL-terminated: the parser is given a length. */
	memset(&ref, 0xa5, sizeof(ref));
	container_parse_cgroup((const char *)data, size, &ref);
	if (ref.engine == CT_UNKNOWN ? !ref.why : ref.why != NULL)
		abort();
	if ((ref.engine == CT_NONE || ref.engine == CT_UNKNOWN) !=
	    (ref.depth == 0))
		abort();
	if ((ref.depth > 1) != (ref.inner_engine != CT_NONE))
		abort();
	check_hex(ref.id, CT_ID_LEN);
	check_hex(ref.pod_id, CT_ID_LEN);
	check_hex(ref.inner_id, CT_ID_LEN);
	check_printable(ref.name);
	check_printable(ref.inner_name);
	check_printable(ref.pod_uid);
	n = strlen(ref.pod_uid);
	if (n && n != 32 && n != CT_UID_LEN)
		abort();
	n = container_display(&ref, disp, sizeof(disp));
	if (n != strlen(disp) || n >= CT_DISPLAY_MAX)
		abort();
	check_printable(disp);

	if (k8s_pod_dirname_parse((const char *)data, size, ns, name, uid) ==
	    0) {
		if (!ns[0] || !name[0] || strchr(ns, '_') || strchr(name, '_'))
			abort();
		check_printable(ns);
		check_printable(name);
		if (strlen(uid) != 32 && strlen(uid) != CT_UID_LEN)
			abort();
	}
	return 0;
}
