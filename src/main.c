/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - options -> command; usage, version, exit codes. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "columns.h"
#include "excludes.h"
#include "fsutil.h"
#include "kinds.h"
#include "outstream.h"
#include "parse.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"

#define HELP_WIDTH 80

/* Help lines stay within 80 columns: text past @col wraps to @col. */
static void put_wrapped(FILE *out, const char *left, int col, const char *text)
{
	int pos = fprintf(out, " %-*s ", col - 2, left);
	const char *p = text;

	if (pos > col) {	/* a left part too wide: the text goes below */
		fprintf(out, "\n%*s", col, "");
		pos = col;
	}
	while (*p) {
		const char *w = p;
		int len;

		while (*w && *w != ' ')
			w++;
		len = (int)(w - p);
		if (pos > col && pos + 1 + len > HELP_WIDTH) {
			fprintf(out, "\n%*s", col, "");
			pos = col;
		} else if (pos > col) {
			fputc(' ', out);
			pos++;
		}
		fprintf(out, "%.*s", len, p);
		pos += len;
		p = *w ? w + 1 : w;
	}
	fputc('\n', out);
}

static void usage_options(FILE *out, int c)
{
	fprintf(out, "\n%s%s:\n", c < 0 ? "Common options" : "Options for ",
		c < 0 ? "" : command_names[c]);
	for (const struct option_desc *o = option_table; o->lname; o++) {
		char left[64];
		bool common = o->cmds == ALLCMDS;

		if (o->hidden || (c < 0) != common ||
		    (c >= 0 && !(o->cmds & CMDBIT(c))))
			continue;
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 o->sname ? "-" : "   ", o->sname ? o->sname : ' ',
			 o->sname ? ", " : "", o->lname, o->argname ? " " : "",
			 o->argname ? o->argname : "");
		put_wrapped(out, left, 28, o->help);
	}
}

/* @cmd < 0: the whole tool (ipcscan --help); else that command only. */
static void usage(FILE *out, int cmd)
{
	if (cmd < 0)
		fprintf(out, "Usage:\n"
			     " ipcscan [list] [options]\n"
			     " ipcscan gc [options]\n"
			     " ipcscan stats [options]\n\n"
			     "Find System V and POSIX IPC objects, sockets and "
			     "FIFOs, who holds them,\nand remove proven "
			     "orphans.\n\nCommands:\n");
	else
		fprintf(out, "Usage:\n ipcscan %s [options]\n\n%c%s.\n",
			command_names[cmd], command_help[cmd][0] - 'a' + 'A',
			command_help[cmd] + 1);
	for (int c = 0; cmd < 0 && c < CMD_COUNT; c++)
		fprintf(out, " %-6s %s\n", command_names[c], command_help[c]);
	for (int c = 0; c < CMD_COUNT; c++)
		if (cmd < 0 || c == cmd)
			usage_options(out, c);
	usage_options(out, -1);
	fprintf(out, "\nKinds:");
	for (int k = 0; k < KIND_COUNT; k++)
		fprintf(out, " %s", kind_name(k));
	fprintf(out, "\nGroups:");
	for (int g = 0; g < GROUP_COUNT; g++)
		fprintf(out, " %s", kind_group_name((enum kind_group)g));
	fputc('\n', out);
	if (cmd < 0 || cmd == CMD_LIST) {
		fprintf(out, "\nColumns (list -o, --sort):\n");
		for (size_t i = 0; i < ncolumns; i++)
			put_wrapped(out, columns[i].name, 12, columns[i].help);
	}
	fprintf(out, "\nStates: in-use, orphan, unknown.  Exit status: 0 ok, "
		     "1 runtime failure, failed\nremoval, gc lock held, or a "
		     "-p process or --socket-dir that does not exist,\n"
		     "2 bad usage.  See ipcscan(8).\n");
}

static int die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("ipcscan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}


static void add_exclude(struct cli *cli, const char *glob)
{
	cli->excludes = xrealloc(cli->excludes,
				 (cli->nexcludes + 1) * sizeof(*cli->excludes));
	cli->excludes[cli->nexcludes++] = xstrdup(glob);
}

static void read_excludes(struct cli *cli, const char *file)
{
	char *buf;
	ssize_t n = read_file(file, &buf);

	if (n < 0)
		die_usage("cannot read exclude file '%s': %s", file,
			  strerror((int)-n));
	if (excludes_parse(buf, (size_t)n, &cli->excludes, &cli->nexcludes))
		die_usage("exclude file '%s' contains a NUL byte", file);
	free(buf);
}

/* The first word of @argv past the options that names a command, when the
 * command was not given first: the likely cause of a usage error. */
static const char *late_command(int argc, char **argv, int first)
{
	if (first != 1)
		return NULL;
	for (int i = 1; i < argc; i++)
		for (int c = 0; c < CMD_COUNT; c++)
			if (!strcmp(argv[i], command_names[c]))
				return argv[i];
	return NULL;
}

/* The option @arg ("-n", "--dry-run", "--min-age=5") names, whatever the
 * command; NULL if none. */
static const struct option_desc *option_named(const char *arg)
{
	size_t len;

	if (arg[0] == '-' && arg[1] && arg[1] != '-') {
		for (const struct option_desc *o = option_table; o->lname; o++)
			if (o->sname == arg[1] && !o->hidden)
				return o;
		return NULL;
	}
	if (strncmp(arg, "--", 2))
		return NULL;
	arg += 2;
	len = strcspn(arg, "=");
	for (const struct option_desc *o = option_table; o->lname; o++)
		if (strlen(o->lname) == len && !strncmp(o->lname, arg, len) &&
		    !o->hidden)
			return o;
	return NULL;
}

static void die_unknown_option(const char *arg, enum command cmd, int argc,
			       char **argv, int first)
{
	const char *late = late_command(argc, argv, first);
	const struct option_desc *o = option_named(arg);

	if (late)
		die_usage("unknown option '%s' before '%s': the command comes "
			  "first ('ipcscan %s [options]')", arg, late, late);
	if (o) {
		int c = 0;
		char alias[64] = "";

		while (!(o->cmds & CMDBIT(c)))
			c++;
		if (arg[1] != '-')
			snprintf(alias, sizeof(alias), " (--%s)", o->lname);
		die_usage("option '%s'%s is for %s, not %s%s", arg, alias,
			  command_names[c], command_names[cmd],
			  cmd == CMD_LIST && o->sname == 'n'
			  ? "; no header line: --noheadings" : "");
	}
	die_usage("unknown option '%s'", arg);
}

/* A comma list with an empty item is refused, for every list the same
 * way (-t, -o, --sort): the message names the item's position. */
static void check_list(const char *what, const char *list, const char *arg)
{
	size_t pos = 1;

	for (const char *p = list;; p++) {
		if (*p == ',' || !*p) {
			if (p == list || p[-1] == ',')
				die_usage("empty %s at position %zu of '%s'",
					  what, pos, arg);
			if (!*p)
				break;
			pos++;
		}
	}
}

/* The one value of an option that does not accumulate. */
static void once(const char **slot, const char *lname, const char *arg)
{
	if (*slot)
		die_usage("--%s given twice ('%s', then '%s'): give it once",
			  lname, *slot, arg);
	*slot = arg;
}

static void parse_args(int argc, char **argv, struct cli *cli)
{
	struct option lopts[64];
	char sopts[64];
	int nl = 0, ns = 0, c, idx;
	int first = 1;
	bool kinds_given = false;
	const char *min_age = NULL;
	struct strbuf cols = { 0 };

	memset(cli, 0, sizeof(*cli));
	cli->cmd = CMD_LIST;
	cli->kinds = KMASK_ALL;
	cli->min_age = 3600;
	cli->root = "";
	if (argc > 1 && argv[1][0] != '-') {
		int k;

		for (k = 0; k < CMD_COUNT; k++)
			if (!strcmp(argv[1], command_names[k]))
				break;
		if (k == CMD_COUNT)
			die_usage("unknown command '%s'", argv[1]);
		cli->cmd = (enum command)k;
		first = 2;
	}
	cli->help_cmd = first == 2 ? (int)cli->cmd : -1;
	sopts[ns++] = ':';
	for (const struct option_desc *o = option_table; o->lname; o++) {
		if (!(o->cmds & CMDBIT(cli->cmd)))
			continue;
		lopts[nl++] = (struct option){ o->lname,
			o->argname ? required_argument : no_argument, NULL,
			(int)(o - option_table) + 256 };
		if (o->sname) {
			sopts[ns++] = o->sname;
			if (o->argname)
				sopts[ns++] = ':';
		}
	}
	lopts[nl] = (struct option){ 0 };
	sopts[ns] = '\0';

	opterr = 0;
	optind = first;
	while ((c = getopt_long(argc, argv, sopts, lopts, &idx)) != -1) {
		const struct option_desc *o = NULL;
		const char *bad;
		uint64_t v;
		int r;

		if (c == '?') {
			char s[3] = { '-', (char)optopt, '\0' };

			die_unknown_option(optopt ? s : argv[optind - 1],
					   cli->cmd, argc, argv, first);
		}
		if (c == ':')
			die_usage("option '%s' needs an argument",
				  argv[optind - 1]);
		if (c >= 256) {
			o = &option_table[c - 256];
		} else {
			for (o = option_table; o->lname; o++)
				if (o->sname == c && (o->cmds & CMDBIT(cli->cmd)))
					break;
		}
		switch (o->id) {
		case OPT_TYPE: {
			kindmask_t m;

			check_list("kind", optarg, optarg);
			if (kinds_parse(optarg, &m, &bad))
				die_usage("unknown kind '%s'", bad);
			/* repeated: the union, as ps -p and lsof do */
			cli->kinds = kinds_given ? cli->kinds | m : m;
			kinds_given = true;
			cli->kinds_set = true;
			break;
		}
		case OPT_USER: {
			uid_t u;

			if (parse_user(optarg, &u))
				die_usage("unknown user '%s'", optarg);
			cli->users = xrealloc(cli->users, (cli->nusers + 1) *
					      sizeof(*cli->users));
			cli->users[cli->nusers++] = u;
			break;
		}
		case OPT_PID:
			if (parse_u64(optarg, &v) || !v || v > 0x3fffffff)
				die_usage("bad pid '%s'", optarg);
			cli->pids = xrealloc(cli->pids, (cli->npids + 1) *
					     sizeof(*cli->pids));
			cli->pids[cli->npids++] = (pid_t)v;
			break;
		case OPT_CONTAINER:
			if (attrib_what_check(optarg))
				die_usage("bad container '%s' (an id prefix, a "
					  "name, a pod name or uid, or host)",
					  optarg);
			cli->containers = xrealloc(cli->containers,
				(cli->ncontainers + 1) *
				sizeof(*cli->containers));
			cli->containers[cli->ncontainers++] = optarg;
			break;
		case OPT_JSON:
			cli->json = true;
			break;
		case OPT_SOCKET_DIR:
			if (optarg[0] != '/')
				die_usage("socket dir '%s' is not an absolute path",
					  optarg);
			cli->sockdirs = xrealloc(cli->sockdirs,
				(cli->nsockdirs + 1) * sizeof(*cli->sockdirs));
			cli->sockdirs[cli->nsockdirs++] = optarg;
			break;
		case OPT_TRUST_PIDNS:
			cli->trust_pidns = true;
			break;
		case OPT_NAMESPACE:
			check_list("namespace", optarg, optarg);
			if (ns_scope_parse(optarg, &cli->scope, &bad))
				die_usage("bad namespace '%s' (all, self or a "
					  "namespace id)", bad);
			break;
		case OPT_HOLDERS:
			if (!strcmp(optarg, "auto"))
				cli->holders = HOLDERS_AUTO;
			else if (!strcmp(optarg, "proc"))
				cli->holders = HOLDERS_PROC;
			else if (!strcmp(optarg, "bpf"))
				cli->holders = HOLDERS_BPF;
			else
				die_usage("--holders wants auto, proc or bpf, "
					  "not '%s'", optarg);
			break;
		case OPT_ORPHANS:
			cli->orphans = true;
			break;
		case OPT_OUTPUT: {
			const char *list = optarg[0] == '+' ? optarg + 1 : optarg;

			check_list("column", list, optarg);
			/* repeated: each list adds to the columns so far; a
			 * first list with '+' starts from the default set */
			if (cols.len)
				sb_putc(&cols, ',');
			else
				cli->output_plus = optarg[0] == '+';
			sb_puts(&cols, list);
			break;
		}
		case OPT_LIST_COLUMNS:
			cli->list_columns = true;
			break;
		case OPT_NOHEADINGS:
			cli->noheadings = true;
			break;
		case OPT_RAW:
			cli->raw = true;
			break;
		case OPT_BYTES:
			cli->bytes = true;
			break;
		case OPT_SORT: {
			struct sort_key k;

			check_list("column", optarg, optarg);
			if (sort_key_parse(optarg, &k))
				die_usage("unknown column '%s'",
					  optarg + (optarg[0] == '-'));
			once(&cli->sort, o->lname, optarg);
			break;
		}
		case OPT_DRY_RUN:
			cli->dry_run = true;
			break;
		case OPT_MIN_AGE:
			once(&min_age, o->lname, optarg);
			r = parse_duration(optarg, &cli->min_age);
			if (r == -ERANGE)
				die_usage("duration '%s' is too large", optarg);
			if (r)
				die_usage("bad duration '%s' (use e.g. 90s, 15m, "
					  "1h30m, 2d, 1w)", optarg);
			break;
		case OPT_EXCLUDE:
			add_exclude(cli, optarg);
			break;
		case OPT_EXCLUDE_FROM:
			read_excludes(cli, optarg);
			break;
		case OPT_PROMETHEUS:
			cli->prometheus = true;
			break;
		case OPT_OUTPUT_FILE:
			once(&cli->output_file, o->lname, optarg);
			break;
		case OPT_HELP:
			cli->early = EARLY_HELP;
			break;
		case OPT_VERSION:
			cli->early = EARLY_VERSION;
			break;
		case OPT_COMPLETION:
			if (strcmp(optarg, "bash") && strcmp(optarg, "zsh") &&
			    strcmp(optarg, "fish"))
				die_usage("unknown shell '%s'", optarg);
			cli->early = EARLY_COMPLETION;
			cli->shell = optarg;
			break;
		case OPT_ROOT:
			cli->root = optarg;
			break;
		}
	}
	if (optind < argc) {
		const char *late = late_command(argc, argv, first);

		if (late && !strcmp(late, argv[optind]))
			die_usage("unexpected argument '%s': the command comes "
				  "first ('ipcscan %s [options]')", late, late);
		die_usage("unexpected argument '%s'", argv[optind]);
	}
	if (cols.len) {
		/* -o repeats: as many columns as the lists name */
		int max = columns_max(cols.buf);
		int *idxs = xcalloc((size_t)max, sizeof(*idxs));
		const char *bad;

		if (columns_parse(cols.buf, idxs, max, &bad) < 0)
			die_usage("unknown column '%s'", bad);
		free(idxs);
		cli->output = cols.buf;
	}
}

/* --help, --version, --completion: after every argument was checked. */
static int early_exit(const struct cli *cli)
{
	switch (cli->early) {
	case EARLY_HELP:
		usage(stdout, cli->help_cmd);
		break;
	case EARLY_VERSION:
		printf("ipcscan %s\n", IPCSCAN_VERSION);
		break;
	default:
		print_completion(cli->shell);
		break;
	}
	return cli_finish_output(stdout, 0, NULL);
}

int main(int argc, char **argv)
{
	FILE *std = stdout;
	struct cli cli;
	int r, e;

	/* Character classes only: table cells show UTF-8 names as they are.
	 * Numbers (Prometheus!) keep the C locale's decimal point. */
	setlocale(LC_CTYPE, "");
	/* glibc lets stdout be replaced: every output path (printf,
	 * libsmartcols, JSON) then keeps the real errno of a failed write */
	stdout = outstream_open(STDOUT_FILENO);
	if (!stdout) {
		stdout = std;
	} else if (isatty(STDOUT_FILENO)) {
		setvbuf(stdout, NULL, _IOLBF, 0);
	}
	parse_args(argc, argv, &cli);
	if (cli.early) {
		r = early_exit(&cli);
	} else {
		switch (cli.cmd) {
		case CMD_GC:
			r = cmd_gc(&cli);
			break;
		case CMD_STATS:
			r = cmd_stats(&cli);
			break;
		default:
			r = cmd_list(&cli);
			break;
		}
	}
	/* the output of what exists is there; the status says what did not */
	if (r == EXIT_OK && cli_named_missing())
		r = EXIT_RUNTIME;
	for (size_t i = 0; i < cli.nexcludes; i++)
		free(cli.excludes[i]);
	free(cli.excludes);
	free(cli.sockdirs);
	free(cli.users);
	free(cli.pids);
	free(cli.containers);
	free(cli.output);
	ns_scope_free(&cli.scope);	/* the scans copied it, shallowly */
	if (stdout != std) {
		e = outstream_close(stdout);
		stdout = std;
		/* a command that failed has said why already */
		if (e && r == EXIT_OK) {
			fprintf(stderr, "ipcscan: cannot write output: %s\n",
				strerror(-e));
			r = EXIT_RUNTIME;
		}
	}
	return r;
}
