/**
 * The generic frame schema (zod): what kinds/generic/index.ts `generic.frameSchema` accepts.
 */
import * as z from 'zod';

/** A whole generic frame. */
export const genericFrameSchema = z.object({
  seq: z.number().int().nonnegative(),
  t: z.number().int().nonnegative(),
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});
