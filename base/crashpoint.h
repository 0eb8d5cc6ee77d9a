/*
 * base/crashpoint.h - named crash points, a test hook (ORDO_CRASHPOINT).
 *
 * Code that must survive a crash at a delicate moment (after a commit,
 * before the notification; after a connector call, before its result is
 * recorded) names that moment: ordo_crashpoint("after_commit"). When the
 * configured crash point is that name (and it is reached for the Nth time,
 * for "name:N"), the process ends at once with _exit(137), as if killed:
 * no clean-up, no flushing, no atexit handlers. The tests and the chaos
 * suite use it; docs/configuration.md lists the key under test hooks.
 */
#ifndef ORDO_BASE_CRASHPOINT_H
#define ORDO_BASE_CRASHPOINT_H

#include <stdbool.h>

#include "base/err.h"

/* Arm the crash point from its text ("name" or "name:N", N >= 1; "" or
 * NULL disarms). ORDO_E_INVAL for anything else. Call before threads start. */
enum ordo_code ordo_crashpoint_set(const char *spec, struct ordo_err *err);

/* Whether 'name' is the armed crash point (code that would otherwise
 * send two things in one go splits them, so the point can fall between). */
bool ordo_crashpoint_armed(const char *name);

/* Exit here if 'name' is the armed crash point and its count is reached.
 * Thread-safe; costs one comparison when nothing is armed. */
void ordo_crashpoint(const char *name);

#endif
