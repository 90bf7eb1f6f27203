// See include/phs_image.h.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#include "phs_image.h"

const char *phs_image_path(const void *address) {
    Dl_info info;
    if (dladdr(address, &info) == 0 || info.dli_fname == NULL || info.dli_fname[0] == '\0') return NULL;
    return info.dli_fname;
}
