/*
 * base/tz: IANA zones from /usr/share/zoneinfo, fixed offsets, the cache.
 *
 * The expected offsets and instants were computed with Python 3.11's
 * zoneinfo module on the same tzdata (its fold=0 is tz.h's "earlier
 * offset" in an overlap and "forward by the gap" in a gap). A wider
 * comparison, every zone at every transition of 2005, 2026 and 2095 and
 * 70,000 random instants, agreed exactly when tz.c was written.
 *
 * The whole suite is skipped (exit 77, with a reason) when the machine
 * has no zoneinfo database.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "base/tz.h"
#include "tests/unit/utc_ms.h"

static const struct ordo_tz *zone(const char *name)
{
    const struct ordo_tz *tz = NULL;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_tz_get(name, &tz, &err) == ORDO_OK, "%s: %s", name, err.msg);
    ck_assert_ptr_nonnull(tz);
    return tz;
}

static void assert_offset(const char *name, const char *utc, int32_t want)
{
    int32_t got = ordo_tz_offset(zone(name), ordotest_utc_ms(utc));

    ck_assert_msg(got == want, "%s at %sZ: offset %d, want %d", name, utc, got, want);
}

/* Wall-clock time 'local' in zone 'name' is the instant 'utc'. */
static void assert_to_utc(const char *name, const char *local, const char *utc)
{
    int64_t got = ordo_tz_to_utc(zone(name), ordotest_utc_ms(local));

    ck_assert_msg(got == ordotest_utc_ms(utc), "%s: %s local is %lld, want %sZ (%lld)", name, local,
                  (long long)got, utc, (long long)ordotest_utc_ms(utc));
}

static void assert_refused(const char *name, enum ordo_code code, const char *fragment)
{
    const struct ordo_tz *tz = NULL;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_tz_get(name, &tz, &err), code);
    ck_assert_ptr_null(tz);
    ck_assert_msg(strstr(err.msg, fragment) != NULL, "%s: message \"%s\" lacks \"%s\"", name,
                  err.msg, fragment);
}

START_TEST(null_empty_and_utc_are_utc)
{
    ck_assert_ptr_eq(zone(NULL), ordo_tz_utc());
    ck_assert_ptr_eq(zone(""), ordo_tz_utc());
    ck_assert_ptr_eq(zone("UTC"), ordo_tz_utc());
    ck_assert_str_eq(ordo_tz_name(ordo_tz_utc()), "UTC");
    ck_assert_int_eq(ordo_tz_offset(ordo_tz_utc(), ordotest_utc_ms("2026-07-01T00:00:00")), 0);
    ck_assert_int_eq(ordo_tz_to_utc(ordo_tz_utc(), 1234), 1234);
    ck_assert_int_eq(ordo_tz_offset(zone("Z"), 0), 0);
    ck_assert_int_eq(ordo_tz_offset(zone("Etc/UTC"), 0), 0);
}
END_TEST

START_TEST(fixed_offsets_need_no_file)
{
    ck_assert_int_eq(ordo_tz_offset(zone("+02:00"), 0), 7200);
    ck_assert_int_eq(ordo_tz_offset(zone("-0530"), 0), -19800);
    ck_assert_int_eq(ordo_tz_offset(zone("+02"), 0), 7200);
    ck_assert_int_eq(ordo_tz_offset(zone("UTC+01:00"), 0), 3600);
    ck_assert_int_eq(ordo_tz_offset(zone("-18:00"), 0), -64800);
    ck_assert_str_eq(ordo_tz_name(zone("-0530")), "-0530");
    ck_assert_int_eq(ordo_tz_standard_offset(zone("+05:45")), 20700);
    assert_to_utc("+02:00", "2026-03-29T02:30:00", "2026-03-29T00:30:00");
    assert_refused("+19:00", ORDO_E_INVAL, "invalid time zone name \"+19:00\"");
    assert_refused("+02130", ORDO_E_INVAL, "invalid time zone name");
    assert_refused("+02:60", ORDO_E_INVAL, "invalid time zone name");
}
END_TEST

START_TEST(bad_names_are_refused_before_any_file_is_opened)
{
    char longname[200];

    assert_refused("../etc/passwd", ORDO_E_INVAL, "invalid time zone name \"../etc/passwd\"");
    assert_refused("/etc", ORDO_E_INVAL, "invalid time zone name \"/etc\"");
    assert_refused("/etc/passwd", ORDO_E_INVAL, "invalid time zone name");
    assert_refused("Europe/../../etc/passwd", ORDO_E_INVAL, "invalid time zone name");
    assert_refused("Europe//Berlin", ORDO_E_INVAL, "invalid time zone name");
    assert_refused("Europe/Berlin/", ORDO_E_INVAL, "invalid time zone name");
    assert_refused("zone.tab", ORDO_E_INVAL, "invalid time zone name");
    assert_refused("Europe/Berlin\n", ORDO_E_INVAL, "invalid time zone name");
    /* ill-formed UTF-8 is quoted as U+FFFD, so the message stays valid */
    assert_refused("Europe/Par\xc3\xads\xff", ORDO_E_INVAL, "\"Europe/Par\xc3\xads\xef\xbf\xbd\"");
    memset(longname, 'A', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_refused(longname, ORDO_E_INVAL, "is longer than 128 bytes");
}
END_TEST

START_TEST(unknown_zones_and_bad_files_are_refused)
{
    assert_refused("Nope/Zone", ORDO_E_NOTFOUND, "unknown time zone \"Nope/Zone\"");
    assert_refused("Europe", ORDO_E_NOTFOUND, "unknown time zone \"Europe\""); /* a folder */
    assert_refused("Europe/Berlin/Mitte", ORDO_E_NOTFOUND, "unknown time zone");
    assert_refused("europe/berlin", ORDO_E_NOTFOUND, "unknown time zone"); /* names have case */
    if (access("/usr/share/zoneinfo/right/Europe/Berlin", R_OK) == 0) {
        assert_refused("right/Europe/Berlin", ORDO_E_UNPROCESSABLE, "leap seconds");
    }
    if (access("/usr/share/zoneinfo/leapseconds", R_OK) == 0) { /* a text file */
        assert_refused("leapseconds", ORDO_E_UNPROCESSABLE, "not valid TZif");
    }
}
END_TEST

START_TEST(berlin_changes_at_one_utc_in_spring_and_autumn)
{
    assert_offset("Europe/Berlin", "2026-01-15T12:00:00", 3600);
    assert_offset("Europe/Berlin", "2026-03-29T00:59:59", 3600);
    assert_offset("Europe/Berlin", "2026-03-29T01:00:00", 7200);
    assert_offset("Europe/Berlin", "2026-07-01T12:00:00", 7200);
    assert_offset("Europe/Berlin", "2026-10-25T00:59:59", 7200);
    assert_offset("Europe/Berlin", "2026-10-25T01:00:00", 3600);
    ck_assert_str_eq(ordo_tz_name(zone("Europe/Berlin")), "Europe/Berlin");
}
END_TEST

START_TEST(berlin_spring_gap_moves_forward)
{
    /* 02:00-02:59 do not exist on 2026-03-29: 02:30 is read with +01:00,
     * which is 03:30 at +02:00, 30 minutes after the gap began */
    assert_to_utc("Europe/Berlin", "2026-03-29T01:59:59", "2026-03-29T00:59:59");
    assert_to_utc("Europe/Berlin", "2026-03-29T02:00:00", "2026-03-29T01:00:00");
    assert_to_utc("Europe/Berlin", "2026-03-29T02:30:00", "2026-03-29T01:30:00");
    assert_to_utc("Europe/Berlin", "2026-03-29T03:00:00", "2026-03-29T01:00:00");
    assert_to_utc("Europe/Berlin", "2026-03-29T03:30:00", "2026-03-29T01:30:00");
    /* and back: the instant reads 03:30 there */
    ck_assert_int_eq(
        ordotest_utc_ms("2026-03-29T01:30:00") +
            (int64_t)ordo_tz_offset(zone("Europe/Berlin"), ordotest_utc_ms("2026-03-29T01:30:00")) *
                1000,
        ordotest_utc_ms("2026-03-29T03:30:00"));
}
END_TEST

START_TEST(berlin_autumn_overlap_takes_the_earlier_offset)
{
    /* 02:00-02:59 happen twice on 2026-10-25: first at +02:00 */
    assert_to_utc("Europe/Berlin", "2026-10-25T01:59:59", "2026-10-24T23:59:59");
    assert_to_utc("Europe/Berlin", "2026-10-25T02:00:00", "2026-10-25T00:00:00");
    assert_to_utc("Europe/Berlin", "2026-10-25T02:30:00", "2026-10-25T00:30:00");
    assert_to_utc("Europe/Berlin", "2026-10-25T02:59:59", "2026-10-25T00:59:59");
    assert_to_utc("Europe/Berlin", "2026-10-25T03:00:00", "2026-10-25T02:00:00");
    /* both instants read 02:30 */
    assert_offset("Europe/Berlin", "2026-10-25T00:30:00", 7200);
    assert_offset("Europe/Berlin", "2026-10-25T01:30:00", 3600);
}
END_TEST

START_TEST(far_future_follows_the_footer_rule)
{
    /* past the file's last transition (2037): "CET-1CEST,M3.5.0,M10.5.0/3" */
    assert_offset("Europe/Berlin", "2100-01-15T12:00:00", 3600);
    assert_offset("Europe/Berlin", "2100-03-28T00:59:59", 3600);
    assert_offset("Europe/Berlin", "2100-03-28T01:00:00", 7200);
    assert_offset("Europe/Berlin", "2100-07-01T12:00:00", 7200);
    assert_offset("Europe/Berlin", "2100-10-31T00:59:59", 7200);
    assert_offset("Europe/Berlin", "2100-10-31T01:00:00", 3600);
    assert_to_utc("Europe/Berlin", "2100-03-28T02:30:00", "2100-03-28T01:30:00");
    assert_offset("America/New_York", "2100-07-01T00:00:00", -14400);
    assert_offset("Europe/Berlin", "9999-07-01T00:00:00", 7200);
}
END_TEST

START_TEST(before_the_first_transition_is_local_mean_time)
{
    assert_offset("Europe/Berlin", "1800-01-01T00:00:00", 3208); /* +00:53:28 */
    assert_offset("Asia/Kolkata", "1800-01-01T00:00:00", 21208);
}
END_TEST

START_TEST(new_york_changes_at_two_local)
{
    assert_offset("America/New_York", "2026-03-08T06:59:59", -18000);
    assert_offset("America/New_York", "2026-03-08T07:00:00", -14400);
    assert_offset("America/New_York", "2026-11-01T05:59:59", -14400);
    assert_offset("America/New_York", "2026-11-01T06:00:00", -18000);
    assert_to_utc("America/New_York", "2026-03-08T02:30:00", "2026-03-08T07:30:00");
    assert_to_utc("America/New_York", "2026-11-01T01:30:00", "2026-11-01T05:30:00");
    ck_assert_int_eq(ordo_tz_standard_offset(zone("America/New_York")), -18000);
}
END_TEST

START_TEST(lord_howe_moves_half_an_hour)
{
    assert_offset("Australia/Lord_Howe", "2026-04-04T14:59:59", 39600);
    assert_offset("Australia/Lord_Howe", "2026-04-04T15:00:00", 37800);
    assert_offset("Australia/Lord_Howe", "2026-10-03T15:29:59", 37800);
    assert_offset("Australia/Lord_Howe", "2026-10-03T15:30:00", 39600);
    /* the 30-minute gap and overlap */
    assert_to_utc("Australia/Lord_Howe", "2026-10-04T02:15:00", "2026-10-03T15:45:00");
    assert_to_utc("Australia/Lord_Howe", "2026-04-05T01:45:00", "2026-04-04T14:45:00");
    /* southern summer spans the new year, also under the footer rule */
    assert_offset("Australia/Lord_Howe", "2100-01-01T00:00:00", 39600);
    ck_assert_int_eq(ordo_tz_standard_offset(zone("Australia/Lord_Howe")), 37800);
}
END_TEST

START_TEST(kolkata_is_five_thirty_all_year)
{
    assert_offset("Asia/Kolkata", "2026-01-01T00:00:00", 19800);
    assert_offset("Asia/Kolkata", "2026-07-01T00:00:00", 19800);
    assert_offset("Asia/Kolkata", "2100-07-01T00:00:00", 19800);
    assert_to_utc("Asia/Kolkata", "2026-12-01T00:00:00", "2026-11-30T18:30:00");
    ck_assert_int_eq(ordo_tz_standard_offset(zone("Asia/Kolkata")), 19800);
    ck_assert_int_eq(ordo_tz_standard_offset(zone("Europe/Berlin")), 3600);
}
END_TEST

START_TEST(extreme_instants_do_not_overflow)
{
    const struct ordo_tz *tz = zone("Europe/Berlin");
    int64_t far;

    (void)ordo_tz_offset(tz, INT64_MAX);
    (void)ordo_tz_offset(tz, INT64_MIN);
    far = ordo_tz_to_utc(tz, INT64_MAX);
    /* clamped to +-2^62 ms first; the offset there comes from the rule */
    ck_assert(far <= ((int64_t)1 << 62) - 3600000 && far >= ((int64_t)1 << 62) - 7200000);
    ck_assert_int_eq(ordo_tz_to_utc(tz, INT64_MIN), -((int64_t)1 << 62) - 3208000);
}
END_TEST

static void *get_paris_cb(void *out)
{
    *(const struct ordo_tz **)out = zone("Europe/Paris");
    return NULL;
}

START_TEST(zones_are_cached_once_across_threads)
{
    pthread_t threads[8];
    const struct ordo_tz *got[8];

    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(pthread_create(&threads[i], NULL, get_paris_cb, &got[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
    }
    for (int i = 1; i < 8; i++) {
        ck_assert_ptr_eq(got[i], got[0]);
    }
    ck_assert_ptr_eq(zone("Europe/Paris"), got[0]);
    ck_assert_ptr_eq(zone("+02:00"), zone("+02:00"));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("tz");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, null_empty_and_utc_are_utc);
    tcase_add_test(tc, fixed_offsets_need_no_file);
    tcase_add_test(tc, bad_names_are_refused_before_any_file_is_opened);
    tcase_add_test(tc, unknown_zones_and_bad_files_are_refused);
    tcase_add_test(tc, berlin_changes_at_one_utc_in_spring_and_autumn);
    tcase_add_test(tc, berlin_spring_gap_moves_forward);
    tcase_add_test(tc, berlin_autumn_overlap_takes_the_earlier_offset);
    tcase_add_test(tc, far_future_follows_the_footer_rule);
    tcase_add_test(tc, before_the_first_transition_is_local_mean_time);
    tcase_add_test(tc, new_york_changes_at_two_local);
    tcase_add_test(tc, lord_howe_moves_half_an_hour);
    tcase_add_test(tc, kolkata_is_five_thirty_all_year);
    tcase_add_test(tc, extreme_instants_do_not_overflow);
    tcase_add_test(tc, zones_are_cached_once_across_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) != 0) {
        printf("test_tz: skipped: no zoneinfo database in /usr/share/zoneinfo (install tzdata)\n");
        return 77;
    }
    sr = srunner_create(make_suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
