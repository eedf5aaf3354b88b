/**
 * Imported first by scripts/bench.ts: the handlers' logger reads `POWERTOOLS_LOG_LEVEL` once,
 * when its module loads (lambda/adapters/log.ts), and the bench's static imports load it
 * before any local stack sets the level, so the level is set here (ERROR unless the caller
 * chose one): their INFO lines would drown the figures on stdout.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

export {};
