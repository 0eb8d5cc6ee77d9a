/*
 * tests/unit/utc_ms.h - instants written as text, for time tests.
 */
#ifndef ORDO_TESTS_UTC_MS_H
#define ORDO_TESTS_UTC_MS_H

#include <stdint.h>

/* Unix milliseconds of "YYYY-MM-DDThh:mm:ss[.mmm]" read as UTC (or as a
 * wall clock: base/tz.h counts local milliseconds the same way). Aborts
 * with a message on anything else: a typo in a test is the test's bug. */
int64_t ordotest_utc_ms(const char *iso);

#endif
