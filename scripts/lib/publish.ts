/**
 * The parts of `npm run publish -- FILE --live` (scripts/publish.ts) that do not need a
 * terminal: turning a recording's frames into live events (docs/HTTP-API.md "Live games"),
 * batching and pacing them (pure), and a small client of the HTTP API's live-game routes
 * that retries what is safe to retry.
 *
 * Retrying is safe because every event carries an idempotency key (`{gameId}-{seq}`): a
 * batch that reached the server before its answer was lost is answered with `duplicates`
 * the second time, not appended twice.
 */
import { setTimeout as realSleep } from 'node:timers/promises';
import { fullJitterDelay } from '../../client/backoff';
import { liveEventSchema, MAX_BATCH_BYTES, MAX_EVENT_KEY_CHARS, MAX_EVENTS_PER_BATCH, parseLiveBody, type AppendAnswer, type FinishAnswer, type LiveEvent, type OpenAnswer } from '../../protocol/http-api';
import { MAX_GAME_ID_CHARS } from '../../protocol/ids';
import type { WireFrame } from '../../protocol/messages';
import { CliError, EXIT_USAGE } from './cli';

/** Events due within this many wall milliseconds of a batch's first go in that batch. */
export const BATCH_WINDOW_MS = 50;
/**
 * Serialized bytes of the events of one batch: under the route's {@link MAX_BATCH_BYTES}
 * (1 MB) with room for the `{"events":[…]}` around them.
 */
export const MAX_PUBLISH_BATCH_BYTES = MAX_BATCH_BYTES - 16 * 1024;

/**
 * The live game id a recording is published as by default: `{gameId}-live`, the recording's
 * id cut so the whole stays a game id (protocol/ids.ts: at most 128 characters).
 */
export function defaultLiveGameId(recordingGameId: string): string {
  const suffix = '-live';
  return `${recordingGameId.slice(0, MAX_GAME_ID_CHARS - suffix.length)}${suffix}`;
}

/**
 * The idempotency key of frame `seq` of live game `gameId`: `{gameId}-{seq}`, the game id cut
 * so the key stays within 128 characters (keys need only be unique within the game).
 */
export function eventKey(gameId: string, seq: number): string {
  const suffix = `-${seq}`;
  return `${gameId.slice(0, MAX_EVENT_KEY_CHARS - suffix.length)}${suffix}`;
}

/** A recording's frame as the live event that republishes it: same `t` (media ms), type and data. */
export function frameToEvent(gameId: string, frame: WireFrame): LiveEvent {
  return { key: eventKey(gameId, frame.seq), type: frame.type, t: frame.t, data: frame.data };
}

/**
 * Check every event against the API's schema before anything is sent, so a recording the
 * API would refuse halfway (data over 16 KB, a type over 64 characters) fails at once.
 * Throws {@link CliError} naming the frame's seq and the field.
 */
export function checkEvents(events: readonly LiveEvent[], seqOf: (i: number) => number): void {
  events.forEach((e, i) => {
    try {
      parseLiveBody(liveEventSchema, e);
    } catch (err) {
      throw new CliError(`frame ${seqOf(i)} cannot be published live: ${(err as Error).message}`);
    }
  });
}

/** Limits of one batch. */
export interface BatchLimits {
  /** Events due within this many wall ms of the batch's first go with it. Default {@link BATCH_WINDOW_MS}. */
  windowMs?: number;
  /** Default the API's 500. */
  maxEvents?: number;
  /** Serialized bytes of the events. Default {@link MAX_PUBLISH_BATCH_BYTES}. */
  maxBytes?: number;
}

/**
 * The pacing of a replay at `rate` (a speed factor: 2 = twice as fast): when frame `i` is due,
 * in wall ms after publishing began, counted from frame `from` (the first frame sent, so a
 * recording whose first frame is late in media time starts at once).
 */
export function dueMs(frames: readonly Pick<WireFrame, 't'>[], from: number, i: number, rate: number): number {
  return (frames[i]!.t - frames[from]!.t) / rate;
}

/**
 * The next batch: the frames from index `from` that are due within `windowMs` of the send
 * time — the first one's due time, or `elapsedMs` (wall ms since publishing began) when the
 * sender is late, so a sender that fell behind takes everything overdue at once — at most
 * `maxEvents` of them and
 * `maxBytes` of serialized events (always at least one). Returns the end index (exclusive).
 * `sizes[i]` is event `i`'s serialized size in bytes.
 */
export function nextBatchEnd(
  frames: readonly Pick<WireFrame, 't'>[],
  sizes: readonly number[],
  from: number,
  base: number,
  rate: number,
  elapsedMs: number,
  limits: BatchLimits = {},
): number {
  const windowMs = limits.windowMs ?? BATCH_WINDOW_MS;
  const maxEvents = limits.maxEvents ?? MAX_EVENTS_PER_BATCH;
  const maxBytes = limits.maxBytes ?? MAX_PUBLISH_BATCH_BYTES;
  const until = Math.max(elapsedMs, dueMs(frames, base, from, rate)) + windowMs;
  let end = from + 1;
  let bytes = sizes[from]!;
  while (end < frames.length && end - from < maxEvents && dueMs(frames, base, end, rate) <= until && bytes + sizes[end]! + 1 <= maxBytes) {
    bytes += sizes[end]! + 1;
    end++;
  }
  return end;
}

/** One planned batch: frames `[from, end)` sent `atMs` wall ms after publishing began. */
export interface PlannedBatch {
  from: number;
  end: number;
  atMs: number;
}

/**
 * The batches of a replay that keeps to its schedule (each batch sent when its first frame
 * is due), from frame index `from` on: what {@link nextBatchEnd} gives when the sender is
 * never late. The CLI computes batches as it goes (a late sender catches up in bigger ones);
 * this is its plan, for `--dry-run` figures and tests.
 */
export function planBatches(frames: readonly Pick<WireFrame, 't'>[], sizes: readonly number[], rate: number, limits: BatchLimits = {}, from = 0): PlannedBatch[] {
  const out: PlannedBatch[] = [];
  for (let i = from; i < frames.length; ) {
    const atMs = dueMs(frames, from, i, rate);
    const end = nextBatchEnd(frames, sizes, i, from, rate, atMs, limits);
    out.push({ from: i, end, atMs });
    i = end;
  }
  return out;
}

/** Serialized UTF-8 size (bytes) of each event as it goes in a request body. */
export function eventSizes(events: readonly LiveEvent[]): number[] {
  return events.map((e) => Buffer.byteLength(JSON.stringify(e)));
}

// ---------------------------------------------------------------------------------------
// The HTTP client
// ---------------------------------------------------------------------------------------

/** A refusal of the HTTP API (a 4xx): not retried. */
export class LiveApiRefusal extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LiveApiRefusal';
  }
}

/** Retry settings of {@link LiveApiClient}. Times in ms. */
export interface RetryOptions {
  /** Attempts of one request, the first included. Default 8. */
  attempts?: number;
  /** Backoff base and cap (client/backoff.ts `fullJitterDelay`). Defaults 250 and 8,000. */
  baseMs?: number;
  capMs?: number;
  /** Bound on one attempt. Default 30,000 (API Gateway's own limit is 30 s). */
  timeoutMs?: number;
}

/** What one request took: its answer, the attempts and the wall ms of the last attempt. */
export interface Answer<T> {
  body: T;
  status: number;
  attempts: number;
  /** Wall ms of the attempt that succeeded (request sent → answer parsed). */
  latencyMs: number;
}


/** Seams of {@link LiveApiClient}: fetch, sleep (ms), a clock (ms), a retry report. */
export interface LiveApiDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called before each retry: what failed, and the delay (ms) before the next attempt. */
  onRetry?: (what: string, reason: string, delayMs: number) => void;
}

/** The message of a refusal body: `{ error: { code, message } }` (the API) or `{ message }` (API Gateway's own 401/403/404). */
function refusalText(status: number, text: string): { code: string; message: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown }; message?: unknown };
    if (body.error && typeof body.error.message === 'string') return { code: String(body.error.code ?? status), message: body.error.message };
    if (typeof body.message === 'string') return { code: String(status), message: body.message };
  } catch {
    /* not JSON */
  }
  return { code: String(status), message: text.slice(0, 200) || `HTTP ${status}` };
}

/**
 * A client of the HTTP API's live-game routes at `baseUrl` with bearer `token`. Network
 * failures, timeouts, 429 and 5xx are retried with full-jitter backoff; any other 4xx is a
 * {@link LiveApiRefusal} at once (`401` gets a hint about the token).
 */
export class LiveApiClient {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly deps: LiveApiDeps = {},
    private readonly retry: RetryOptions = {},
  ) {
    this.fetchImpl = deps.fetch ?? fetch;
    this.sleep = deps.sleep ?? realSleep;
    this.now = deps.now ?? (() => performance.now());
  }

  /** `PUT /games/{gameId}`: 201 opened, 200 open already. */
  openGame(gameId: string, body: { kind: string; title: string; participants: string[] }): Promise<Answer<OpenAnswer>> {
    return this.request('PUT', `/games/${encodeURIComponent(gameId)}`, body);
  }

  /** `POST /games/{gameId}/events` with `{ events }`. */
  postEvents(gameId: string, events: readonly LiveEvent[]): Promise<Answer<AppendAnswer>> {
    return this.request('POST', `/games/${encodeURIComponent(gameId)}/events`, { events });
  }

  /** `POST /games/{gameId}/finish`. */
  finish(gameId: string): Promise<Answer<FinishAnswer>> {
    return this.request('POST', `/games/${encodeURIComponent(gameId)}/finish`, undefined);
  }

  /** One request with retries. Throws {@link LiveApiRefusal} (4xx) or {@link CliError} (attempts exhausted). */
  async request<T>(method: string, path: string, body: unknown): Promise<Answer<T>> {
    const attempts = this.retry.attempts ?? 8;
    const what = `${method} ${path}`;
    let reason = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const started = this.now();
      try {
        const res = await this.fetchImpl(new URL(path, this.baseUrl.replace(/\/*$/, '/')), {
          method,
          headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.retry.timeoutMs ?? 30_000),
        });
        const text = await res.text();
        if (res.ok) {
          return { body: (text === '' ? {} : JSON.parse(text)) as T, status: res.status, attempts: attempt, latencyMs: this.now() - started };
        }
        const { code, message } = refusalText(res.status, text);
        if (res.status !== 429 && res.status < 500) {
          const hint = res.status === 401 ? ' (the token is missing, invalid or expired)' : res.status === 403 ? ' (does the token have the publisher role?)' : '';
          throw new LiveApiRefusal(res.status, code, `${what} refused: ${res.status} ${code}: ${message}${hint}`);
        }
        reason = `${res.status} ${code}: ${message}`;
      } catch (e) {
        if (e instanceof LiveApiRefusal) throw e;
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        reason = cause ?? (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      }
      if (attempt < attempts) {
        const delay = fullJitterDelay(attempt - 1, { baseMs: this.retry.baseMs ?? 250, capMs: this.retry.capMs ?? 8000 });
        this.deps.onRetry?.(what, reason, delay);
        await this.sleep(delay);
      }
    }
    throw new CliError(`${what} failed after ${attempts} attempts: ${reason}`);
  }
}

/** A `--rate` value: a speed factor 0.01–10,000 (`4`, `0.5`, `4x`). Throws a usage {@link CliError}. */
export function parseRate(text: string): number {
  const digits = text.trim().replace(/[x×]$/i, '');
  const n = Number(digits);
  if (digits === '' || !Number.isFinite(n)) throw new CliError(`--rate ${JSON.stringify(text)}: expected a speed factor such as 4`, EXIT_USAGE);
  if (n < 0.01 || n > 10_000) throw new CliError(`--rate ${text}: must be between 0.01 and 10000`, EXIT_USAGE);
  return n;
}
