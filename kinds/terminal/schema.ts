/**
 * The terminal frame schema (zod): what kinds/terminal/index.ts `terminal.frameSchema` accepts.
 */
import * as z from 'zod';

const n = z.number().int().nonnegative();
const size = z.object({ cols: z.number().int().positive(), rows: z.number().int().positive() }).strict();

/** A whole terminal frame, by type: `o` output, `i` input, `r` resize, `m` marker, `x` exit. */
export const terminalFrameSchema = z.discriminatedUnion('type', [
  z.object({ seq: n, t: n, type: z.literal('o'), data: z.string() }),
  z.object({ seq: n, t: n, type: z.literal('i'), data: z.string() }),
  z.object({ seq: n, t: n, type: z.literal('r'), data: size }),
  z.object({ seq: n, t: n, type: z.literal('m'), data: z.string() }),
  z.object({ seq: n, t: n, type: z.literal('x'), data: z.string() }),
]);

