/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.c - the commands and the one option table. */
#include "cli.h"

const char *const command_names[CMD_COUNT] = { "list", "gc", "stats" };
const char *const command_help[CMD_COUNT] = {
	"list IPC objects with holders and state (default)",
	"remove orphans older than --min-age",
	"counts, bytes and kernel-limit usage",
};

#define L CMDBIT(CMD_LIST)
#define G CMDBIT(CMD_GC)
#define S CMDBIT(CMD_STATS)

/* The one option table: getopt, --help, the man page check and the shell
 * completions all come from it. */
const struct option_desc option_table[] = {
	{ OPT_TYPE, "type", 't', ARG_KINDS, "KINDS", ALLCMDS,
	  "only these kinds or groups (comma list; repeatable)" },
	{ OPT_USER, "user", 'u', ARG_USER, "USER", ALLCMDS,
	  "only objects owned by USER (name or uid; repeatable)" },
	{ OPT_PID, "pid", 'p', ARG_PID, "PID", ALLCMDS,
	  "only objects PID holds or created (repeatable)" },
	{ OPT_CONTAINER, "container", 'C', ARG_CONTAINER, "WHAT", ALLCMDS,
	  "only objects a container can see (id prefix of 4+ hex digits, "
	  "name, pod name or pod uid), or host: those none sees "
	  "(repeatable)" },
	{ OPT_JSON, "json", 'J', ARG_NONE, NULL, ALLCMDS,
	  "JSON output (schema 1)" },
	{ OPT_SOCKET_DIR, "socket-dir", 0, ARG_DIR, "DIR", ALLCMDS,
	  "look for socket files and FIFOs here (repeatable; replaces "
	  "/run /tmp /var/tmp /dev/shm)" },
	{ OPT_TRUST_PIDNS, "trust-pidns", 0, ARG_NONE, NULL, ALLCMDS,
	  "in a child pid namespace: state that no process outside it uses "
	  "this IPC namespace, /dev/shm, /dev/mqueue or the socket dirs" },
	{ OPT_HOLDERS, "holders", 0, ARG_HOLDERS, "PASS", ALLCMDS,
	  "how holders are found: auto (BPF task iterators from 1000 "
	  "processes on, where they load, else /proc; the default), proc, "
	  "or bpf (BPF wherever it loads; a warning says why not)" },
	{ OPT_NAMESPACE, "namespace", 'N', ARG_NAMESPACE, "SCOPE", ALLCMDS,
	  "which namespaces: all (default as root on the host), self (ours; "
	  "the default otherwise) or a namespace id as in NS (comma list; "
	  "repeatable)" },
	{ OPT_ORPHANS, "orphans", 0, ARG_NONE, NULL, L, "only orphans" },
	{ OPT_OUTPUT, "output", 'o', ARG_COLUMNS, "COLS", L,
	  "columns to show (comma list; +COLS adds to the default; "
	  "repeatable)" },
	{ OPT_LIST_COLUMNS, "list-columns", 0, ARG_NONE, NULL, L,
	  "list the available columns and exit" },
	/* no -n: that is gc's --dry-run, one letter one meaning */
	{ OPT_NOHEADINGS, "noheadings", 0, ARG_NONE, NULL, L,
	  "no header line" },
	{ OPT_RAW, "raw", 'r', ARG_NONE, NULL, L,
	  "raw output: no column alignment" },
	{ OPT_BYTES, "bytes", 'b', ARG_NONE, NULL, L, "sizes in bytes" },
	{ OPT_SORT, "sort", 0, ARG_COLUMN, "COL", L,
	  "sort by column; -COL descending (e.g. -SIZE)" },
	{ OPT_DRY_RUN, "dry-run", 'n', ARG_NONE, NULL, G,
	  "show what would be removed, change nothing" },
	{ OPT_MIN_AGE, "min-age", 0, ARG_DURATION, "DURATION", G,
	  "only objects unused for this long (default 1h; units w d h m s, "
	  "as in 1h30m; 0 allowed)" },
	{ OPT_EXCLUDE, "exclude", 0, ARG_GLOB, "GLOB", G,
	  "never remove a match of name, path or key (repeatable)" },
	{ OPT_EXCLUDE_FROM, "exclude-from", 0, ARG_FILE, "FILE", G,
	  "read exclude globs from FILE, one per line" },
	{ OPT_PROMETHEUS, "prometheus", 0, ARG_NONE, NULL, S,
	  "Prometheus text exposition format" },
	{ OPT_OUTPUT_FILE, "output-file", 0, ARG_FILE, "PATH", S,
	  "write atomically to PATH (temp file + rename)" },
	{ OPT_HELP, "help", 'h', ARG_NONE, NULL, ALLCMDS,
	  "show this help and exit" },
	{ OPT_VERSION, "version", 'V', ARG_NONE, NULL, ALLCMDS,
	  "show the version and exit" },
	{ OPT_COMPLETION, "completion", 0, ARG_NONE, "SHELL", ALLCMDS,
	  "print a bash, zsh or fish completion script", true },
#ifdef IPCSCAN_TEST_HOOKS
	{ OPT_ROOT, "root", 0, ARG_DIR, "DIR", ALLCMDS,
	  "read /proc and /dev below DIR (test builds)", true },
#endif
	{ 0, NULL, 0, ARG_NONE, NULL, 0, NULL },
};

#undef L
#undef G
#undef S
