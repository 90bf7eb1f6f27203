// Gives the heap's free pages back to the system (glibc's malloc_trim, which Swift's Glibc module does not expose),
// for RuleSet.load after the packs' transient parse trees are freed. Internal to phiscrub (phs_ prefix, not exported
// by libphiscrub).
#ifndef PHS_HEAP_H
#define PHS_HEAP_H

// Returns free memory of every malloc arena to the system; a no-op where the C library has no such call.
void phs_heap_trim(void);

#endif
