/*
 * base/clock.h - the two clocks Ordo reads outside the engine (whose time
 * is part of each event): the monotonic one for durations, deadlines and
 * rate limits, and the wall clock for what is stored or shown.
 */
#ifndef ORDO_BASE_CLOCK_H
#define ORDO_BASE_CLOCK_H

#include <stdint.h>

int64_t ordo_clock_mono_ns(void); /* CLOCK_MONOTONIC */
int64_t ordo_clock_mono_us(void);
int64_t ordo_clock_mono_ms(void);
int64_t ordo_clock_wall_ms(void); /* CLOCK_REALTIME: ms since the Unix epoch */

#endif
