// PHIEval: accuracy evaluation for `phiscrub eval`: gold-span readers (the project's JSON Lines, Presidio's
// format), exact and overlap scoring per entity, the confusion table and the text report. It scans nothing itself.
