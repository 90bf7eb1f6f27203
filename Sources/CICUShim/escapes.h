// phiscrub ICU shim: the escapes text carries characters in (internal to the shim; see escapes.c).
#ifndef PHISCRUB_ESCAPES_H
#define PHISCRUB_ESCAPES_H

#include <stddef.h>
#include <stdint.h>

// The character of the escape at in[i] and its length in bytes (*len), or -1 when none starts there:
//   - JSON \uXXXX (a surrogate pair as one character), when the backslash is not itself escaped;
//   - URL %XX, and the %XX sequence of one UTF-8 character (%C3%A9);
//   - HTML &#N;, &#xH; and the named references of HTML 4.01 (&eacute;, &nbsp;) and &apos;.
// Control characters (below U+0020, and U+007F) and lone surrogates are never read from an escape: a decoded line
// feed would split the line. `json_paired`: the caller knows the backslash at in[i] is not escaped.
int32_t phs_escape_at(const uint8_t *in, size_t n, size_t i, size_t *len, int json_paired);

#endif
