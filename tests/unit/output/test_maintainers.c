#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/maintainers.h"
#include "output/recipients.h"

static const char text[] =
	"List of maintainers\n"
	"\tM: *Mail* patches to: FullName <address@domain>\n"
	"# a comment\n"
	"\n"
	"NET\n"
	"M:\tNet Maint <Net@Example.com>\n"
	"L:\tnetdev@example.com\n"
	"S:\tMaintained\n"
	"F:\tnet/\n"
	"X:\tnet/bluetooth/\n"
	"\n"
	"NET CORE\n"
	"M:\tCore Person <core@example.com>\n"
	"R:\tNet Maint <other-address@example.com>\n"
	"S:\tSupported\n"
	"F:\tnet/core/\n"
	"\n"
	"BLUETOOTH\n"
	"M:\tBt <bt@example.com>\n"
	"L:\tbt@lists.example.com (moderated for non-subscribers)\n"
	"L:\tsecret@example.com (subscribers-only)\n"
	"S:\tOdd Fixes\n"
	"F:\tnet/bluetooth\n"
	"F:\tdrivers/bluetooth/*.c\n"
	"\n"
	"SOC\n"
	"M:\tSoc <soc@example.com>\n"
	"N:\tsun[x456]i\n"
	"N:\t(?:^|/)tegra\n"
	"K:\t\\bmagic_(call|jump)\\b\n"
	"\n"
	"RUST\n"
	"M:\tRust <rust@example.com>\n"
	"K:\t\\b(?i:rust)\\b\n"
	"\n"
	"THE REST\n"
	"M:\tLinus Torvalds <torvalds@linux-foundation.org>\n"
	"L:\tlinux-kernel@vger.kernel.org\n"
	"S:\tBuried alive in reporters\n"
	"F:\t*\n"
	"F:\t*/\n";

static int is_dir(void *ctx, const char *path)
{
	(void)ctx;
	return !strcmp(path, "net/bluetooth");
}

static struct cp_maintainers *load(void)
{
	struct cp_maintainers *m = NULL;
	struct cp_error err;

	assert_int_equal(cp_maintainers_parse(&m, text, strlen(text), is_dir, NULL, &err), 0);
	return m;
}

/* The names of the sections matching file, joined by ',' */
static char *names(struct cp_maintainers *m, const char *file)
{
	static char buf[512];
	struct cp_error err;
	size_t *hit = NULL, n = 0, i;

	assert_int_equal(cp_maintainers_match(m, file, &hit, &n, &err), 0);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, cp_maintainers_section(m, hit[i])->name);
	}
	free(hit);
	return buf;
}

static void sections_and_lines(void **state)
{
	struct cp_maintainers *m = load();
	const struct cp_maint_section *s;

	(void)state;
	/* prose lines (even "\tM: ...") are sections without lines */
	assert_int_equal(cp_maintainers_count(m), 8);
	assert_string_equal(cp_maintainers_section(m, 1)->name,
			    "\tM: *Mail* patches to: FullName <address@domain>");
	s = cp_maintainers_section(m, 2);
	assert_string_equal(s->name, "NET");
	assert_int_equal(s->nlines, 5);
	assert_int_equal(s->lines[0].type, 'M');
	assert_string_equal(s->lines[0].value, "Net Maint <Net@Example.com>");
	assert_null(cp_maintainers_section(m, 8));
	cp_maintainers_free(m);
}

static void matching(void **state)
{
	struct cp_maintainers *m = load();

	(void)state;
	/* deepest pattern first, the catch-all last */
	assert_string_equal(names(m, "net/core/dev.c"), "NET CORE,NET,THE REST");
	assert_string_equal(names(m, "net/ipv4/tcp.c"), "NET,THE REST");
	/* X: excludes; a directory pattern without '/' gets one (is_dir) */
	assert_string_equal(names(m, "net/bluetooth/hci_core.c"), "BLUETOOTH,THE REST");
	/* a glob matches only as deep as itself */
	assert_string_equal(names(m, "drivers/bluetooth/btusb.c"), "BLUETOOTH,THE REST");
	assert_string_equal(names(m, "drivers/bluetooth/sub/x.c"), "THE REST");
	assert_string_equal(names(m, "drivers/bluetooth/btusb.h"), "THE REST");
	/* N: is a regex on the whole path, (?: ) accepted; depth 0 is
	 * deeper than the catch-all "*" (-1) */
	assert_string_equal(names(m, "arch/arm/boot/dts/sun5i-a13.dtsi"), "SOC,THE REST");
	assert_string_equal(names(m, "drivers/gpu/tegra/drm.c"), "SOC,THE REST");
	assert_string_equal(names(m, "drivers/gpu/nontegra.c"), "THE REST");
	assert_string_equal(names(m, "Makefile"), "THE REST");
	cp_maintainers_free(m);
}

static void keywords(void **state)
{
	struct cp_maintainers *m = load();
	struct cp_error err;
	size_t *hit = NULL, n = 0;

	(void)state;
	assert_int_equal(cp_maintainers_match_keywords(m, "+\tmagic_jump(x);\n", &hit, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cp_maintainers_section(m, hit[0])->name, "SOC");
	/* already there: not twice */
	assert_int_equal(cp_maintainers_match_keywords(m, "-magic_call()\n", &hit, &n, &err), 0);
	assert_int_equal(n, 1);
	free(hit);
	hit = NULL;
	n = 0;
	assert_int_equal(cp_maintainers_match_keywords(m, "+nomagic_callx\n", &hit, &n, &err), 0);
	assert_int_equal(n, 0);
	/* a (?i:) group: the whole regex ignores case */
	assert_int_equal(cp_maintainers_match_keywords(m, "+// RUST code\n", &hit, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cp_maintainers_section(m, hit[0])->name, "RUST");
	free(hit);
	cp_maintainers_free(m);
}

static void addresses(void **state)
{
	struct cp_maintainers *m = load();
	struct cp_maint_address *a = NULL;
	struct cp_error err;
	size_t *hit = NULL, n = 0, na = 0;

	(void)state;
	assert_int_equal(cp_maintainers_match(m, "net/core/dev.c", &hit, &n, &err), 0);
	assert_int_equal(cp_maintainers_addresses(m, hit, n, &a, &na, &err), 0);
	/*
	 * people in section order (NET CORE is deeper than NET), a name once
	 * (NET's M: is the same person as NET CORE's R:), no Torvalds; then
	 * the lists
	 */
	assert_int_equal(na, 4);
	assert_string_equal(a[0].display, "Core Person <core@example.com>");
	assert_string_equal(a[1].display, "Net Maint <other-address@example.com>");
	assert_int_equal(a[1].role, 'R');
	assert_string_equal(a[2].address, "netdev@example.com");
	assert_int_equal(a[2].role, 'L');
	assert_string_equal(a[3].address, "linux-kernel@vger.kernel.org");
	cp_maint_addresses_free(a, na);
	free(hit);
	/* subscribers-only lists are left out, moderated ones kept */
	assert_int_equal(cp_maintainers_match(m, "net/bluetooth/x.c", &hit, &n, &err), 0);
	assert_int_equal(cp_maintainers_addresses(m, hit, n, &a, &na, &err), 0);
	assert_int_equal(na, 3);
	assert_string_equal(a[1].address, "bt@lists.example.com");
	cp_maint_addresses_free(a, na);
	free(hit);
	cp_maintainers_free(m);
}

static void emails(void **state)
{
	struct cp_error err;
	char *a, *n;

	(void)state;
	assert_int_equal(cp_parse_email("Peter Zijlstra (Intel) <PeterZ@Infradead.org>", &a, &n, &err), 0);
	assert_string_equal(a, "peterz@infradead.org");
	assert_string_equal(n, "Peter Zijlstra (Intel)");
	free(a);
	free(n);
	assert_int_equal(cp_parse_email("\"Doe, J\" <j@x.org> # v5.10", &a, &n, &err), 0);
	assert_string_equal(a, "j@x.org");
	assert_string_equal(n, "Doe, J");
	free(a);
	free(n);
	assert_int_equal(cp_parse_email("stable@vger.kernel.org # 5.10+", &a, NULL, &err), 0);
	assert_string_equal(a, "stable@vger.kernel.org");
	free(a);
	assert_int_equal(cp_parse_email("list@x.org (moderated for non-subscribers)", &a, NULL, &err), 0);
	assert_string_equal(a, "list@x.org");
	free(a);
	assert_int_equal(cp_parse_email("no address here", &a, &n, &err), 0);
	assert_null(a);
	assert_null(n);
}

static void trailer_keys(void **state)
{
	(void)state;
	assert_true(cp_recipient_trailer("Signed-off-by"));
	assert_true(cp_recipient_trailer("signed-off-by"));
	assert_true(cp_recipient_trailer("Reviewed-by"));
	assert_true(cp_recipient_trailer("Acked-by"));
	assert_true(cp_recipient_trailer("Tested-by"));
	assert_true(cp_recipient_trailer("Co-developed-by"));
	assert_true(cp_recipient_trailer("Reviewed-and-tested-by"));
	assert_true(cp_recipient_trailer("Acked-and-reviewed-by"));
	assert_true(cp_recipient_trailer("Tested-and-acked-and-reviewed-by"));
	assert_false(cp_recipient_trailer("Cc"));
	assert_false(cp_recipient_trailer("Reported-by"));
	assert_false(cp_recipient_trailer("Suggested-by"));
	assert_false(cp_recipient_trailer("Reviewed-and-reported-by"));
	assert_false(cp_recipient_trailer("-by"));
	assert_false(cp_recipient_trailer("Link"));
}

static void bad_regex_never_matches(void **state)
{
	static const char t[] = "BROKEN\nM:\tx <x@y>\nN:\t(unclosed\nF:\t[oops\n";
	struct cp_maintainers *m = NULL;
	struct cp_error err;
	size_t *hit = NULL, n = 0;

	(void)state;
	assert_int_equal(cp_maintainers_parse(&m, t, strlen(t), NULL, NULL, &err), 0);
	assert_int_equal(cp_maintainers_match(m, "(unclosed", &hit, &n, &err), 0);
	assert_int_equal(n, 0);
	free(hit);
	cp_maintainers_free(m);
	/* empty input */
	assert_int_equal(cp_maintainers_parse(&m, "", 0, NULL, NULL, &err), 0);
	assert_int_equal(cp_maintainers_count(m), 0);
	cp_maintainers_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sections_and_lines),
		cmocka_unit_test(matching),
		cmocka_unit_test(keywords),
		cmocka_unit_test(addresses),
		cmocka_unit_test(emails),
		cmocka_unit_test(trailer_keys),
		cmocka_unit_test(bad_regex_never_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
