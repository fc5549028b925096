/*
 * Boot image loading (see devices/loader.h). ELF parsing is libelf's job:
 * we only check what libelf cannot know (segments inside guest RAM, file
 * data present for every loadable byte).
 */
#include "devices/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/report.h"

/* Linux zImage header: magic at offset 0x24 (arch/arm/boot/compressed/head.S). */
#define ZIMAGE_MAGIC_OFFSET 0x24
#define ZIMAGE_MAGIC 0x016f2818u
/* Where QEMU puts a zImage: RAM base + 64 KiB (it relocates itself anyway). */
#define ZIMAGE_LOAD_OFFSET 0x10000u

int loader_read_file(const char *path, uint64_t limit, uint8_t **data, uint64_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        report_error("%s: %s", path, strerror(errno));
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        report_error("%s: not a regular file", path);
        close(fd);
        return -EINVAL;
    }
    if ((uint64_t)st.st_size > limit) {
        report_error("%s: %lld bytes do not fit (limit %llu)", path, (long long)st.st_size,
                     (unsigned long long)limit);
        close(fd);
        return -EFBIG;
    }
    uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    uint64_t done = 0;
    while (done < (uint64_t)st.st_size) {
        ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);
        if (n <= 0) {
            report_error("%s: read failed: %s", path, n < 0 ? strerror(errno) : "short read");
            free(buf);
            close(fd);
            return -EIO;
        }
        done += (uint64_t)n;
    }
    close(fd);
    *data = buf;
    *size = done;
    return 0;
}

static int load_bytes(struct aspace *as, const char *path, uint64_t pa, const void *buf,
                      uint64_t len)
{
    if (!aspace_host_ptr(as, pa, len ? len : 1)) {
        report_error("%s: %llu bytes at 0x%08llx are outside guest RAM", path,
                     (unsigned long long)len, (unsigned long long)pa);
        return -ERANGE;
    }
    return aspace_write_bytes(as, pa, buf, len);
}

int loader_load_raw(struct aspace *as, const char *path, uint64_t address,
                    struct loaded_image *out)
{
    uint8_t *data;
    uint64_t size;
    int rc = loader_read_file(path, 1ull << 32, &data, &size);
    if (rc < 0)
        return rc;
    if (size == 0) {
        report_error("%s: empty file", path);
        free(data);
        return -EINVAL;
    }
    rc = load_bytes(as, path, address, data, size);
    free(data);
    if (rc < 0)
        return rc;
    out->entry = address;
    out->low = address;
    out->high = address + size;
    out->is_zimage = 0;
    return 0;
}

int loader_load_elf(struct aspace *as, const char *path, struct loaded_image *out)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        report_error("libelf: %s", elf_errmsg(-1));
        return -EINVAL;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        report_error("%s: %s", path, strerror(errno));
        return -errno;
    }
    struct stat st;
    fstat(fd, &st);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    int rc = -EINVAL;
    GElf_Ehdr ehdr;
    size_t phnum;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr)) {
        report_error("%s: not a valid ELF file (%s)", path, elf_errmsg(-1));
        goto out;
    }
    if (ehdr.e_ident[EI_CLASS] != ELFCLASS32 || ehdr.e_machine != EM_ARM) {
        report_error("%s: not a 32-bit ARM ELF file", path);
        goto out;
    }
    if (elf_getphdrnum(elf, &phnum) < 0 || phnum == 0) {
        report_error("%s: ELF file has no program headers (%s)", path, elf_errmsg(-1));
        goto out;
    }
    size_t image_size;
    char *image = elf_rawfile(elf, &image_size);
    if (!image) {
        report_error("%s: cannot read ELF image: %s", path, elf_errmsg(-1));
        goto out;
    }
    out->low = UINT64_MAX;
    out->high = 0;
    out->is_zimage = 0;
    out->entry = ehdr.e_entry;
    int loaded = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            report_error("%s: bad program header %zu: %s", path, i, elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > image_size ||
            ph.p_filesz > image_size - ph.p_offset) {
            report_error("%s: segment %zu extends past the end of the file "
                         "(truncated ELF?)", path, i);
            goto out;
        }
        if (load_bytes(as, path, ph.p_paddr, image + ph.p_offset, ph.p_filesz) < 0)
            goto out;
        /* The rest of the segment (.bss) is zero. */
        uint64_t bss = ph.p_memsz - ph.p_filesz;
        if (bss) {
            uint8_t *host = aspace_host_ptr(as, ph.p_paddr + ph.p_filesz, bss);
            if (!host) {
                report_error("%s: segment %zu at 0x%08llx is outside guest RAM", path, i,
                             (unsigned long long)ph.p_paddr);
                goto out;
            }
            memset(host, 0, bss);
        }
        /* Translate the entry point if it lies in this segment's VA range. */
        if (ehdr.e_entry >= ph.p_vaddr && ehdr.e_entry < ph.p_vaddr + ph.p_memsz)
            out->entry = ehdr.e_entry - ph.p_vaddr + ph.p_paddr;
        if (ph.p_paddr < out->low)
            out->low = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > out->high)
            out->high = ph.p_paddr + ph.p_memsz;
        loaded++;
    }
    if (!loaded) {
        report_error("%s: ELF file has no loadable segments", path);
        goto out;
    }
    rc = 0;
out:
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}

int loader_file_is_zimage(const char *path)
{
    uint8_t head[ZIMAGE_MAGIC_OFFSET + 4];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, head, sizeof(head));
    close(fd);
    uint32_t magic = 0;
    if (n == (ssize_t)sizeof(head))
        memcpy(&magic, head + ZIMAGE_MAGIC_OFFSET, 4);
    return magic == ZIMAGE_MAGIC;
}

int loader_load_kernel(struct aspace *as, const char *path, uint64_t ram_base,
                       int64_t raw_address, struct loaded_image *out)
{
    uint8_t head[64];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        report_error("%s: %s", path, strerror(errno));
        return -errno;
    }
    ssize_t n = read(fd, head, sizeof(head));
    close(fd);
    if (n >= 4 && memcmp(head, "\177ELF", 4) == 0)
        return loader_load_elf(as, path, out);
    uint32_t magic = 0;
    if (n >= ZIMAGE_MAGIC_OFFSET + 4)
        memcpy(&magic, head + ZIMAGE_MAGIC_OFFSET, 4);
    if (magic == ZIMAGE_MAGIC) {
        int rc = loader_load_raw(as, path, ram_base + ZIMAGE_LOAD_OFFSET, out);
        out->is_zimage = 1;
        return rc;
    }
    if (raw_address < 0) {
        report_error("%s: neither an ELF file nor a Linux zImage; to boot a raw binary, "
                     "set [boot] kernel-address", path);
        return -EINVAL;
    }
    return loader_load_raw(as, path, (uint64_t)raw_address, out);
}
