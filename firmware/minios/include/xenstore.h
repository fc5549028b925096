/*
 * Xenstore client over the ring at HVM_PARAM_STORE_PFN, notified through
 * HVM_PARAM_STORE_EVTCHN (ABI doc 7). One request at a time; replies and
 * watch events are read from the response ring as they come. Errors from
 * the store (XS_ERROR "EACCES" ...) come back as -XEN_E*.
 */
#ifndef MINIOS_XENSTORE_H
#define MINIOS_XENSTORE_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -XEN_ENOENT when the domain has no store ring. */
long xenstore_init(void);
/* Reads path into buf (NUL-terminated): the value length, or -XEN_E*. */
long xs_read(const char *path, char *buf, size_t size);
long xs_write(const char *path, const char *value);
long xs_rm(const char *path);
/* Child names, each NUL-terminated, back to back: total bytes or -XEN_E*. */
long xs_directory(const char *path, char *buf, size_t size);
long xs_watch(const char *path, const char *token);
/*
 * Waits up to timeout_ms (0: forever) for a watch event; copies its path
 * and token. 0, or -XEN_EAGAIN on timeout.
 */
long xs_read_watch(char *path, size_t path_size, char *token, size_t token_size,
                   uint32_t timeout_ms);
/* A raw request (for tests): type, payload of len bytes; reply copied to buf. */
long xs_request(uint32_t type, const void *payload, size_t len, char *buf, size_t size);
/* The errno name for a -XEN_E* value ("EACCES"), for messages. */
const char *xen_errno_name(long err);

#endif
