#ifndef PHISCRUB_CPCRE2_SHIM_H
#define PHISCRUB_CPCRE2_SHIM_H
/* PCRE2 8-bit API for Swift. pcre2_compile & co. are macros over the _8 symbols,
   which Swift cannot see; the wrappers below give them plain names. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* PCRE2_UNSET is ~(size_t)0; Swift imports size_t as Int, so it reads as -1 there. */
#endif
