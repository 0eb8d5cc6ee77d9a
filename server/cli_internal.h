/*
 * server/cli_internal.h - what command files share with the dispatcher.
 */
#ifndef ORDO_SERVER_CLI_INTERNAL_H
#define ORDO_SERVER_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/config.h"

#define CLI_OK 0
#define CLI_FAILED 1
#define CLI_USAGE 2

struct cli {
    FILE *out;
    FILE *err;
    char **envp;
    struct ordo_arena *arena; /* lives for the command */
    const char *command;      /* "bpmn lint", for messages */
};

/* A command's own option: "--json", "--rule" (takes a value), "-o". */
struct cli_opt {
    const char *name;
    const char *alias; /* a second spelling, or NULL */
    bool takes_value;
};

/* What is left after a command's options: positional arguments and the
 * configuration flags (--config FILE, --bpmn-max-bytes N, ...). */
struct cli_args {
    int npos;
    char **pos;
    int nflags;
    char **flags;
};

typedef int cli_opt_fn(void *ctx, size_t which, const char *value);

/* Split argv. 'on_opt' gets each option of 'opts' by index (value NULL for
 * switches) and returns CLI_OK or an exit code. "--" ends options; "-" is a
 * positional argument (standard input). Returns CLI_OK, or CLI_USAGE after
 * printing the problem. */
int cli_parse(struct cli *cli, int argc, char **argv, const struct cli_opt *opts, size_t nopts,
              cli_opt_fn *on_opt, void *ctx, struct cli_args *out);

/* Load the configuration from defaults, file, environment and the command's
 * config flags. Prints warnings and errors; false on error. */
bool cli_config(struct cli *cli, const struct cli_args *args, struct ordo_config *cfg);

/* Print "ordo COMMAND: message" on stderr and return 'code'. */
int cli_fail(struct cli *cli, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Exit code for a failed operation's error code: CLI_USAGE for bad input
 * (INVAL, NOTFOUND, TOOBIG, UNPROCESSABLE), CLI_FAILED otherwise. */
int cli_exit_for(int ordo_code);

int cli_bpmn_lint(struct cli *cli, int argc, char **argv);
int cli_bpmn_fmt(struct cli *cli, int argc, char **argv);

#endif
