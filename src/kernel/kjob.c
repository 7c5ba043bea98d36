/*
 * The kernel sections of a job file ("kernel", "vm", "repro") turned into
 * the driver's build and test commands: culprit kernel-build and culprit
 * vm-run, each given the validated sections as one JSON argument.
 */
#include "kernel/kernel.h"
#include "vm/initramfs.h"
#include "vm/vm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *cp_kernel_shell_quote(const char *s)
{
	size_t n = 2, i;
	char *out, *p;

	for (i = 0; s[i]; i++)
		n += s[i] == '\'' ? 4 : 1;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	p = out;
	*p++ = '\'';
	for (i = 0; s[i]; i++) {
		if (s[i] == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = s[i];
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

unsigned cp_kernel_job_vm_count(json_t *job_obj)
{
	json_t *v = json_object_get(json_object_get(job_obj, "vm"), "count");

	return json_is_integer(v) && json_integer_value(v) > 0 &&
	       json_integer_value(v) <= 1000 ? (unsigned)json_integer_value(v) : 0;
}

int cp_kernel_self_path(char **out, struct cp_error *err)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	*out = NULL;
	if (n < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot read /proc/self/exe: %s", strerror(errno));
	buf[n] = '\0';
	*out = strdup(buf);
	return *out ? 0 : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

static int check_uint(json_t *vm, const char *key, long long lo, long long hi,
		      struct cp_error *err)
{
	json_t *v = json_object_get(vm, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return cp_error_set(err, CP_ERR_JOB, "vm.%s: must be an integer from %lld to %lld",
				    key, lo, hi);
	return 0;
}

/* Validates "vm" and returns a copy with absolute paths in *out. */
static int vm_section(json_t *vm, const char *base, json_t **out, struct cp_error *err)
{
	const char *key;
	json_t *v, *copy;
	int ret = 0;

	*out = NULL;
	if (!vm) {
		*out = json_object();
		return *out ? 0 : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	if (!json_is_object(vm))
		return cp_error_set(err, CP_ERR_JOB, "vm: must be an object");
	json_object_foreach(vm, key, v) {
		if (!strcmp(key, "type")) {
			if (!json_is_string(v) || !cp_vm_type_find(json_string_value(v)))
				return cp_error_set(err, CP_ERR_JOB, "vm.type: must be one of %s",
						    cp_vm_type_names());
		} else if (!strcmp(key, "accel")) {
			const char *a = json_string_value(v);

			if (!a || (strcmp(a, "auto") && strcmp(a, "kvm") && strcmp(a, "tcg")))
				return cp_error_set(err, CP_ERR_JOB, "vm.accel: must be auto, kvm or tcg");
		} else if (!strcmp(key, "boot_test")) {
			if (!json_is_boolean(v))
				return cp_error_set(err, CP_ERR_JOB, "vm.boot_test: must be true or false");
		} else if (!strcmp(key, "qemu") || !strcmp(key, "busybox")) {
			if (!json_is_string(v) || !json_string_length(v))
				return cp_error_set(err, CP_ERR_JOB, "vm.%s: must be a path", key);
		} else if (strcmp(key, "count") && strcmp(key, "mem") && strcmp(key, "cpus") &&
			   strcmp(key, "boot_timeout") && strcmp(key, "run_timeout")) {
			return cp_error_set(err, CP_ERR_JOB, "vm: unknown field '%s'", key);
		}
	}
	ret = check_uint(vm, "count", 1, 1000, err);
	if (!ret)
		ret = check_uint(vm, "mem", 64, 1 << 20, err);
	if (!ret)
		ret = check_uint(vm, "cpus", 1, 64, err);
	if (!ret)
		ret = check_uint(vm, "boot_timeout", 1, 86400, err);
	if (!ret)
		ret = check_uint(vm, "run_timeout", 1, 86400, err);
	if (ret)
		return ret;
	copy = json_deep_copy(vm);
	if (!copy)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	v = json_object_get(vm, "busybox");
	if (v && json_string_value(v)[0] != '/') {
		char *p = NULL;

		if (asprintf(&p, "%s/%s", base ? base : ".", json_string_value(v)) < 0 ||
		    json_object_set_new(copy, "busybox", json_string(p))) {
			free(p);
			json_decref(copy);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		free(p);
	}
	*out = copy;
	return 0;
}

static int repro_section(json_t *r, const char *base, json_t **out, struct cp_error *err)
{
	const char *kind = NULL, *key;
	char cwd[PATH_MAX], *p = NULL;
	json_t *v;

	*out = NULL;
	if (!json_is_object(r))
		return cp_error_set(err, CP_ERR_JOB, "repro: missing; {\"c\": PATH} or {\"sh\": PATH}");
	json_object_foreach(r, key, v) {
		if (strcmp(key, "c") && strcmp(key, "sh"))
			return cp_error_set(err, CP_ERR_JOB, "repro: unknown field '%s'", key);
		if (kind)
			return cp_error_set(err, CP_ERR_JOB, "repro: give one of \"c\" and \"sh\"");
		if (!json_is_string(v) || !json_string_length(v))
			return cp_error_set(err, CP_ERR_JOB, "repro.%s: must be a path", key);
		kind = key;
	}
	if (!kind)
		return cp_error_set(err, CP_ERR_JOB, "repro: give one of \"c\" and \"sh\"");
	v = json_object_get(r, kind);
	if (json_string_value(v)[0] == '/') {
		p = strdup(json_string_value(v));
	} else {
		if (!base) {
			if (!getcwd(cwd, sizeof(cwd)))
				return cp_error_set(err, CP_ERR_IO, "getcwd: %s", strerror(errno));
			base = cwd;
		}
		if (asprintf(&p, "%s/%s", base, json_string_value(v)) < 0)
			p = NULL;
	}
	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (access(p, R_OK)) {
		cp_error_set(err, CP_ERR_JOB, "repro.%s: cannot read %s: %s", kind, p, strerror(errno));
		free(p);
		return CP_ERR_JOB;
	}
	if (!strcmp(kind, "c")) {
		/* a reproducer that does not compile would fail every run: refuse the job */
		struct cp_error ce;

		cp_error_clear(&ce);
		if (cp_initramfs_check_repro(p, &ce)) {
			cp_error_set(err, CP_ERR_JOB, "repro.c: %s does not compile: %s", p, ce.msg);
			free(p);
			return CP_ERR_JOB;
		}
	}
	*out = json_pack("{s:s}", kind, p);
	free(p);
	return *out ? 0 : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

/*
 * A file given as kernel.config must look like a .config: at least one
 * "CONFIG_X=v" or "# CONFIG_X is not set" line, and nothing that is not an
 * option, a comment or blank (a defconfig fragment is fine too).
 */
static int check_config_file(const char *path, struct cp_error *err)
{
	char line[4096];
	unsigned n = 0, options = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return cp_error_set(err, CP_ERR_JOB, "kernel.config: cannot read %s: %s", path,
				    strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct cp_kernel_option opt;
		int r;

		n++;
		line[strcspn(line, "\r\n")] = '\0';
		r = cp_kernel_option_parse(line, &opt);
		if (r < 0) {
			fclose(f);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		if (r == 1) {
			free(opt.name);
			free(opt.value);
			options++;
			continue;
		}
		if (line[strspn(line, " \t")] == '\0' || line[strspn(line, " \t")] == '#')
			continue;
		fclose(f);
		return cp_error_set(err, CP_ERR_JOB,
				    "kernel.config: %s is not a kernel config: line %u is not 'CONFIG_X=v', '# CONFIG_X is not set' or a comment",
				    path, n);
	}
	fclose(f);
	if (!options)
		return cp_error_set(err, CP_ERR_JOB,
				    "kernel.config: %s is not a kernel config: no CONFIG_ option in it", path);
	return 0;
}

/*
 * The compiler table of a kernel section without "compilers" rows:
 * kernel.compilers_file, else the default table (data/kernel-compilers.txt)
 * when there is one; its rows go into the section's "compilers", and
 * "compilers_file" becomes the absolute path read (for the log).
 */
static int compiler_table(json_t *k, const char *base, struct cp_error *err)
{
	json_t *v = json_object_get(k, "compilers_file"), *rows = NULL;
	char *path = NULL;
	int ret;

	if (v) {
		const char *p = json_string_value(v);

		if (p[0] == '/')
			path = strdup(p);
		else if (asprintf(&path, "%s/%s", base ? base : ".", p) < 0)
			path = NULL;
		if (!path)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	} else {
		path = cp_kernel_compilers_default_path();
		if (!path)
			return 0;	/* no table: gcc (docs/kernel.md) */
	}
	ret = cp_kernel_compilers_load_table(path, &rows, err);
	if (ret && v)
		ret = cp_error_set(err, CP_ERR_JOB, "kernel.compilers_file: %s", err->msg);
	if (!ret && (json_object_set_new(k, "compilers", rows) ||
		     json_object_set_new(k, "compilers_file", json_string(path))))
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	free(path);
	return ret;
}

/* The "kernel" section with absolute paths, validated by the parser. */
static int kernel_section(json_t *k, const char *base, json_t **out, struct cp_error *err)
{
	struct cp_kernel_spec spec;
	json_t *copy;
	int ret;

	*out = NULL;
	cp_kernel_spec_init(&spec);
	ret = cp_kernel_spec_from_json(k, base, &spec, err);
	if (!ret && access(spec.config, R_OK))
		ret = cp_error_set(err, CP_ERR_JOB, "kernel.config: cannot read %s: %s",
				   spec.config, strerror(errno));
	if (!ret)
		ret = check_config_file(spec.config, err);
	if (ret)
		goto out;
	copy = json_deep_copy(k);
	if (copy && !json_object_get(k, "compilers")) {
		ret = compiler_table(copy, base, err);
		if (ret) {
			json_decref(copy);
			goto out;
		}
	}
	if (!copy ||
	    json_object_set_new(copy, "config", json_string(spec.config)) ||
	    (spec.build_dir && json_object_set_new(copy, "build_dir", json_string(spec.build_dir))) ||
	    (spec.cache_dir && json_object_set_new(copy, "cache_dir", json_string(spec.cache_dir)))) {
		json_decref(copy);
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	*out = copy;
out:
	cp_kernel_spec_free(&spec);
	return ret;
}

static char *command(const char *self, const char *sub, const char *json)
{
	char *qs = cp_kernel_shell_quote(self), *qj = cp_kernel_shell_quote(json), *cmd = NULL;

	if (qs && qj && asprintf(&cmd, "%s %s --spec %s", qs, sub, qj) < 0)
		cmd = NULL;
	free(qs);
	free(qj);
	return cmd;
}

/* cp_kernel_job_expand(), and the kernel section as expanded in *kout (may be NULL). */
static int expand(json_t *job_obj, const char *base, char **build_cmd,
		  char **test_cmd, char **boot_cmd, json_t **kout, struct cp_error *err)
{
	json_t *k = NULL, *vm = NULL, *r = NULL, *spec = NULL;
	char *self = NULL, *json = NULL;
	int ret;

	*build_cmd = *test_cmd = NULL;
	if (boot_cmd)
		*boot_cmd = NULL;
	if (!json_object_get(job_obj, "kernel")) {
		if (json_object_get(job_obj, "vm") || json_object_get(job_obj, "repro"))
			return cp_error_set(err, CP_ERR_JOB, "vm and repro need a kernel section");
		return 0;
	}
	ret = kernel_section(json_object_get(job_obj, "kernel"), base, &k, err);
	if (!ret)
		ret = vm_section(json_object_get(job_obj, "vm"), base, &vm, err);
	if (!ret)
		ret = repro_section(json_object_get(job_obj, "repro"), base, &r, err);
	if (!ret)
		ret = cp_kernel_self_path(&self, err);
	if (ret)
		goto out;
	spec = json_pack("{s:O, s:O, s:O}", "kernel", k, "vm", vm, "repro", r);
	json = spec ? json_dumps(spec, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (json) {
		*build_cmd = command(self, "kernel-build", json);
		*test_cmd = command(self, "vm-run", json);
		if (boot_cmd && !json_is_false(json_object_get(vm, "boot_test"))) {
			*boot_cmd = command(self, "vm-run --boot", json);
			if (!*boot_cmd) {
				free(*build_cmd);
				*build_cmd = NULL;
			}
		}
	}
	if (!*build_cmd || !*test_cmd) {
		free(*build_cmd);
		free(*test_cmd);
		*build_cmd = *test_cmd = NULL;
		if (boot_cmd) {
			free(*boot_cmd);
			*boot_cmd = NULL;
		}
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
out:
	if (kout && !ret)
		*kout = json_incref(k);
	json_decref(k);
	json_decref(vm);
	json_decref(r);
	json_decref(spec);
	free(self);
	free(json);
	return ret;
}

int cp_kernel_job_spec(json_t *job_obj, const char *base, json_t **spec, struct cp_error *err)
{
	json_t *k = NULL, *vm = NULL, *r = NULL;
	int ret;

	*spec = NULL;
	if (!json_object_get(job_obj, "kernel"))
		return cp_error_set(err, CP_ERR_JOB, "not a kernel job: no \"kernel\" section");
	ret = kernel_section(json_object_get(job_obj, "kernel"), base, &k, err);
	if (!ret)
		ret = vm_section(json_object_get(job_obj, "vm"), base, &vm, err);
	if (!ret)
		ret = repro_section(json_object_get(job_obj, "repro"), base, &r, err);
	if (!ret) {
		*spec = json_pack("{s:O, s:O, s:O}", "kernel", k, "vm", vm, "repro", r);
		if (!*spec)
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	json_decref(k);
	json_decref(vm);
	json_decref(r);
	return ret;
}

int cp_kernel_job_expand(json_t *job_obj, const char *base, char **build_cmd,
			 char **test_cmd, struct cp_error *err)
{
	return expand(job_obj, base, build_cmd, test_cmd, NULL, NULL, err);
}

/*
 * The job's "kconfig_needs" (release thinning): the must_hold options the
 * config sets (not the "is not set" ones: an old kernel lacks those too).
 * Non-zero when out of memory.
 */
static int kconfig_needs(json_t *job_obj, json_t *k)
{
	json_t *must = json_object_get(k, "must_hold"), *v, *out;
	size_t i;

	if (!json_array_size(must) || json_object_get(job_obj, "kconfig_needs"))
		return 0;
	out = json_array();
	if (!out)
		return -1;
	json_array_foreach(must, i, v) {
		struct cp_kernel_option opt;

		if (cp_kernel_option_parse(json_string_value(v) ?: "", &opt) != 1)
			continue;
		if (opt.value && json_array_append_new(out, json_string(opt.name))) {
			free(opt.name);
			free(opt.value);
			json_decref(out);
			return -1;
		}
		free(opt.name);
		free(opt.value);
	}
	return json_object_set_new(job_obj, "kconfig_needs", out);
}

int cp_kernel_job_rewrite(json_t *job_obj, const char *base, struct cp_error *err)
{
	char *build = NULL, *test = NULL, *boot = NULL;
	unsigned count;
	json_t *cc = NULL, *rows, *k = NULL;
	int ret;

	if (!json_object_get(job_obj, "kernel"))
		return cp_kernel_job_expand(job_obj, base, &build, &test, err);
	if (json_object_get(job_obj, "build") || json_object_get(job_obj, "test"))
		return cp_error_set(err, CP_ERR_JOB,
				    "a kernel job makes its own build and test commands: drop \"build\" and \"test\"");
	ret = expand(job_obj, base, &build, &test, &boot, &k, err);
	if (ret)
		return ret;
	count = cp_kernel_job_vm_count(job_obj);
	rows = json_object_get(k, "compilers");
	{
		size_t i;
		json_t *row;
		int top = 0;

		/* the newest row: the first one open at the top, else the first */
		json_array_foreach(rows, i, row)
			if (!cc || (!json_object_get(row, "max") && !top)) {
				cc = json_object_get(row, "cc");
				top = !json_object_get(row, "max");
			}
	}
	if (json_is_array(cc))
		cc = json_array_get(cc, 0);
	if (json_object_set_new(job_obj, "build", json_string(build)) ||
	    json_object_set_new(job_obj, "test", json_string(test)) ||
	    kconfig_needs(job_obj, k) ||
	    (boot && !json_object_get(job_obj, "boot_test") &&
	     json_object_set_new(job_obj, "boot_test", json_string(boot))) ||
	    (count && !json_object_get(job_obj, "runs") &&
	     json_object_set_new(job_obj, "runs", json_integer(count))) ||
	    (!json_object_get(job_obj, "compiler") &&
	     json_object_set_new(job_obj, "compiler", json_string(json_string_value(cc) ?: "gcc"))) ||
	    /* the driver logs the compiler each commit's version picks */
	    (json_array_size(rows) && !json_object_get(job_obj, "compilers") &&
	     json_object_set_new(job_obj, "compilers", json_deep_copy(rows))))
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	json_object_del(job_obj, "kernel");
	json_object_del(job_obj, "vm");
	json_object_del(job_obj, "repro");
	json_decref(k);
	free(build);
	free(test);
	free(boot);
	return ret;
}
