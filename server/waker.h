/*
 * server/waker.h - one thread that LISTENs for the engine's change channel
 * (ORDO_STORE_CHANGE_CHANNEL) and its job channel (ORDO_STORE_JOB_CHANNEL:
 * new due jobs, for the external workers' long polls) and wakes the HTTP
 * server's waiting long polls and streams: on every notification, and once
 * a second so that deadlines pass and a lost notification costs at most a
 * second.
 */
#ifndef ORDO_SERVER_WAKER_H
#define ORDO_SERVER_WAKER_H

#include "base/err.h"

struct ordo_http;
struct ordo_waker;

enum ordo_code ordo_waker_start(const char *conninfo, struct ordo_http *http,
                                struct ordo_waker **out, struct ordo_err *err);
void ordo_waker_stop(struct ordo_waker *w); /* NULL is a no-op */

#endif
