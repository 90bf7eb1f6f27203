/* CScanKernels: the scanner's hot loops in C, called by PHIScan (this header is documentation only; the
   interface is include/phiscrub_kernels.h).

   - features.c: the feature pass over a block of lines (byte-class bitmaps, then walks over them): keyword hits,
     digit, dotted, dashed, alphanumeric and IPv6 regions, what LineScanner's shape and keyword triggers look at.
   - features_reference.c: the same pass written plainly, one token and digit group at a time: its specification;
     PHIScanTests/FeaturePassTests checks the two agree item for item.
   - context.c: the context-word search around a match (the hot part of confidence scoring).
   - names.c (with the Latin folding table names_fold.h): the person-name detector's candidate scan, tokeniser and
     dictionary lookups (see ARCHITECTURE.md, "Detectors").
   - kernels.c: small whole-buffer helpers (first byte outside ASCII, last occurrence of a byte, byte counts).
   - kernel_shared.h: definitions the .c files share.

   Changing one: the Swift side that calls it is in PHIScan (Matching/FeatureKernel.swift, Scanning/, Detectors/);
   keep the reference pass and the tests in step, and measure with Benchmarks/ (see Benchmarks/README.md). */
