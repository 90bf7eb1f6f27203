// The file a loaded image (the executable or a shared library) was loaded from, for RulePacks.defaultDirectory:
// the C ABI's shared library finds the default rule packs next to itself. dladdr needs _GNU_SOURCE, which Swift's
// Glibc module does not expose, hence this shim. Internal to phiscrub (phs_ prefix, not exported by libphiscrub).
#ifndef PHS_IMAGE_H
#define PHS_IMAGE_H

// The path (as the dynamic loader names it; static storage, do not free) of the image holding the code or data at
// `address`, or NULL when dladdr does not know it.
const char *phs_image_path(const void *address);

#endif
