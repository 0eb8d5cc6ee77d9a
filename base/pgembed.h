/*
 * base/pgembed.h - the embedded PostgreSQL of CONTRACTS.md §9, used by
 * `ordo serve`, `ordo worker` and `ordo migrate` when database_url is empty.
 *
 * The cluster lives in DATA_DIR/pg and is reached only by a Unix socket in
 * that same folder (listen_addresses is empty, port 5432 names the socket
 * file). DATA_DIR/pg.log receives the output of initdb, pg_ctl and the
 * server. docs/embedded-database.md is the operator's side of this page.
 *
 * ordo_pgembed_start():
 * - Finds the server binaries in /usr/lib/postgresql/VERSION/bin: the
 *   version that created an existing cluster (its PG_VERSION) when it is
 *   installed, else the highest installed version.
 * - Refuses a cluster whose PG_VERSION names another major version than the
 *   binaries with ORDO_E_CONFLICT and a pg_upgrade hint, before touching it.
 * - Started as root, runs the tools and the server as the owner of an
 *   existing DATA_DIR/pg when that is not root, else as user "ordo", else
 *   "postgres" (ORDO_E_INVAL when neither exists); it adds o+x to DATA_DIR
 *   and gives DATA_DIR/pg to that user. Started by anyone else, runs as the
 *   invoking user, who must own DATA_DIR/pg.
 * - Runs initdb when DATA_DIR/pg has no PG_VERSION: UTF8, locale C, the
 *   superuser named after the OS user, "trust" for the Unix socket and
 *   "reject" for TCP. Trust is safe because the socket's folder is the data
 *   folder, mode 0700 (enforced at every start): only its owner and root can
 *   reach the socket, and both can read the data files anyway.
 * - Reuses a live server of this data folder (postmaster.pid present and the
 *   socket answers) and then leaves it running at stop; otherwise starts the
 *   server with `pg_ctl start -w` (60 s), which copes with a stale
 *   postmaster.pid. A pid file whose process is a zombie (its parent never
 *   reaped it, as in containers whose init does not) is removed first,
 *   because PostgreSQL would take the zombie for a live server.
 * - Creates the database "ordo" when it is missing, so a start that crashed
 *   after initdb completes on the next one.
 * - Logs (component "pgembed") "embedded database initialised", "... started"
 *   or "... reused".
 * Concurrent starts of one DATA_DIR (serve and worker) are serialised by a
 * lock on DATA_DIR/pg.log. Failures return ORDO_E_INVAL (unusable data_dir:
 * too long for a Unix socket path, characters the server's options cannot
 * carry, wrong owner, no binaries, no user) or ORDO_E_INTERNAL (a tool
 * failed; the message ends with the last lines of DATA_DIR/pg.log and the
 * full tail is logged), and leave '*out' untouched.
 *
 * The child processes are started with fork and execv (no shell of ours):
 * a new session, stdin /dev/null, stdout and stderr to pg.log, every other
 * descriptor closed, SIGCHLD and SIGPIPE at their defaults, privileges
 * dropped (setgroups/setgid/setuid) before exec when running as root. The
 * caller must not set SIGCHLD to SIG_IGN: the children are waited for.
 *
 * Not thread-safe: call start and stop from one thread (at start-up and at
 * exit).
 */
#ifndef ORDO_BASE_PGEMBED_H
#define ORDO_BASE_PGEMBED_H

#include "base/err.h"

struct ordo_pgembed; /* opaque */

/* Start (or reuse) the cluster in 'data_dir'/pg, creating 'data_dir' (one
 * level, mode 0700) when missing. On ORDO_OK '*out' is a new handle. */
enum ordo_code ordo_pgembed_start(const char *data_dir, struct ordo_pgembed **out,
                                  struct ordo_err *err);

/* A libpq connection string for the database "ordo" over the Unix socket,
 * e.g. "host='/srv/ordo-data/pg' port=5432 user='postgres' dbname=ordo".
 * Owned by the handle. */
const char *ordo_pgembed_conninfo(const struct ordo_pgembed *pg);

/* Stop the server with `pg_ctl stop -m fast` if this handle started it (a
 * failure is logged, not returned), then free the handle. NULL is a no-op. */
void ordo_pgembed_stop(struct ordo_pgembed *pg);

#endif
