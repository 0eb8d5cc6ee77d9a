/*
 * server/main.c - the composition root: the only file that may include
 * every module. For now Ordo is its command line; the server arrives with
 * `ordo serve`.
 */
#include <stdio.h>

#include "server/cli.h"

extern char **environ;

int main(int argc, char **argv)
{
    return ordo_cli_main(argc, argv, environ, stdout, stderr);
}
