/*
 * server/cli.h - the `ordo` command line.
 *
 * Commands, their help and their exit codes are documented in docs/cli.md
 * (CONTRACTS.md §4, §5): 0 success, 1 a failed operation, 2 bad usage or
 * input, plus the documented extra codes of `ordo run` and `ordo bpmn lint`.
 * Messages for people go to stderr; results go to stdout (or -o FILE).
 */
#ifndef ORDO_SERVER_CLI_H
#define ORDO_SERVER_CLI_H

#include <stdio.h>

/* Run one command line; returns the process exit code. 'envp' is the
 * environment used for configuration (ORDO_* variables). */
int ordo_cli_main(int argc, char **argv, char **envp, FILE *out, FILE *err);

#endif
