// See include/phs_heap.h.
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include "phs_heap.h"

void phs_heap_trim(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
