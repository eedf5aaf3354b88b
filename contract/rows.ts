/**
 * The rows matchcast keeps in DynamoDB (docs/ARCHITECTURE.md "Tables"): one definition for
 * the functions (lambda/), local mode and the CLIs (`npm run streams`, the bench) that read them.
 *
 * Units: every `…At` is wall-clock epoch **milliseconds**, except `expiresAt`, which is
 * epoch **seconds** because DynamoDB TTL only reads seconds. Every `…Ms` is media time
 * (milliseconds since the recording's start) unless its docstring says otherwise.
 */
import type { LiveStatus } from '../protocol/http-api';
import type { EndReason, Mode, Role, StreamStatus } from '../protocol/messages';

/** `Games` row: one recording in the catalog. PK `gameId`. Written by the index Lambda. */
export interface GameRow {
  gameId: string;
  title: string;
  /** What the frames describe: `tennis`, `terminal`, `cricket`, or an engine's own kind. */
  kind: string;
  /** S3 key of the matchcast/1 JSON Lines recording. */
  recordingKey: string;
  /** S3 key of its index (see protocol/recording.ts `RecordingIndex`). */
  indexKey: string;
  durationMs: number;
  frameCount: number;
  participants: string[];
  createdAt: number;
  /**
   * Live games only (`PUT /games/{gameId}`): `live` while frames are being published
   * (`POST /games/{gameId}/events`), `finished` once the publisher said so. Absent for
   * recordings uploaded whole — so its presence is what makes a game a live game.
   * `frameCount` is then the next seq, `durationMs` the last `t`.
   */
  liveStatus?: LiveStatus;
  /** Live games: wall time (epoch ms) of media time 0 — events without `t` get `now − startedAt`. */
  startedAt?: number;
  /** Live games: the chunk objects holding the frames, in seq order (the live recording's index). */
  chunks?: LiveChunk[];
  /**
   * Live games: the userId (JWT `sub`) of the publisher who opened it (`PUT /games/{gameId}`);
   * only they, or an operator, may append to, reopen or finish it. Absent on live games
   * opened before owners were recorded: any publisher may act on those.
   */
  userId?: string;
}

/** A live game's publishing state (GameRow `liveStatus`): protocol/http-api.ts's, which the HTTP API answers as `live`. */
export type { LiveStatus };

/**
 * How a stream plays a live game (StreamRow `livePlayback`): at its `edge` as events arrive,
 * or as a `replay` from the chunks.
 */
export type LivePlayback = 'edge' | 'replay';

/**
 * One chunk object of a live game: one published batch (S3 cannot append), JSON Lines of
 * frames `seq … seq + count − 1`. `keys` are the batch's idempotency keys (their digests, lambda/core/live.ts `keyDigest`), kept on the most
 * recent chunks only (lambda/core/live.ts `KEY_WINDOW`).
 */
export interface LiveChunk {
  /** First seq in the chunk. */
  seq: number;
  /** `t` (ms) of its first frame. */
  t: number;
  count: number;
  /** S3 key of the chunk object. */
  key: string;
  keys?: string[];
}

/** `Connections` row: one WebSocket connection. PK `connectionId`; GSI `byStream`. */
export interface ConnectionRow {
  connectionId: string;
  /** JWT `sub`. */
  userId: string;
  /** JWT `name`, or the user id. */
  displayName: string;
  /** Absent until the connection attaches to a stream; `byStream` only indexes attached rows. */
  streamId?: string;
  role?: Role;
  connectedAt: number;
  lastSeenAt: number;
  /** Epoch seconds (TTL): 2 h 10 min after connect — API Gateway closes every connection at 2 h. */
  expiresAt: number;
  /**
   * Rate-limit buckets (lambda/core/rate-limit.ts, lambda/adapters/rate-limit.ts): each bucket's
   * theoretical arrival time, epoch ms; absent until the bucket is first used (full). They are
   * kept on bucket rows of this table, not on a connection's own row: `user#{userId}` (a user's
   * buckets, shared by all their connections) and `stream#{streamId}` (a stream's social budget,
   * `rateSocial`). Bucket rows, and the reaction windows `reactions#{streamId}#{windowStart}`
   * (lambda/adapters/reaction-windows.ts), carry no `streamId`, so no fan-out lists them.
   */
  rateChat?: number;
  rateReact?: number;
  rateInput?: number;
  rateControl?: number;
  ratePing?: number;
}

/**
 * `Streams` row: the scheduler of one stream. PK `streamId`; GSI `byStatus`.
 *
 * The playback clock: media time `m` is on screen at wall time
 * `anchorAt + (m − positionMs) / speed` (see lambda/core/clock.ts). `positionSeq` is the next frame to
 * send; every frame with a smaller seq has been sent in this or an earlier epoch.
 */
export interface StreamRow {
  streamId: string;
  gameId: string;
  mode: Mode;
  status: StreamStatus;
  /** Playback rate, 0.25–64. */
  speed: number;
  /** Fencing token: +1 on every control change; an execution only acts for its own epoch. */
  epoch: number;
  /** The next seq to send. */
  positionSeq: number;
  /** Media time (ms) at `anchorAt`. */
  positionMs: number;
  /** Wall time (epoch ms) at which media time equals `positionMs`. */
  anchorAt: number;
  /** The first seq sent in the current epoch (`rejoin` replays `[epochStartSeq, positionSeq)`). */
  epochStartSeq: number;
  /**
   * Every frame below this seq has been fanned out completely (crash recovery): a
   * tick's claim records the previous batch as sent, and a tick that yields records its
   * last one. `[sentSeq, positionSeq)` within the epoch is a batch claimed by a tick that
   * crashed before its fan-out finished; the retried tick sends it again first (lambda/application/tick.ts
   * `resendUnsent`; clients drop what they already hold by `seq`).
   */
  sentSeq?: number;
  /** Spacing (ms) between frames for recordings without times; absent means use `t`. */
  delayMs?: number;
  /**
   * Playout buffer (docs/PROTOCOL.md "Playout buffer (1.1)"), wall ms: the tick sends each
   * frame up to this long before it is due, carrying its `dueAt`. Absent or 0: nothing is sent
   * before it is due. Set once, when the stream is created (a recorded game's spectate stream:
   * the control function's SPECTATE_LEAD_MS; every other stream 0).
   */
  leadMs?: number;
  /** Continue-as-new counter of the current epoch's executions. */
  generation: number;
  executionArn?: string;
  /** User ids allowed to control (pvai: the player; pvp: the first two; spectate: none). */
  controllers: string[];
  /** pvp room id. */
  room?: string;
  clientCount: number;
  framesSent: number;
  // Denormalised from the Games row so a tick needs one read, not two.
  kind: string;
  title: string;
  recordingKey: string;
  indexKey: string;
  durationMs: number;
  frameCount: number;
  createdAt: number;
  updatedAt: number;
  /**
   * Live games: `edge` — the game's `spectate` stream, fed by the ingest function as
   * events arrive (no execution); `replay` — a stream started from the beginning or a seek
   * point, played by the tick from the chunks, which polls for new ones at the end instead of
   * ending while the game is live (catching up to live). Absent for a recorded game's stream.
   * On the wire `joined.live` is true whenever this is set.
   */
  livePlayback?: LivePlayback;
  /** Scheduled streams: wall time (epoch ms) of the first frame. */
  startsAt?: number;
  lastTickAt?: number;
  /** Set while the stream has no clients (idle TTL, docs/ARCHITECTURE.md "Lifecycle and cleanup"). */
  idleSince?: number;
  /**
   * Epoch ms since which a pvai/pvp stream has had no controller connected; absent while
   * one is. The sweeper ends the stream (`stopped`) once this is older than the controller
   * grace (CONTROLLER_GRACE_SECONDS: a short grace for a reconnect).
   */
  controllersGoneSince?: number;
  /** Bumped with every `clientCount` change: which attach/detach a `presence` covers. */
  presenceVersion?: number;
  /** `presenceVersion` when the last `presence` broadcast was claimed. */
  presenceSentVersion?: number;
  /** Epoch ms of the last `presence` broadcast claim (at most one per second per stream). */
  presenceSentAt?: number;
  /** Tick failures in a row. */
  consecutiveFailures?: number;
  /** Zombie restarts by the sweeper. */
  restarts?: number;
  endedReason?: EndReason;
  /** Why the stream failed, at most 512 characters. */
  failureReason?: string;
  /** Epoch seconds (TTL) — a day after the stream ends. */
  expiresAt?: number;
}

/**
 * Statuses in which a stream still exists for its clients: every status but `ended`/`failed`
 * (the `byStatus` index is queried with these to list the streams that have not ended).
 * The transitions between statuses and the predicates on them are lambda/core/lifecycle.ts's.
 */
export const OPEN_STATUSES: readonly StreamStatus[] = ['scheduled', 'awaiting_start', 'starting', 'playing', 'paused'];
