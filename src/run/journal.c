/*
 * The resumable journal (see journal.h): JSON lines, one write() and one
 * fsync() per record, a torn last line dropped on reading.
 */
#include "run/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/dirlock.h"

struct cp_journal {
	int fd;			/* the journal, O_APPEND */
	int lock_fd;
	char *path;
	json_t *header;		/* the caller's header object */
	json_t *records;	/* array of objects, oldest first */
	off_t size;		/* bytes of whole lines on disk */
	bool resumed;
	bool broken;		/* a write or sync failed: no more appends */
	int (*sync_fn)(int fd);
};

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

static int write_all(int fd, const char *data, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads the whole file into a NUL-terminated buffer. */
static int read_file(int fd, const char *path, char **out, size_t *len_out,
		     struct cp_error *err)
{
	struct stat sb;
	size_t got = 0;
	ssize_t r;
	char *buf;

	*out = NULL;
	*len_out = 0;
	if (fstat(fd, &sb) < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot read '%s': %s", path,
				    strerror(errno));
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	while (got < (size_t)sb.st_size) {
		r = pread(fd, buf + got, (size_t)sb.st_size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return cp_error_set(err, CP_ERR_IO, "cannot read '%s': %s",
					    path, strerror(errno));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*out = buf;
	*len_out = got;
	return 0;
}

static int check_header(struct cp_journal *j, json_t *line, struct cp_error *err)
{
	json_t *hdr = json_object_get(line, "header");
	json_int_t format;

	if (!json_is_string(json_object_get(line, "journal")) ||
	    strcmp(json_string_value(json_object_get(line, "journal")), "culprit") ||
	    !json_is_integer(json_object_get(line, "format")) ||
	    !json_is_object(hdr))
		return cp_error_set(err, CP_ERR_INPUT,
				    "'%s' is not a culprit journal", j->path);
	format = json_integer_value(json_object_get(line, "format"));
	if (format != CP_JOURNAL_FORMAT)
		return cp_error_set(err, CP_ERR_INPUT,
				    "journal '%s' has format %lld, this culprit reads format %d",
				    j->path, (long long)format, CP_JOURNAL_FORMAT);
	j->header = json_incref(hdr);
	return 0;
}

/*
 * Parses the lines of buf.  Sets *valid to the bytes of whole, parsable
 * lines; a torn or unparsable last line is left out, any other bad line is
 * an error.
 */
static int parse_lines(struct cp_journal *j, const char *buf, size_t len,
		       size_t *valid, struct cp_error *err)
{
	size_t pos = 0, lineno = 0;
	json_error_t jerr;
	json_t *v;
	int ret;

	*valid = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		bool last;

		lineno++;
		if (!nl)
			break;	/* torn: the newline never made it */
		last = end + 1 >= len;
		v = json_loadb(buf + pos, end - pos, 0, &jerr);
		if (!v || !json_is_object(v)) {
			json_decref(v);
			if (last)
				break;	/* torn differently: drop it too */
			return cp_error_set(err, CP_ERR_INPUT,
					    "journal '%s' line %zu is corrupt%s%s",
					    j->path, lineno, v ? "" : ": ",
					    v ? "" : jerr.text);
		}
		if (lineno == 1) {
			ret = check_header(j, v, err);
			json_decref(v);
			if (ret)
				return ret;
		} else if (json_array_append_new(j->records, v)) {
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		pos = end + 1;
		*valid = pos;
	}
	return 0;
}

static int write_header(struct cp_journal *j, json_t *header,
			struct cp_error *err)
{
	json_t *line;
	int ret;

	j->header = header ? json_incref(header) : json_object();
	if (!j->header)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (!json_is_object(j->header))
		return cp_error_set(err, CP_ERR_INTERNAL,
				    "journal header must be a JSON object");
	line = json_pack("{s:s, s:i, s:O}", "journal", "culprit",
			 "format", CP_JOURNAL_FORMAT, "header", j->header);
	if (!line)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	/* Written like a record, then counted out of the records. */
	ret = cp_journal_append(j, line, err);
	json_decref(line);
	if (ret)
		return ret;
	return json_array_remove(j->records, 0) ?
		cp_error_set(err, CP_ERR_INTERNAL, "journal header lost") : 0;
}

static int load_or_create(struct cp_journal *j, const char *dir,
			  json_t *header, struct cp_error *err)
{
	char *buf = NULL;
	size_t len = 0, valid = 0;
	int ret;

	ret = read_file(j->fd, j->path, &buf, &len, err);
	if (ret)
		return ret;
	ret = parse_lines(j, buf, len, &valid, err);
	free(buf);
	if (ret)
		return ret;
	if (valid < len) {
		/* Cut the torn line so the next record starts clean. */
		if (ftruncate(j->fd, (off_t)valid) < 0 || j->sync_fn(j->fd) < 0)
			return cp_error_set(err, CP_ERR_IO,
					    "cannot repair '%s': %s", j->path,
					    strerror(errno));
	}
	j->size = (off_t)valid;
	if (j->header) {
		j->resumed = true;
		return 0;
	}
	ret = write_header(j, header, err);
	if (ret)
		return ret;
	if (sync_dir(dir) < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot sync '%s': %s", dir,
				    strerror(errno));
	return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir, struct cp_error *err)
{
	char *path, *p, c;
	int ret = 0;

	if (!*dir)
		return cp_error_set(err, CP_ERR_USAGE, "empty output directory");
	path = strdup(dir);
	if (!path)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			ret = cp_error_set(err, CP_ERR_IO, "cannot create '%s': %s",
					   path, strerror(errno));
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	free(path);
	return ret;
}

int cp_journal_open(struct cp_journal **out, const char *dir, json_t *header,
		    struct cp_error *err)
{
	struct cp_journal *j;
	int ret;

	*out = NULL;
	ret = make_dirs(dir, err);
	if (ret)
		return ret;
	j = calloc(1, sizeof(*j));
	if (!j)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	j->fd = -1;
	j->lock_fd = -1;
	j->sync_fn = fsync;
	j->records = json_array();
	if (!j->records || asprintf(&j->path, "%s/%s", dir, CP_JOURNAL_FILE) < 0) {
		j->path = NULL;
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto fail;
	}
	ret = cp_dirlock_acquire(&j->lock_fd, dir, err);
	if (ret)
		goto fail;
	j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (j->fd < 0) {
		ret = cp_error_set(err, CP_ERR_IO, "cannot open '%s': %s",
				   j->path, strerror(errno));
		goto fail;
	}
	ret = load_or_create(j, dir, header, err);
	if (ret)
		goto fail;
	*out = j;
	return 0;
fail:
	cp_journal_close(j);
	return ret;
}

bool cp_journal_resumed(const struct cp_journal *j)
{
	return j->resumed;
}

json_t *cp_journal_header(const struct cp_journal *j)
{
	return j->header;
}

size_t cp_journal_count(const struct cp_journal *j)
{
	return json_array_size(j->records);
}

json_t *cp_journal_get(const struct cp_journal *j, size_t i)
{
	return json_array_get(j->records, i);
}

int cp_journal_append(struct cp_journal *j, json_t *record,
		      struct cp_error *err)
{
	char *line;
	size_t len;
	int ret = 0;

	if (j->broken)
		return cp_error_set(err, CP_ERR_IO,
				    "journal '%s' is unusable after an earlier error",
				    j->path);
	if (!json_is_object(record))
		return cp_error_set(err, CP_ERR_INTERNAL,
				    "a journal record must be a JSON object");
	/* Compact output has no newline: escapes keep it on one line. */
	line = json_dumps(record, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!line)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	len = strlen(line);
	line[len] = '\n';	/* the NUL becomes the newline */
	if (write_all(j->fd, line, len + 1) < 0) {
		ret = cp_error_set(err, CP_ERR_IO, "writing journal '%s': %s",
				   j->path, strerror(errno));
		/* Take the partial line back if we can; reading would drop
		 * it anyway. */
		if (ftruncate(j->fd, j->size) < 0)
			(void)0;
		j->broken = true;
		goto out;
	}
	if (j->sync_fn(j->fd) < 0) {
		ret = cp_error_set(err, CP_ERR_IO, "syncing journal '%s': %s",
				   j->path, strerror(errno));
		j->broken = true;
		goto out;
	}
	j->size += (off_t)(len + 1);
	if (json_array_append(j->records, record))
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
out:
	free(line);
	return ret;
}

void cp_journal_close(struct cp_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	cp_dirlock_release(j->lock_fd);
	json_decref(j->header);
	json_decref(j->records);
	free(j->path);
	free(j);
}

void cp_journal__set_sync(struct cp_journal *j, int (*sync_fn)(int fd))
{
	j->sync_fn = sync_fn;
}
