/**
 * Stream keys — the scheduler manager's dedup (docs/ARCHITECTURE.md "Stream keys") — and Step
 * Functions execution names.
 */
import { createHash } from 'node:crypto';
import type { Mode } from '../../protocol/messages';

/**
 * The stream id for a `start`:
 * - spectate → `spectate:{gameId}` (one shared stream per game),
 * - pvai → `pvai:{gameId}:{userId}` (one per player),
 * - pvp → `pvp:{gameId}:{room}` (one per room).
 * Throws when pvai has no user id or pvp has no room.
 */
export function streamIdFor(mode: Mode, gameId: string, opts: { userId?: string; room?: string }): string {
  switch (mode) {
    case 'spectate':
      return `spectate:${gameId}`;
    case 'pvai':
      if (!opts.userId) throw new Error('pvai stream needs a userId');
      return `pvai:${gameId}:${opts.userId}`;
    case 'pvp':
      if (!opts.room) throw new Error('pvp stream needs a room');
      return `pvp:${gameId}:${opts.room}`;
  }
}

/** Step Functions execution names: 1–80 characters of `A-Za-z0-9-_` (AWS StartExecution limit). */
const MAX_EXECUTION_NAME = 80;

/**
 * The execution name for a stream's epoch and generation: `{streamId}-{epoch}` for the first
 * execution of an epoch, `{streamId}-{epoch}-g{generation}` for its continue-as-new successors.
 * Characters outside Step Functions' charset become `_`; names over 80 characters keep a
 * prefix and a hash of the full name, so distinct streams never share a name.
 */
export function executionName(streamId: string, epoch: number, generation = 0): string {
  const raw = generation === 0 ? `${streamId}-${epoch}` : `${streamId}-${epoch}-g${generation}`;
  const clean = raw.replace(/[^A-Za-z0-9_-]/g, '_');
  if (clean.length <= MAX_EXECUTION_NAME && clean === raw) return clean;
  // Sanitising can make two names equal (a:b vs a_b): always add a hash when anything changed.
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 10);
  const suffix = `-${hash}`;
  return clean.slice(0, MAX_EXECUTION_NAME - suffix.length) + suffix;
}
