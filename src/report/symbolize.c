/*
 * Symbolization with libdw (elfutils): "func+0xoff/0xsize" frames of a
 * report get "file:line", and functions inlined at that address get their
 * own "name file:line [inline]" lines before it, as syzbot prints them:
 *
 *   kvm_wait arch/x86/kernel/kvm.c:860 [inline]
 *   kvm_wait+0xc9/0xe0 arch/x86/kernel/kvm.c:837
 *
 * The binary is read offline (vmlinux or a user program with debug info);
 * a frame's address is the symbol's address plus the offset, minus one for
 * return addresses (every frame but the faulting "RIP:"/"IP:" line).
 */
#include "report/internal.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sym {
	const char *name;	/* owned by libdw */
	GElf_Addr addr;
	GElf_Xword size;
};

struct symtab {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	struct sym *syms;
	size_t n;
};

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static void symtab_close(struct symtab *t)
{
	free(t->syms);
	if (t->dwfl)
		dwfl_end(t->dwfl);
	memset(t, 0, sizeof(*t));
}

static int symtab_open(struct symtab *t, const char *path, struct cp_error *err)
{
	int n;

	memset(t, 0, sizeof(*t));
	t->dwfl = dwfl_begin(&offline_callbacks);
	if (!t->dwfl)
		return cp_error_set(err, CP_ERR_INTERNAL, "libdw: %s", dwfl_errmsg(-1));
	dwfl_report_begin(t->dwfl);
	t->mod = dwfl_report_offline(t->dwfl, "", path, -1);
	if (!t->mod || dwfl_report_end(t->dwfl, NULL, NULL)) {
		cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, dwfl_errmsg(-1));
		symtab_close(t);
		return CP_ERR_IO;
	}
	n = dwfl_module_getsymtab(t->mod);
	if (n <= 0) {
		cp_error_set(err, CP_ERR_INPUT, "%s has no symbol table", path);
		symtab_close(t);
		return CP_ERR_INPUT;
	}
	t->syms = calloc((size_t)n, sizeof(*t->syms));
	if (!t->syms) {
		symtab_close(t);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(t->mod, i, &sym, &addr,
							   NULL, NULL, NULL);

		if (!name || !*name || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		t->syms[t->n].name = name;
		t->syms[t->n].addr = addr;
		t->syms[t->n].size = sym.st_size;
		t->n++;
	}
	qsort(t->syms, t->n, sizeof(*t->syms), cmp_sym);
	return 0;
}

/* The symbol named name (size preferred when several share the name). */
static const struct sym *symtab_find(const struct symtab *t, const char *name,
				     size_t len, uint64_t size)
{
	size_t lo = 0, hi = t->n;
	const struct sym *best = NULL;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(t->syms[mid].name, name, len);

		if (!c && t->syms[mid].name[len])
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < t->n; i++) {
		const struct sym *s = &t->syms[i];

		if (strncmp(s->name, name, len) || s->name[len])
			break;
		if (!best || s->size == size)
			best = s;
	}
	return best;
}

struct loc {
	char *name;	/* NULL for the outermost frame */
	const char *file;	/* owned by libdw */
	int line;
};

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name;

	/* DW_AT_name of the abstract origin: the plain (unmangled) name. */
	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
	return name ? name : "??";
}

static const char *clean_path(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	return p;
}

/*
 * Locations for pc, innermost first: the inlined functions, then the
 * function itself (name NULL).  Returns the count, 0 when unknown.
 */
static size_t locate(const struct symtab *t, Dwarf_Addr pc, struct loc *out,
		     size_t max)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(t->mod, pc, &bias);
	Dwfl_Line *dl = dwfl_module_getsrc(t->mod, pc);
	Dwarf_Die *scopes = NULL;
	Dwarf_Files *files = NULL;
	const char *file;
	int line = 0, ns;
	size_t n = 0;

	if (!dl)
		return 0;
	file = dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL);
	if (!file)
		return 0;
	ns = cu ? dwarf_getscopes(cu, pc - bias, &scopes) : 0;
	if (cu)
		dwarf_getsrcfiles(cu, &files, NULL);
	for (int i = 0; i < ns && n + 1 < max; i++) {
		int tag = dwarf_tag(&scopes[i]);
		Dwarf_Attribute attr;
		Dwarf_Word cf = 0, cl = 0;
		const char *callfile;

		if (tag == DW_TAG_subprogram)
			break;
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		out[n].name = strdup(die_name(&scopes[i]));
		if (!out[n].name)
			break;
		out[n].file = clean_path(file);
		out[n].line = line;
		n++;
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &cf) ||
		    dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &cl) ||
		    !files || !(callfile = dwarf_filesrc(files, cf, NULL, NULL)))
			break;
		file = callfile;
		line = (int)cl;
	}
	free(scopes);
	out[n].name = NULL;
	out[n].file = clean_path(file);
	out[n].line = line;
	return n + 1;
}

static bool is_rip_line(const char *l, size_t n)
{
	while (n && *l == ' ') {
		l++;
		n--;
	}
	return (n >= 4 && !memcmp(l, "RIP:", 4)) || (n >= 3 && !memcmp(l, "IP:", 3));
}

/*
 * A user-space frame as sanitizers print it unsymbolized:
 * "    #3 0x55d0c1a2b1d5 (/path/prog+0x11d5)".  Returns the offset in
 * *off and true when the module's file name is the binary's.
 */
static bool user_raw_frame(const char *l, size_t n, const char *binary,
			   size_t *num_end, uint64_t *off)
{
	const char *p = l, *e = l + n, *plus, *base;
	size_t bl;

	while (p < e && *p == ' ')
		p++;
	if (p >= e || *p != '#')
		return false;
	p++;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	*num_end = (size_t)(p - l);
	while (p < e && *p == ' ')
		p++;
	if (e - p < 3 || p[0] != '0' || p[1] != 'x')
		return false;
	while (p < e && *p != ' ')
		p++;
	while (p < e && *p == ' ')
		p++;
	if (p >= e || *p != '(' || e[-1] != ')')
		return false;
	plus = memrchr(p, '+', (size_t)(e - p));
	if (!plus || e - plus < 4 || plus[1] != '0' || plus[2] != 'x')
		return false;
	*off = strtoull(plus + 1, NULL, 16);
	base = strrchr(binary, '/');
	base = base ? base + 1 : binary;
	bl = strlen(base);
	return (size_t)(plus - (p + 1)) >= bl && !memcmp(plus - bl, base, bl) &&
	       (plus - bl == p + 1 || plus[-(long)bl - 1] == '/');
}

/* "    #N 0xADDR in func file:line" lines for a user-space address. */
static int symbolize_user(const struct symtab *t, const char *l, size_t n,
			  size_t num_end, uint64_t off, struct buf *out)
{
	struct loc locs[16];
	Dwarf_Addr low = 0, pc;
	const char *fn;
	size_t nl;
	char num[32], addr[48];
	int rc = 0;

	dwfl_module_info(t->mod, NULL, &low, NULL, NULL, NULL, NULL, NULL);
	pc = low + off - (off ? 1 : 0);
	nl = locate(t, pc, locs, sizeof(locs) / sizeof(locs[0]));
	fn = dwfl_module_addrname(t->mod, pc);
	if (!nl || !fn)
		return buf_add(out, l, n) || buf_addc(out, '\n') ? CP_ERR_NOMEM : 0;
	snprintf(addr, sizeof(addr), " 0x%llx in ", (unsigned long long)off);
	for (size_t i = 0; i < nl && !rc; i++) {
		snprintf(num, sizeof(num), ":%d", locs[i].line);
		rc = buf_add(out, l, num_end) || buf_adds(out, addr) ||
		     buf_adds(out, locs[i].name ? locs[i].name : fn) || buf_addc(out, ' ') ||
		     buf_adds(out, locs[i].file) || buf_adds(out, num) ||
		     (locs[i].name && buf_adds(out, " [inline]")) || buf_addc(out, '\n');
	}
	for (size_t i = 0; i < nl; i++)
		free(locs[i].name);
	return rc ? CP_ERR_NOMEM : 0;
}

static int symbolize_line(const struct symtab *t, const char *l, size_t n,
			  const char *binary, struct buf *out)
{
	struct cap m[PAT_MAX_CAPS + 1];
	struct loc locs[16];
	const struct sym *s;
	uint64_t off, size;
	size_t nl, ins;
	char num[32];
	int rc = 0;

	{
		size_t num_end;
		uint64_t uoff;

		if (n < 4096 && user_raw_frame(l, n, binary, &num_end, &uoff))
			return symbolize_user(t, l, n, num_end, uoff, out);
	}
	if (!pat_match_line(&linux_frame_re, l, n, m) || n > PAT_LINE_MAX)
		goto verbatim;
	off = strtoull(l + m[2].so, NULL, 16);
	size = strtoull(l + m[3].so, NULL, 16);
	s = symtab_find(t, l + m[1].so, (size_t)(m[1].eo - m[1].so), size);
	if (!s)
		goto verbatim;
	nl = locate(t, s->addr + off - (is_rip_line(l, n) || !off ? 0 : 1), locs,
		    sizeof(locs) / sizeof(locs[0]));
	if (!nl)
		goto verbatim;
	ins = (size_t)m[3].eo;
	for (size_t i = 0; i < nl && !rc; i++) {
		snprintf(num, sizeof(num), ":%d", locs[i].line);
		if (locs[i].name) {
			/* "<prefix>name file:line [inline]<rest>" */
			rc = buf_add(out, l, (size_t)m[1].so) ||
			     buf_adds(out, locs[i].name) || buf_addc(out, ' ') ||
			     buf_adds(out, locs[i].file) || buf_adds(out, num) ||
			     buf_adds(out, " [inline]") || buf_add(out, l + ins, n - ins) ||
			     buf_addc(out, '\n');
		} else {
			rc = buf_add(out, l, ins) || buf_addc(out, ' ') ||
			     buf_adds(out, locs[i].file) || buf_adds(out, num) ||
			     buf_add(out, l + ins, n - ins) || buf_addc(out, '\n');
		}
	}
	for (size_t i = 0; i < nl; i++)
		free(locs[i].name);
	return rc ? CP_ERR_NOMEM : 0;
verbatim:
	return buf_add(out, l, n) || buf_addc(out, '\n') ? CP_ERR_NOMEM : 0;
}

/*
 * User-space titles need frame names, which unsymbolized sanitizer output
 * lacks: the symbolized text is parsed again and its title, alternative
 * titles, type, frame and corrupted flag replace the old ones.
 */
static int retitle(struct cp_report *rep, struct cp_error *err)
{
	struct cp_report *again = NULL;
	int rc = cp_report_parse(rep->text, rep->text_len, &again, err);

	if (rc || !again)
		return rc;
#define SWAP(f) do { __typeof__(rep->f) tmp_ = rep->f; rep->f = again->f; again->f = tmp_; } while (0)
	SWAP(title);
	SWAP(alt_titles);
	SWAP(n_alt_titles);
	SWAP(type);
	SWAP(frame);
	SWAP(corrupted);
	SWAP(corrupted_reason);
#undef SWAP
	cp_report_free(again);
	return 0;
}

int cp_report_symbolize(struct cp_report *rep, const char *binary,
			struct cp_error *err)
{
	struct symtab t;
	struct buf out = { 0 };
	struct cp_frame *frames;
	size_t nframes, pos = 0;
	int rc;

	if ((rc = report_tables_init(err)))
		return rc;
	if ((rc = symtab_open(&t, binary, err)))
		return rc;
	while (pos < rep->text_len) {
		const char *l = rep->text + pos;
		const char *e = memchr(l, '\n', rep->text_len - pos);
		size_t n = e ? (size_t)(e - l) : rep->text_len - pos;

		if ((rc = symbolize_line(&t, l, n, binary, &out)))
			break;
		pos += n + 1;
	}
	symtab_close(&t);
	if (!rc)
		rc = frames_parse(out.p ? out.p : "", out.len, &frames, &nframes);
	if (rc) {
		buf_dispose(&out);
		return cp_error_set(err, rc, "out of memory");
	}
	free(rep->text);
	frames_free(rep->frames, rep->n_frames);
	rep->text_len = out.len;
	rep->text = buf_steal(&out);
	rep->frames = frames;
	rep->n_frames = nframes;
	free(rep->guilty_file);
	rep->guilty_file = NULL;
	if (!rep->user_space)
		rep->guilty_file = report_guilty_file(rep->title, rep->text, rep->text_len);
	else
		rc = retitle(rep, err);
	return rc;
}
