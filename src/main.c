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
#include "scan.h"
#include "util.h"


static void usage(FILE *out)
{
	fprintf(out, "Usage:\n"
		     " ipcscan [list] [options]\n"
		     " ipcscan gc [options]\n"
		     " ipcscan stats [options]\n\n"
		     "Find System V and POSIX IPC objects, sockets and FIFOs, "
		     "who holds them,\nand remove proven orphans.\n\n"
		     "Commands:\n");
	for (int c = 0; c < CMD_COUNT; c++)
		fprintf(out, " %-6s %s\n", command_names[c], command_help[c]);
	for (int c = -1; c < CMD_COUNT; c++) {
		fprintf(out, "\n%s%s:\n", c < 0 ? "Common options" : "Options for ",
			c < 0 ? "" : command_names[c]);
		for (const struct option_desc *o = option_table; o->lname; o++) {
			char left[64];
			bool common = o->cmds == ALLCMDS;

			if (o->hidden || (c < 0) != common ||
			    (c >= 0 && !(o->cmds & CMDBIT(c))))
				continue;
			snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
				 o->sname ? "-" : "   ",
				 o->sname ? o->sname : ' ',
				 o->sname ? ", " : "", o->lname,
				 o->argname ? " " : "",
				 o->argname ? o->argname : "");
			fprintf(out, " %-26s %s\n", left, o->help);
		}
	}
	fprintf(out, "\nKinds:");
	for (int k = 0; k < KIND_COUNT; k++)
		fprintf(out, " %s", kind_table[k].name);
	fprintf(out, "\nGroups:");
	for (int g = 0; kind_groups[g].name; g++)
		fprintf(out, " %s", kind_groups[g].name);
	fprintf(out, "\n\nColumns (list -o, --sort):\n");
	for (size_t i = 0; i < ncolumns; i++)
		fprintf(out, " %-10s %s\n", columns[i].name, columns[i].help);
	fprintf(out, "\nStates: in-use, orphan, unknown.  Exit status: 0 ok, "
		     "1 runtime failure or\nfailed removal or gc lock held, "
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

static void parse_args(int argc, char **argv, struct cli *cli)
{
	struct option lopts[64];
	char sopts[64];
	int nl = 0, ns = 0, c, idx;
	int first = 1;

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

		if (c == '?') {
			if (optopt)
				die_usage("unknown option '-%c'", optopt);
			die_usage("unknown option '%s'", argv[optind - 1]);
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
		if (!strcmp(o->lname, "type")) {
			if (kinds_parse(optarg, &cli->kinds, &bad))
				die_usage("unknown kind '%s'", bad);
		} else if (!strcmp(o->lname, "user")) {
			if (parse_user(optarg, &cli->user))
				die_usage("unknown user '%s'", optarg);
			cli->have_user = true;
		} else if (!strcmp(o->lname, "pid")) {
			if (parse_u64(optarg, &v) || !v || v > 0x3fffffff)
				die_usage("bad pid '%s'", optarg);
			cli->pid = (pid_t)v;
		} else if (!strcmp(o->lname, "json")) {
			cli->json = true;
		} else if (!strcmp(o->lname, "socket-dir")) {
			if (optarg[0] != '/')
				die_usage("socket dir '%s' is not an absolute path",
					  optarg);
			cli->sockdirs = xrealloc(cli->sockdirs,
				(cli->nsockdirs + 1) * sizeof(*cli->sockdirs));
			cli->sockdirs[cli->nsockdirs++] = optarg;
		} else if (!strcmp(o->lname, "orphans")) {
			cli->orphans = true;
		} else if (!strcmp(o->lname, "output")) {
			cli->output = optarg;
		} else if (!strcmp(o->lname, "list-columns")) {
			cli->list_columns = true;
		} else if (!strcmp(o->lname, "noheadings")) {
			cli->noheadings = true;
		} else if (!strcmp(o->lname, "raw")) {
			cli->raw = true;
		} else if (!strcmp(o->lname, "bytes")) {
			cli->bytes = true;
		} else if (!strcmp(o->lname, "sort")) {
			if (column_find(optarg) < 0)
				die_usage("unknown column '%s'", optarg);
			cli->sort = optarg;
		} else if (!strcmp(o->lname, "dry-run")) {
			cli->dry_run = true;
		} else if (!strcmp(o->lname, "min-age")) {
			if (parse_duration(optarg, &cli->min_age))
				die_usage("bad duration '%s' (use e.g. 90s, 15m, 1h, 2d)",
					  optarg);
		} else if (!strcmp(o->lname, "exclude")) {
			add_exclude(cli, optarg);
		} else if (!strcmp(o->lname, "exclude-from")) {
			read_excludes(cli, optarg);
		} else if (!strcmp(o->lname, "prometheus")) {
			cli->prometheus = true;
		} else if (!strcmp(o->lname, "output-file")) {
			cli->output_file = optarg;
		} else if (!strcmp(o->lname, "help")) {
			usage(stdout);
			exit(EXIT_OK);
		} else if (!strcmp(o->lname, "version")) {
			printf("ipcscan %s\n", IPCSCAN_VERSION);
			exit(EXIT_OK);
		} else if (!strcmp(o->lname, "completion")) {
			if (print_completion(optarg))
				die_usage("unknown shell '%s'", optarg);
			exit(EXIT_OK);
		} else if (!strcmp(o->lname, "root")) {
			cli->root = optarg;
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (cli->output) {
		int idxs[64];
		const char *bad;
		const char *list = cli->output[0] == '+' ? cli->output + 1
							 : cli->output;

		if (columns_parse(list, idxs, 64, &bad) < 0)
			die_usage("unknown column '%s'", bad);
	}
}

int main(int argc, char **argv)
{
	struct cli cli;
	int r;

	/* Character classes only: table cells show UTF-8 names as they are.
	 * Numbers (Prometheus!) keep the C locale's decimal point. */
	setlocale(LC_CTYPE, "");
	parse_args(argc, argv, &cli);
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
	for (size_t i = 0; i < cli.nexcludes; i++)
		free(cli.excludes[i]);
	free(cli.excludes);
	free(cli.sockdirs);
	return r;
}
