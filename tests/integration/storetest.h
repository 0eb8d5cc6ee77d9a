/*
 * tests/integration/storetest.h - what the store's integration tests share:
 * a database per test (cloned from the migrated template), a store on it
 * as the application role, and small helpers to deploy, start and look.
 */
#ifndef ORDO_TESTS_STORETEST_H
#define ORDO_TESTS_STORETEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

extern char *storetest_db;        /* this test's database */
extern const char *storetest_app; /* its conninfo as the application role */
extern struct ordo_defcache *storetest_cache;
extern struct ordo_store *storetest_st;

/* The runtime's effects recorded in the audit, one row each: use as
 * "SELECT ... " STORETEST_EFFECTS "WHERE e->>'event' = 'end'". Each audit
 * row (a.*) is one event applied to an instance, with its effects. */
#define STORETEST_EFFECTS "FROM audit a, json_array_elements(a.payload::json->'effects') e "

/* Checked fixture: a fresh database and a store on it; and their end. */
void storetest_setup(void);
void storetest_teardown(void);

/* The first column of the first row of 'sql' (one optional parameter), as
 * the owner role; "" for no row, "NULL" for SQL NULL. A static buffer,
 * valid until the next call. */
const char *storetest_sql1(const char *sql, const char *param);

/* Poll until 'sql' answers 'want' (10 s at most, else the test fails). */
void storetest_wait_for(const char *sql, const char *param, const char *want);

/* Decimal text of a key; four rotating static buffers. */
const char *storetest_key(int64_t key);

/* Deploy tests/integration/bpmn/FILE (one or more processes). */
void storetest_deploy(const char *file);

/* Start an instance with variables given as JSON text (or NULL). */
int64_t storetest_start(const char *process, const char *vars_json);

/* Run the ordo binary (ORDOTEST_BIN) with 'args' (NULL-terminated, without
 * the program name): its exit status, its standard output and error in
 * 'out'. */
int storetest_run_ordo(const char *const *args, char *out, size_t outlen);

#endif
