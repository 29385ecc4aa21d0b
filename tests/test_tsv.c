/* The TSV writer: shortest text that reads back to the same double. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/tsv.h"

static const char *fmt(double v)
{
    static char buf[32];
    nd_format_real(buf, sizeof buf, v);
    return buf;
}

Test(tsv, shortest_text_that_reads_back)
{
    cr_expect_str_eq(fmt(0.7), "0.7");
    cr_expect_str_eq(fmt(-1.6), "-1.6");
    cr_expect_str_eq(fmt(0.0), "0");
    cr_expect_str_eq(fmt(12.5), "12.5");
    cr_expect_str_eq(fmt(0.1 + 0.2), "0.30000000000000004"); /* 17 digits needed */
    cr_expect_str_eq(fmt(1e-300), "1e-300");
    cr_expect_str_eq(fmt(NAN), "nan");
    cr_expect_str_eq(fmt(INFINITY), "inf");
    cr_expect_str_eq(fmt(-INFINITY), "-inf");
}

Test(tsv, every_double_reads_back)
{
    /* random bit patterns over the whole range, and values near 1 where 16 digits matter */
    uint64_t s = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 200000; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        double v;
        if (i % 2) {
            memcpy(&v, &s, sizeof v);
            if (!isfinite(v)) continue;
        } else {
            v = 1.0 + (double)(s >> 11) * 0x1p-53;
        }
        const char *t = fmt(v);
        cr_assert(strtod(t, NULL) == v, "%.17g printed as %s", v, t);
        cr_assert(strlen(t) <= 24, "%s", t);
    }
}

Test(tsv, header_and_rows)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    const char *names[] = {"t", "V (mV)"};
    double row[] = {0.25, -65.0};
    nd_tsv_header(f, 2, names);
    nd_tsv_row(f, 2, row);
    fclose(f);
    cr_expect_str_eq(buf, "t\tV (mV)\n0.25\t-65\n");
    free(buf);
}
