/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h - parsed command line, the option table, the commands. */
#ifndef IPCSCAN_CLI_H
#define IPCSCAN_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ipcscan.h"
#include "scan.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

enum command { CMD_LIST, CMD_GC, CMD_STATS, CMD_COUNT };

/* What an option's argument completes to. */
enum arg_kind { ARG_NONE, ARG_KINDS, ARG_USER, ARG_PID, ARG_DIR, ARG_FILE,
		ARG_COLUMNS, ARG_COLUMN, ARG_DURATION, ARG_GLOB, ARG_HOLDERS,
		ARG_CONTAINER, ARG_NAMESPACE };

/* One value per row of option_table (main() switches on it). */
enum option_id {
	OPT_TYPE, OPT_USER, OPT_PID, OPT_CONTAINER, OPT_JSON, OPT_SOCKET_DIR,
	OPT_TRUST_PIDNS, OPT_NAMESPACE,
	OPT_HOLDERS,
	OPT_ORPHANS, OPT_OUTPUT, OPT_LIST_COLUMNS, OPT_NOHEADINGS, OPT_RAW,
	OPT_BYTES, OPT_SORT, OPT_DRY_RUN, OPT_MIN_AGE, OPT_EXCLUDE,
	OPT_EXCLUDE_FROM, OPT_PROMETHEUS, OPT_OUTPUT_FILE, OPT_HELP,
	OPT_VERSION, OPT_COMPLETION, OPT_ROOT
};

struct option_desc {
	enum option_id id;
	const char *lname;
	char sname;		/* 0 if none */
	enum arg_kind arg;
	const char *argname;	/* for --help, NULL if no argument */
	unsigned cmds;		/* bit per command */
	const char *help;
	bool hidden;
};
#define CMDBIT(c) (1u << (c))
#define ALLCMDS (CMDBIT(CMD_LIST) | CMDBIT(CMD_GC) | CMDBIT(CMD_STATS))

extern const struct option_desc option_table[];	/* lname == NULL ends */
extern const char *const command_names[CMD_COUNT];
extern const char *const command_help[CMD_COUNT];

/* What --help, --version and --completion ask for instead of a command. */
enum early { EARLY_NONE, EARLY_HELP, EARLY_VERSION, EARLY_COMPLETION };

struct cli {
	enum command cmd;
	enum early early;
	int help_cmd;		/* --help of this command; -1: of them all */
	const char *shell;	/* --completion */
	kindmask_t kinds;
	bool kinds_set;		/* -t given (else list hides live unix sockets) */
	uid_t *users;		/* -u, repeatable: any of them */
	size_t nusers;
	pid_t *pids;		/* -p, repeatable: any of them */
	size_t npids;
	const char **containers;	/* -C, repeatable: any of them */
	size_t ncontainers;
	bool json;
	const char **sockdirs;
	size_t nsockdirs;
	const char *root;	/* test builds only: fixture root */
	bool trust_pidns;
	int holders;		/* --holders: enum holders_mode */
	struct ns_scope scope;	/* -N, repeatable: the union */
	bool ipc_limits;	/* not an option: stats reads every IPC
				 * namespace's limits (scan_opts) */

	/* list */
	bool orphans, list_columns, noheadings, raw, bytes;
	char *output;		/* the whole column list (-o, repeatable) */
	bool output_plus;	/* the first -o started with '+': output adds
				 * to the default columns (list picks the set:
				 * --orphans has its own) */
	const char *sort;

	/* gc */
	bool dry_run;
	uint64_t min_age;
	char **excludes;
	size_t nexcludes;

	/* stats */
	bool prometheus;
	const char *output_file;
};

struct scan_ctx;
/* Does @o pass the common filters (-t, -u, -p, -C)? */
bool cli_filter(const struct cli *cli, const struct scan_ctx *ctx,
		const struct obj *o);
/* Print every scan warning to stderr as "ipcscan: warning: ...". */
void cli_print_warnings(const struct scan_ctx *ctx);
/* The same for the warnings from index @from on. */
void cli_print_warnings_from(const struct scan_ctx *ctx, size_t from);
/* Did a -p process or a --socket-dir of the last scan not exist? */
bool cli_named_missing(void);
/* Run the scan with the common options; prints its own error. */
int cli_scan(const struct cli *cli, struct scan_ctx *ctx);

/* The end of a command's output to @f (@r: the renderer's result): 0, or
 * EXIT_RUNTIME after saying why, with the errno of the failed write. */
int cli_finish_output(FILE *f, int r, const char *path);

int cmd_list(const struct cli *cli);
int cmd_gc(const struct cli *cli);
int cmd_stats(const struct cli *cli);

/* Shell completion scripts generated from the tables (hidden option). */
int print_completion(const char *shell);

#endif
