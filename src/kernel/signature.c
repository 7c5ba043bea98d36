/*
 * Kernel signature: syzkaller's ElfBinarySignature (pkg/build/linux.go).
 * For each section in section-header order with SHF_ALLOC that is neither
 * SHT_NOBITS (.bss) nor SHT_NOTE (build id), the SHA-256 of its file bytes;
 * the 32-byte digests go into an outer SHA-256, printed as hex.
 */
#include "kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int hash_section(Elf_Scn *scn, EVP_MD_CTX *outer, EVP_MD_CTX *inner,
			struct cp_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	Elf_Data *data = NULL;

	if (EVP_DigestInit_ex(inner, EVP_sha256(), NULL) != 1)
		return cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 init failed");
	while ((data = elf_rawdata(scn, data)) != NULL) {
		if (data->d_buf && data->d_size &&
		    EVP_DigestUpdate(inner, data->d_buf, data->d_size) != 1)
			return cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 update failed");
	}
	if (EVP_DigestFinal_ex(inner, md, &mdlen) != 1 ||
	    EVP_DigestUpdate(outer, md, mdlen) != 1)
		return cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 failed");
	return 0;
}

int cp_kernel_signature(const char *path, char out[CP_KERNEL_SIG_HEXSZ],
			struct cp_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *outer = NULL, *inner = NULL;
	Elf_Scn *scn = NULL;
	Elf *elf = NULL;
	int fd, ret = 0;

	out[0] = '\0';
	if (elf_version(EV_CURRENT) == EV_NONE)
		return cp_error_set(err, CP_ERR_INTERNAL, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ret = cp_error_set(err, CP_ERR_INPUT, "%s: not an ELF file", path);
		goto out;
	}
	outer = EVP_MD_CTX_new();
	inner = EVP_MD_CTX_new();
	if (!outer || !inner) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (EVP_DigestInit_ex(outer, EVP_sha256(), NULL) != 1) {
		ret = cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 init failed");
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh)) {
			ret = cp_error_set(err, CP_ERR_INPUT, "%s: bad section header: %s",
					   path, elf_errmsg(-1));
			goto out;
		}
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS ||
		    sh.sh_type == SHT_NOTE)
			continue;
		ret = hash_section(scn, outer, inner, err);
		if (ret)
			goto out;
	}
	if (EVP_DigestFinal_ex(outer, md, &mdlen) != 1 || mdlen != 32) {
		ret = cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 final failed");
		goto out;
	}
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
out:
	EVP_MD_CTX_free(inner);
	EVP_MD_CTX_free(outer);
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}
