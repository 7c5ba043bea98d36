/*
 * The example program of `culprit demo`: "calc", a line-oriented calculator
 * in C.  Its files are rendered from a struct demo_model, so every commit of
 * the generated history is "change the model, render, write a tree".
 *
 * The crash: read_line() in src/line.c grows its buffer when it is about to
 * fill up.  The culprit commit changes the check to "when it is full", which
 * leaves no room for the terminating NUL when a line is exactly 16, 32, 64...
 * bytes long; tests/long-lines.txt has a 64-byte line, so AddressSanitizer
 * reports a one-byte heap-buffer-overflow write.
 */
#include "demo/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text buffer ---- */

static void buf_reserve(struct demo_buf *b, size_t extra)
{
	size_t want;
	char *s;

	if (b->nomem)
		return;
	if (extra > (size_t)-1 / 2 - b->len) {
		b->nomem = 1;
		return;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (want < 2 * b->cap)
		want = 2 * b->cap;
	if (want < 256)
		want = 256;
	s = realloc(b->s, want);
	if (!s) {
		b->nomem = 1;
		return;
	}
	b->s = s;
	b->cap = want;
}

void demo_buf_puts(struct demo_buf *b, const char *s)
{
	size_t n = strlen(s);

	buf_reserve(b, n);
	if (b->nomem)
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void demo_buf_printf(struct demo_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->nomem = 1;
		return;
	}
	buf_reserve(b, (size_t)n);
	if (b->nomem)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void demo_buf_free(struct demo_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- catalogues ---- */

/* One operation of calc.  body: the function's statements, one per line,
 * without the first level of indentation.  arity -1: one or more. */
struct demo_op {
	const char *name;
	int arity;
	const char *desc;
	const char *body;
};

#define LOOP_MIN(cmp) \
	"double r = a[0];\n" \
	"for (size_t i = 1; i < n; i++)\n" \
	"\tif (a[i] " cmp " r)\n" \
	"\t\tr = a[i];\n" \
	"return r;"

static const struct demo_op ops[] = {
	{ "add", 2, "the sum of two numbers", "return a[0] + a[1];" },
	{ "sub", 2, "a minus b", "return a[0] - a[1];" },
	{ "mul", 2, "the product of two numbers", "return a[0] * a[1];" },
	{ "div", 2, "a divided by b, NaN when b is 0",
	  "if (a[1] == 0)\n\treturn NAN;\nreturn a[0] / a[1];" },
	{ "neg", 1, "the opposite of x", "return -a[0];" },
	{ "abs", 1, "the absolute value of x", "return fabs(a[0]);" },
	{ "sqr", 1, "x squared", "return a[0] * a[0];" },
	{ "cube", 1, "x cubed", "return a[0] * a[0] * a[0];" },
	{ "sqrt", 1, "the square root of x", "return sqrt(a[0]);" },
	{ "cbrt", 1, "the cube root of x", "return cbrt(a[0]);" },
	{ "pow", 2, "a raised to the power b", "return pow(a[0], a[1]);" },
	{ "exp", 1, "e raised to the power x", "return exp(a[0]);" },
	{ "ln", 1, "the natural logarithm of x", "return log(a[0]);" },
	{ "log10", 1, "the base-10 logarithm of x", "return log10(a[0]);" },
	{ "log2", 1, "the base-2 logarithm of x", "return log2(a[0]);" },
	{ "sin", 1, "the sine of x (radians)", "return sin(a[0]);" },
	{ "cos", 1, "the cosine of x (radians)", "return cos(a[0]);" },
	{ "tan", 1, "the tangent of x (radians)", "return tan(a[0]);" },
	{ "asin", 1, "the arc sine of x", "return asin(a[0]);" },
	{ "acos", 1, "the arc cosine of x", "return acos(a[0]);" },
	{ "atan", 1, "the arc tangent of x", "return atan(a[0]);" },
	{ "atan2", 2, "the angle of the point (b, a)",
	  "return atan2(a[0], a[1]);" },
	{ "sinh", 1, "the hyperbolic sine of x", "return sinh(a[0]);" },
	{ "cosh", 1, "the hyperbolic cosine of x", "return cosh(a[0]);" },
	{ "tanh", 1, "the hyperbolic tangent of x", "return tanh(a[0]);" },
	{ "hypot", 2, "the hypotenuse of a right triangle",
	  "return hypot(a[0], a[1]);" },
	{ "floor", 1, "x rounded down", "return floor(a[0]);" },
	{ "ceil", 1, "x rounded up", "return ceil(a[0]);" },
	{ "round", 1, "x rounded to the nearest integer",
	  "return round(a[0]);" },
	{ "trunc", 1, "x rounded toward zero", "return trunc(a[0]);" },
	{ "mod", 2, "the remainder of a divided by b",
	  "return fmod(a[0], a[1]);" },
	{ "min", -1, "the smallest argument", LOOP_MIN("<") },
	{ "max", -1, "the largest argument", LOOP_MIN(">") },
	{ "sum", -1, "the sum of the arguments",
	  "double r = 0;\nfor (size_t i = 0; i < n; i++)\n\tr += a[i];\n"
	  "return r;" },
	{ "prod", -1, "the product of the arguments",
	  "double r = 1;\nfor (size_t i = 0; i < n; i++)\n\tr *= a[i];\n"
	  "return r;" },
	{ "mean", -1, "the arithmetic mean of the arguments",
	  "double r = 0;\nfor (size_t i = 0; i < n; i++)\n\tr += a[i];\n"
	  "return r / (double)n;" },
	{ "range", -1, "the largest minus the smallest argument",
	  "double lo = a[0], hi = a[0];\nfor (size_t i = 1; i < n; i++) {\n"
	  "\tif (a[i] < lo)\n\t\tlo = a[i];\n\tif (a[i] > hi)\n\t\thi = a[i];\n"
	  "}\nreturn hi - lo;" },
	{ "count", -1, "the number of arguments",
	  "(void)a;\nreturn (double)n;" },
	{ "sign", 1, "-1, 0 or 1 as x is negative, zero or positive",
	  "return (a[0] > 0) - (a[0] < 0);" },
	{ "recip", 1, "the reciprocal of x", "return 1 / a[0];" },
	{ "half", 1, "half of x", "return a[0] / 2;" },
	{ "twice", 1, "two times x", "return a[0] * 2;" },
	{ "inc", 1, "x plus one", "return a[0] + 1;" },
	{ "dec", 1, "x minus one", "return a[0] - 1;" },
	{ "pct", 2, "a as a percentage of b", "return 100 * a[0] / a[1];" },
	{ "lerp", 3, "the point at t between a and b",
	  "return a[0] + (a[1] - a[0]) * a[2];" },
	{ "clamp", 3, "x limited to the range [lo, hi]",
	  "if (a[0] < a[1])\n\treturn a[1];\nif (a[0] > a[2])\n\treturn a[2];\n"
	  "return a[0];" },
	{ "dist", 4, "the distance between (x1, y1) and (x2, y2)",
	  "return hypot(a[2] - a[0], a[3] - a[1]);" },
	{ "deg", 1, "radians converted to degrees",
	  "return a[0] * 180 / 3.14159265358979323846;" },
	{ "rad", 1, "degrees converted to radians",
	  "return a[0] * 3.14159265358979323846 / 180;" },
	{ "ctof", 1, "degrees Celsius converted to Fahrenheit",
	  "return a[0] * 9 / 5 + 32;" },
	{ "ftoc", 1, "degrees Fahrenheit converted to Celsius",
	  "return (a[0] - 32) * 5 / 9;" },
	{ "kmtomi", 1, "kilometres converted to miles",
	  "return a[0] / 1.609344;" },
	{ "mitokm", 1, "miles converted to kilometres",
	  "return a[0] * 1.609344;" },
	{ "gcd", 2, "the greatest common divisor of two integers",
	  "long x = labs((long)a[0]), y = labs((long)a[1]);\n\nwhile (y) {\n"
	  "\tlong t = x % y;\n\n\tx = y;\n\ty = t;\n}\nreturn (double)x;" },
	{ "fact", 1, "the factorial of x (up to 170)",
	  "double r = 1;\nfor (int i = 2; i <= (int)a[0] && i <= 170; i++)\n"
	  "\tr *= i;\nreturn r;" },
	{ "fib", 1, "the Fibonacci number of rank x",
	  "double f0 = 0, f1 = 1;\nfor (int i = 0; i < (int)a[0] && i < 1000; "
	  "i++) {\n\tdouble t = f0 + f1;\n\n\tf0 = f1;\n\tf1 = t;\n}\n"
	  "return f0;" },
	{ "isprime", 1, "1 when x is a prime number, else 0",
	  "long x = (long)a[0];\n\nif (x < 2)\n\treturn 0;\n"
	  "for (long d = 2; d * d <= x; d++)\n\tif (x % d == 0)\n\t\treturn 0;\n"
	  "return 1;" },
	{ "var", -1, "the population variance of the arguments",
	  "double m = 0, v = 0;\nfor (size_t i = 0; i < n; i++)\n\tm += a[i];\n"
	  "m /= (double)n;\nfor (size_t i = 0; i < n; i++)\n"
	  "\tv += (a[i] - m) * (a[i] - m);\nreturn v / (double)n;" },
	{ "rms", -1, "the root mean square of the arguments",
	  "double r = 0;\nfor (size_t i = 0; i < n; i++)\n\tr += a[i] * a[i];\n"
	  "return sqrt(r / (double)n);" },
	{ "geomean", -1, "the geometric mean of the arguments",
	  "double r = 0;\nfor (size_t i = 0; i < n; i++)\n\tr += log(a[i]);\n"
	  "return exp(r / (double)n);" },
	{ "harmean", -1, "the harmonic mean of the arguments",
	  "double r = 0;\nfor (size_t i = 0; i < n; i++)\n\tr += 1 / a[i];\n"
	  "return (double)n / r;" },
	{ "sumsq", -1, "the sum of the squares of the arguments",
	  "double r = 0;\nfor (size_t i = 0; i < n; i++)\n\tr += a[i] * a[i];\n"
	  "return r;" },
	{ "cmp", 2, "-1, 0 or 1 as a is below, equal to or above b",
	  "return (a[0] > a[1]) - (a[0] < a[1]);" },
	{ "eq", 2, "1 when a equals b, else 0", "return a[0] == a[1];" },
	{ "not", 1, "1 when x is 0, else 0", "return a[0] == 0;" },
	{ "and", 2, "1 when both arguments are non-zero",
	  "return a[0] != 0 && a[1] != 0;" },
	{ "or", 2, "1 when either argument is non-zero",
	  "return a[0] != 0 || a[1] != 0;" },
	{ "compound", 3, "principal a after c periods at rate b",
	  "return a[0] * pow(1 + a[1], a[2]);" },
	{ "circle", 1, "the area of a circle of radius x",
	  "return 3.14159265358979323846 * a[0] * a[0];" },
	{ "heron", 3, "the area of a triangle from its sides",
	  "double s = (a[0] + a[1] + a[2]) / 2;\n\n"
	  "return sqrt(s * (s - a[0]) * (s - a[1]) * (s - a[2]));" },
	{ "bmi", 2, "the body mass index from kilograms and metres",
	  "return a[0] / (a[1] * a[1]);" },
	{ "avg2", 2, "the midpoint of a and b", "return (a[0] + a[1]) / 2;" },
	{ "expm1", 1, "e raised to x, minus one, precise near 0",
	  "return expm1(a[0]);" },
	{ "log1p", 1, "the logarithm of 1 + x, precise near 0",
	  "return log1p(a[0]);" },
};

_Static_assert(sizeof(ops) / sizeof(ops[0]) <= DEMO_MAX_OPS, "too many ops");

struct demo_doc {
	const char *title;
	const char *text;
};

static const struct demo_doc docs[] = {
	{ "Input format", "Each line holds an operation name and its arguments,\n"
	  "separated by spaces.  Arguments are decimal numbers; calc prints\n"
	  "one result per line, in the order of the input." },
	{ "Errors", "A line calc cannot evaluate (an unknown operation, a wrong\n"
	  "number of arguments) is reported on standard error and skipped;\n"
	  "the lines after it are still evaluated." },
	{ "Exit status", "calc exits with status 0 once it has read all of its\n"
	  "input, even when some lines were reported as errors." },
	{ "Precision", "Results are double-precision floating-point numbers;\n"
	  "printing rounds them, computing does not." },
	{ "Long lines", "Input lines may be of any length: the line buffer\n"
	  "grows as needed.  tests/long-lines.txt exercises this." },
	{ "Testing", "`make check` runs calc on tests/basic.txt.  Every\n"
	  "operation should have at least one line there." },
	{ "Sanitizers", "calc is always built with AddressSanitizer.  A memory\n"
	  "error stops the program with a report naming the faulty access;\n"
	  "please attach that report to bug reports." },
	{ "Adding an operation", "Write a function `op_NAME` in src/ops.c, add\n"
	  "it to the table at the end of that file, document it in this\n"
	  "README and add a line to tests/basic.txt." },
	{ "Coding style", "Tabs for indentation, one function per operation,\n"
	  "no global state besides the operation table." },
	{ "Portability", "calc needs a C99 compiler, make and the C maths\n"
	  "library.  It is tested on Linux with GCC and Clang." },
	{ "Releases", "Releases are tagged vX.Y on the main branch; the\n"
	  "changes of each are listed in CHANGELOG.md." },
	{ "Examples", "    $ printf 'sqrt 2\\nhypot 3 4\\n' | ./calc\n"
	  "    1.41421\n    5" },
	{ "Limits", "A line takes at most 32 arguments; operations that take a\n"
	  "list (sum, mean, ...) accept from 1 to 32 numbers." },
	{ "Angles", "Trigonometric operations work in radians; `deg` and `rad`\n"
	  "convert." },
	{ "Integers", "Operations on integers (gcd, fact, isprime) truncate\n"
	  "their arguments toward zero first." },
	{ "Contributing", "Send patches to the mailing list, one topic branch\n"
	  "per feature; the maintainer merges them." },
	{ "Reporting bugs", "Include the input line, the output and, for a\n"
	  "crash, the whole AddressSanitizer report." },
	{ "License", "calc is free software under the MIT license." },
	{ "Authors", "calc was started by Ada Lovelace; see the git log for\n"
	  "everyone who contributed." },
	{ "Design", "main.c reads lines and dispatches, line.c reads lines of\n"
	  "any length, ops.c holds one function per operation." },
};

_Static_assert(sizeof(docs) / sizeof(docs[0]) <= DEMO_MAX_DOCS, "docs");

enum {
	MAIN_COMMENTS, MAIN_HELP, MAIN_PRECISION, MAIN_ERRCOUNT, MAIN_LINENO,
	MAIN_VERSION, MAIN_BADNUM, MAIN_TABS, MAIN_COUNT
};

static const char *const main_subjects[MAIN_COUNT] = {
	"main: ignore comment lines",
	"main: list the operations with 'help'",
	"main: print results with 10 significant digits",
	"main: count the bad lines and report them at the end",
	"main: name the line number in error messages",
	"main: print the version with 'version'",
	"main: reject arguments that are not numbers",
	"main: accept tabs between arguments",
};

_Static_assert(MAIN_COUNT <= DEMO_MAX_MAIN, "main features");

enum { MAKE_CHECK, MAKE_CLEAN, MAKE_WEXTRA, MAKE_PHONY, MAKE_COUNT };

static const char *const make_subjects[MAKE_COUNT] = {
	"make: add a check target",
	"make: add a clean target",
	"make: warn with -Wextra",
	"make: mark check and clean as phony",
};

_Static_assert(MAKE_COUNT <= DEMO_MAX_MAKE, "make features");

size_t demo_nops(void)
{
	return sizeof(ops) / sizeof(ops[0]);
}

const char *demo_op_name(size_t i)
{
	return ops[i].name;
}

size_t demo_ndocs(void)
{
	return sizeof(docs) / sizeof(docs[0]);
}

const char *demo_doc_title(size_t i)
{
	return docs[i].title;
}

size_t demo_nmain(void)
{
	return MAIN_COUNT;
}

const char *demo_main_subject(size_t i)
{
	return main_subjects[i];
}

size_t demo_nmake(void)
{
	return MAKE_COUNT;
}

const char *demo_make_subject(size_t i)
{
	return make_subjects[i];
}

void demo_version(unsigned r, char *out, size_t size)
{
	if (r < 9)
		snprintf(out, size, "0.%u", r + 1);
	else
		snprintf(out, size, "1.%u", r - 9);
}

/* A single-statement body "return EXPR;" can be refactored to name its
 * result. */
static int op_is_simple(const struct demo_op *op)
{
	return !strncmp(op->body, "return ", 7) && !strchr(op->body, '\n');
}

int demo_op_can_name(size_t i)
{
	return op_is_simple(&ops[i]);
}

void demo_model_merge(struct demo_model *into, const struct demo_model *other)
{
	unsigned char *d = (unsigned char *)into;
	const unsigned char *s = (const unsigned char *)other;
	unsigned char nrel = into->nrel > other->nrel ? into->nrel : other->nrel;

	/* Every field is a 0/1 flag except nrel: or them all, then fix nrel. */
	for (size_t i = 0; i < sizeof(*into); i++)
		d[i] |= s[i];
	into->nrel = nrel;
}

/* ---- rendering ---- */

static const char *const arg_names[] = { "", "x", "a b", "a b c",
					 "x1 y1 x2 y2" };
static const char *const test_args[] = { "", "2", "12 8", "1 4 0.25",
					 "0 0 3 4" };

/* Appends text with every line indented by one tab (blank lines stay
 * empty); when broken, the last ';' is dropped (a syntax error). */
static void put_indented(struct demo_buf *b, const char *text, int broken)
{
	const char *last = broken ? strrchr(text, ';') : NULL;
	int bol = 1;

	for (const char *p = text; *p; p++) {
		char c[2] = { *p, 0 };

		if (p == last)
			continue;
		if (bol && *p != '\n')
			demo_buf_puts(b, "\t");
		demo_buf_puts(b, c);
		bol = *p == '\n';
	}
	demo_buf_puts(b, "\n");
}

static void render_op(struct demo_buf *b, const struct demo_model *m,
		      size_t i)
{
	const struct demo_op *op = &ops[i];

	demo_buf_puts(b, "\n");
	if (m->op_doc[i])
		demo_buf_printf(b, "/* %s: %s. */\n", op->name, op->desc);
	demo_buf_printf(b, "static double op_%s(const double *a, size_t n)\n{\n",
			op->name);
	if (op->arity >= 0)
		demo_buf_puts(b, "\t(void)n;\n");
	if (m->op_named[i] && op_is_simple(op)) {
		const char *expr = op->body + 7;
		size_t len = strlen(expr) - 1;	/* without ';' */

		demo_buf_printf(b, "\tdouble r = %.*s%s\n\n\treturn r;\n",
				(int)len, expr, m->op_broken[i] ? "" : ";");
	} else {
		put_indented(b, op->body, m->op_broken[i]);
	}
	demo_buf_puts(b, "}\n");
}

static void render_ops_c(struct demo_buf *b, const struct demo_model *m)
{
	size_t n = demo_nops();

	demo_buf_puts(b,
		"/* The operations calc knows, one function each, and their table. */\n"
		"#include <math.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
		"#include \"ops.h\"\n");
	for (size_t i = 0; i < n; i++)
		if (m->op_on[i])
			render_op(b, m, i);
	demo_buf_puts(b, "\nconst struct op ops[] = {\n");
	for (size_t i = 0; i < n; i++)
		if (m->op_on[i])
			demo_buf_printf(b, "\t{ \"%s\", %d, op_%s },\n",
					ops[i].name, ops[i].arity, ops[i].name);
	demo_buf_puts(b, "\t{ NULL, 0, NULL },\n};\n\n"
		"const struct op *op_find(const char *name)\n{\n"
		"\tfor (const struct op *op = ops; op->name; op++)\n"
		"\t\tif (!strcmp(op->name, name))\n\t\t\treturn op;\n"
		"\treturn NULL;\n}\n");
}

static const char ops_h[] =
	"#ifndef CALC_OPS_H\n#define CALC_OPS_H\n\n#include <stddef.h>\n\n"
	"/* One operation: its name, its number of arguments (-1: one or more)\n"
	" * and the function computing it from n >= 1 arguments. */\n"
	"struct op {\n\tconst char *name;\n\tint arity;\n"
	"\tdouble (*fn)(const double *a, size_t n);\n};\n\n"
	"/* The operations, ended by an entry whose name is NULL. */\n"
	"extern const struct op ops[];\n\n"
	"/* The operation called name, or NULL. */\n"
	"const struct op *op_find(const char *name);\n\n#endif\n";

static const char line_h[] =
	"#ifndef CALC_LINE_H\n#define CALC_LINE_H\n\n#include <stdio.h>\n\n"
	"/* Reads one line from f, without its newline, into a new string the\n"
	" * caller frees.  NULL at the end of the input (or out of memory). */\n"
	"char *read_line(FILE *f);\n\n#endif\n";

static void render_line_c(struct demo_buf *b, const struct demo_model *m)
{
	int broken_decl = m->line_broken && !m->line_cr;
	int broken_cr = m->line_broken && m->line_cr;

	demo_buf_puts(b, "#include <stdio.h>\n#include <stdlib.h>\n\n"
		      "#include \"line.h\"\n\n");
	if (m->line_doc)
		demo_buf_puts(b, "/*\n * Lines may be of any length: the buffer "
			      "starts small and doubles\n * whenever it runs "
			      "out of room.\n */\n");
	demo_buf_puts(b, "char *read_line(FILE *f)\n{\n");
	demo_buf_printf(b, "\t%s cap = 16, len = 0%s\n",
			m->line_sized ? "size_t" : "int",
			broken_decl ? "" : ";");
	demo_buf_puts(b, "\tchar *buf = malloc(cap);\n\tint c;\n\n"
		      "\tif (!buf)\n\t\treturn NULL;\n"
		      "\twhile ((c = getc(f)) != EOF && c != '\\n') {\n");
	demo_buf_printf(b, "\t\tif (%s) {\n",
			m->line_bug ? "len == cap" : "len + 1 >= cap");
	demo_buf_puts(b, "\t\t\tchar *bigger = realloc(buf, cap * 2);\n\n"
		      "\t\t\tif (!bigger) {\n\t\t\t\tfree(buf);\n"
		      "\t\t\t\treturn NULL;\n\t\t\t}\n\t\t\tbuf = bigger;\n"
		      "\t\t\tcap *= 2;\n\t\t}\n\t\tbuf[len++] = (char)c;\n\t}\n"
		      "\tif (c == EOF && len == 0) {\n\t\tfree(buf);\n"
		      "\t\treturn NULL;\n\t}\n\tbuf[len] = '\\0';\n");
	if (m->line_cr)
		demo_buf_printf(b, "\tif (len > 0 && buf[len - 1] == '\\r'%s\n"
				"\t\tbuf[--len] = '\\0';\n",
				broken_cr ? "" : ")");
	demo_buf_puts(b, "\treturn buf;\n}\n");
}

static void render_main_c(struct demo_buf *b, const struct demo_model *m)
{
	const unsigned char *f = m->main_on;
	const char *delim = f[MAIN_TABS] ? " \\t" : " ";

	demo_buf_puts(b, "/* calc: reads operations, one per line, and prints "
		      "their results. */\n#include <stdio.h>\n#include <stdlib.h>\n"
		      "#include <string.h>\n\n#include \"line.h\"\n#include \"ops.h\"\n");
	if (f[MAIN_VERSION])
		demo_buf_puts(b, "#include \"version.h\"\n");
	demo_buf_puts(b, "\n#define MAX_ARGS 32\n\n");
	if (f[MAIN_ERRCOUNT])
		demo_buf_puts(b, "static unsigned long errors;\n\n");
	demo_buf_puts(b, "static void fail(unsigned long lineno, const char *what, "
		      "const char *name)\n{\n");
	if (f[MAIN_LINENO])
		demo_buf_puts(b, "\tfprintf(stderr, \"calc: line %lu: %s '%s'\\n\", "
			      "lineno, what, name);\n");
	else
		demo_buf_puts(b, "\t(void)lineno;\n\tfprintf(stderr, "
			      "\"calc: %s '%s'\\n\", what, name);\n");
	if (f[MAIN_ERRCOUNT])
		demo_buf_puts(b, "\terrors++;\n");
	demo_buf_puts(b, "}\n\n");
	if (f[MAIN_HELP])
		demo_buf_puts(b, "static void help(void)\n{\n"
			      "\tfor (const struct op *op = ops; op->name; op++)\n"
			      "\t\tprintf(\"%s/%d\\n\", op->name, op->arity);\n}\n\n");
	demo_buf_puts(b, "static void run(char *line, unsigned long lineno)\n{\n"
		      "\tdouble args[MAX_ARGS];\n\tsize_t n = 0;\n");
	demo_buf_printf(b, "\tchar *name = strtok(line, \"%s\");\n", delim);
	demo_buf_puts(b, "\tconst struct op *op;\n\tchar *tok;\n\n");
	demo_buf_printf(b, "\tif (!name%s)\n\t\treturn;\n",
			f[MAIN_COMMENTS] ? " || name[0] == '#'" : "");
	if (f[MAIN_HELP])
		demo_buf_puts(b, "\tif (!strcmp(name, \"help\")) {\n\t\thelp();\n"
			      "\t\treturn;\n\t}\n");
	if (f[MAIN_VERSION])
		demo_buf_puts(b, "\tif (!strcmp(name, \"version\")) {\n"
			      "\t\tputs(CALC_VERSION);\n\t\treturn;\n\t}\n");
	demo_buf_puts(b, "\top = op_find(name);\n\tif (!op) {\n"
		      "\t\tfail(lineno, \"unknown operation\", name);\n"
		      "\t\treturn;\n\t}\n");
	demo_buf_printf(b, "\twhile ((tok = strtok(NULL, \"%s\")) != NULL) {\n",
			delim);
	if (f[MAIN_BADNUM])
		demo_buf_puts(b, "\t\tchar *end;\n\n");
	demo_buf_puts(b, "\t\tif (n == MAX_ARGS) {\n"
		      "\t\t\tfail(lineno, \"too many arguments for\", name);\n"
		      "\t\t\treturn;\n\t\t}\n");
	if (f[MAIN_BADNUM])
		demo_buf_puts(b, "\t\targs[n] = strtod(tok, &end);\n"
			      "\t\tif (*end) {\n"
			      "\t\t\tfail(lineno, \"not a number\", tok);\n"
			      "\t\t\treturn;\n\t\t}\n\t\tn++;\n\t}\n");
	else
		demo_buf_puts(b, "\t\targs[n++] = atof(tok);\n\t}\n");
	demo_buf_puts(b, "\tif (n == 0 || (op->arity >= 0 && "
		      "n != (size_t)op->arity)) {\n"
		      "\t\tfail(lineno, \"wrong number of arguments for\", name);\n"
		      "\t\treturn;\n\t}\n");
	demo_buf_printf(b, "\tprintf(\"%s\\n\", op->fn(args, n));\n}\n\n",
			f[MAIN_PRECISION] ? "%.10g" : "%g");
	demo_buf_puts(b, "int main(void)\n{\n\tunsigned long lineno = 0;\n"
		      "\tchar *line;\n\n"
		      "\twhile ((line = read_line(stdin)) != NULL) {\n"
		      "\t\trun(line, ++lineno);\n\t\tfree(line);\n\t}\n");
	if (f[MAIN_ERRCOUNT])
		demo_buf_puts(b, "\tif (errors)\n\t\tfprintf(stderr, "
			      "\"calc: %lu bad line(s)\\n\", errors);\n");
	demo_buf_puts(b, "\treturn 0;\n}\n");
}

static void render_makefile(struct demo_buf *b, const struct demo_model *m)
{
	const unsigned char *f = m->make_on;

	demo_buf_printf(b, "CC = cc\nCFLAGS = -g -O1 -fsanitize=address "
			"-fno-omit-frame-pointer -Wall%s\n",
			f[MAKE_WEXTRA] ? " -Wextra" : "");
	demo_buf_puts(b, "LDFLAGS = -fsanitize=address\nLDLIBS = -lm\n"
		      "OBJS = src/main.o src/line.o src/ops.o\n"
		      "HDRS = src/line.h src/ops.h src/version.h\n\n"
		      "calc: $(OBJS)\n\t$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)\n\n"
		      "$(OBJS): $(HDRS) Makefile\n");
	if (f[MAKE_CHECK])
		demo_buf_puts(b, "\ncheck: calc\n\t./calc < tests/basic.txt\n");
	if (f[MAKE_CLEAN])
		demo_buf_puts(b, "\nclean:\n\trm -f calc $(OBJS)\n");
	if (f[MAKE_PHONY] && (f[MAKE_CHECK] || f[MAKE_CLEAN]))
		demo_buf_printf(b, "\n.PHONY:%s%s\n",
				f[MAKE_CHECK] ? " check" : "",
				f[MAKE_CLEAN] ? " clean" : "");
}

static void render_readme(struct demo_buf *b, const struct demo_model *m)
{
	demo_buf_puts(b, "# calc\n\ncalc is a small line-oriented calculator.  "
		      "Each input line names an\noperation followed by its "
		      "arguments, and calc prints the result:\n\n"
		      "    $ echo 'add 2 3' | ./calc\n    5\n\n## Building\n\n"
		      "    make\n\n## Operations\n\n");
	for (size_t i = 0; i < demo_nops(); i++)
		if (m->op_on[i])
			demo_buf_printf(b, "- `%s %s`: %s.\n", ops[i].name,
					ops[i].arity < 0 ? "x..." :
					arg_names[ops[i].arity], ops[i].desc);
	for (size_t i = 0; i < demo_ndocs(); i++)
		if (m->doc_on[i])
			demo_buf_printf(b, "\n## %s\n\n%s\n", docs[i].title,
					docs[i].text);
}

static void render_changelog(struct demo_buf *b, const struct demo_model *m)
{
	char ver[16];

	demo_buf_puts(b, "# Changes\n");
	for (size_t r = m->nrel; r-- > 0;) {
		size_t total = 0, added = 0;

		demo_version((unsigned)r, ver, sizeof(ver));
		demo_buf_printf(b, "\n## v%s\n\n", ver);
		for (size_t i = 0; i < demo_nops(); i++) {
			if (!m->rel_ops[r][i])
				continue;
			total++;
			if (r > 0 && m->rel_ops[r - 1][i])
				continue;
			demo_buf_printf(b, "%s`%s`", added++ ? ", " :
					"- New operations: ", ops[i].name);
		}
		demo_buf_puts(b, added ? ".\n" : "- Fixes and documentation.\n");
		demo_buf_printf(b, "- %zu operations in all.\n", total);
	}
}

static void render_basic(struct demo_buf *b, const struct demo_model *m)
{
	for (size_t i = 0; i < demo_nops(); i++)
		if (m->op_test[i])
			demo_buf_printf(b, "%s %s\n", ops[i].name,
					ops[i].arity < 0 ? "3 1 4 1 5" :
					test_args[ops[i].arity]);
}

/* Lines of 24, 23, 64 and 99 bytes: the 64-byte one is the reproducer. */
static void render_long_lines(struct demo_buf *b)
{
	demo_buf_puts(b, "sum 1 2 3 4 5 6 7 8 9 10\nadd 123456789 987654321\n"
		      "mean");
	for (int i = 0; i < 30; i++)
		demo_buf_puts(b, " 1");
	demo_buf_puts(b, "\nsum");
	for (int i = 0; i < 24; i++)
		demo_buf_puts(b, " 1.5");
	demo_buf_puts(b, "\n");
}

static const char *const file_paths[DEMO_NFILES] = {
	".gitignore", "CHANGELOG.md", "Makefile", "README.md",
	"src/line.c", "src/line.h", "src/main.c", "src/ops.c", "src/ops.h",
	"src/version.h", "tests/basic.txt", "tests/long-lines.txt",
};

void demo_files_free(struct demo_file files[DEMO_NFILES])
{
	for (size_t i = 0; i < DEMO_NFILES; i++) {
		free(files[i].data);
		files[i].data = NULL;
	}
}

int demo_render(const struct demo_model *m, struct demo_file files[DEMO_NFILES])
{
	char ver[16];

	for (size_t i = 0; i < DEMO_NFILES; i++) {
		struct demo_buf b = { 0 };
		const char *p = file_paths[i];

		files[i].path = p;
		files[i].data = NULL;
		files[i].len = 0;
		if (!strcmp(p, ".gitignore")) {
			demo_buf_puts(&b, "*.o\ncalc\n");
		} else if (!strcmp(p, "CHANGELOG.md")) {
			if (!m->nrel)
				continue;
			render_changelog(&b, m);
		} else if (!strcmp(p, "Makefile")) {
			render_makefile(&b, m);
		} else if (!strcmp(p, "README.md")) {
			render_readme(&b, m);
		} else if (!strcmp(p, "src/line.c")) {
			render_line_c(&b, m);
		} else if (!strcmp(p, "src/line.h")) {
			demo_buf_puts(&b, line_h);
		} else if (!strcmp(p, "src/main.c")) {
			render_main_c(&b, m);
		} else if (!strcmp(p, "src/ops.c")) {
			render_ops_c(&b, m);
		} else if (!strcmp(p, "src/ops.h")) {
			demo_buf_puts(&b, ops_h);
		} else if (!strcmp(p, "src/version.h")) {
			if (m->nrel)
				demo_version(m->nrel - 1u, ver, sizeof(ver));
			else
				snprintf(ver, sizeof(ver), "0.0");
			demo_buf_printf(&b, "#define CALC_VERSION \"%s\"\n", ver);
		} else if (!strcmp(p, "tests/basic.txt")) {
			render_basic(&b, m);
		} else {
			render_long_lines(&b);
		}
		demo_buf_puts(&b, "");	/* an empty file is still a file */
		if (b.nomem || !b.s) {
			demo_buf_free(&b);
			demo_files_free(files);
			return -1;
		}
		files[i].data = b.s;
		files[i].len = b.len;
	}
	return 0;
}
