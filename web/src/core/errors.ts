/**
 * What a viewer reads when the server refuses something: one plain sentence saying what
 * happened and what to do next, for every protocol error code (protocol/messages.ts
 * ERROR_CODES, PROTOCOL.md `error`) and the common refusals behind them (a full stream, a
 * position past the end, a rate limit, a field the server's validation rejected). The server's
 * own `message` is read to pick the sentence but never shown: it is written for developers
 * (`atMs: Too big: expected number to be <=604800000`). No DOM here: unit-tested in node
 * (test/web/errors.test.ts).
 */
import { MAX_CHAT_CHARS, MAX_SPEED, MIN_SPEED, type ErrorCode } from '../../../protocol/messages';

/** An `error` reply as far as the text needs it (PROTOCOL.md `error`). */
export interface ErrorReply {
  readonly code: ErrorCode | string;
  /** The server's message: read for details, never shown. */
  readonly message?: string;
  /** The action that was refused (`start`, `chat`, `seek`, …), when the server named it. */
  readonly action?: string;
}

/** Sentences for a `bad_request` whose message starts with a field (`speed: …`, `atMs: …`). */
const FIELD_TEXT: Record<string, string> = {
  atMs: 'That start position is not in this recording — open the game from the start instead.',
  toMs: 'That point is not in the recording — pick a point on the timeline.',
  speed: `That speed is not available — choose one between ${MIN_SPEED}× and ${MAX_SPEED}×.`,
  delay: 'That frame delay is not available — open the game from the list instead.',
  gameId: 'That address does not name a game — pick one from the list of matches.',
  room: 'That room name is not valid — rooms are letters, digits, ".", "_" and "-"; open a new room from the list.',
  streamId: 'That address does not name a stream — pick a game from the list of matches.',
  mode: 'That way of watching is not available — choose Watch with everyone, Watch on my own or Watch party.',
  text: `That chat message cannot be sent — messages are 1 to ${MAX_CHAT_CHARS} characters of text.`,
  emoji: 'That reaction is not available — use one of the reaction buttons.',
  data: 'That move could not be sent — try again.',
};

const GENERIC: Record<ErrorCode, string> = {
  bad_request: 'The server could not accept that request — reload the page and try again.',
  unknown_action: 'This page is out of date — reload it to get the current version.',
  forbidden: 'Only the players of this stream can control playback.',
  not_found: 'That game or stream does not exist any more — pick one from the list of matches.',
  conflict: 'Someone else changed the stream at the same moment — try again.',
  rate_limited: 'Slow down — too many messages in a short time. Wait a moment and try again.',
  too_large: 'That message is too large to send — shorten it and try again.',
  internal: 'Something went wrong on the server — please try again in a moment.',
  limit_exceeded: 'You have reached a per-user limit — stop one of your streams or close another tab, then try again.',
};

/**
 * How long the server asked to wait before retrying, in ms, from a `rate_limited` message
 * (`chat: rate limited (5 at once, then 1 per second); retry in 734 ms`); undefined when the
 * message names no wait.
 */
export function retryAfterMs(message: string | undefined): number | undefined {
  const m = /retry in (\d+) ?ms/.exec(message ?? '');
  return m ? Number(m[1]) : undefined;
}

/** `n` ms as words for a person: `a second`, `3 seconds`. */
function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? 'a second' : `${s} seconds`;
}

/**
 * The sentence a viewer sees (a toast, a banner) for an `error` reply: plain text (render it
 * with `textContent`), never the server's message or any protocol field name. Unknown codes
 * get a general sentence.
 */
export function errorText(reply: ErrorReply): string {
  const msg = reply.message ?? '';
  const action = reply.action ?? /^(\w+):/.exec(msg)?.[1];
  switch (reply.code) {
    case 'bad_request': {
      if (/not attached to a stream/.test(msg)) return 'You are not watching a stream right now — open a game from the list first.';
      if (/past the end/.test(msg)) return action === 'seek' ? 'That point is past the end of the recording — pick an earlier one.' : 'That start position is past the end of this recording — open the game from the start instead.';
      const field = /^([A-Za-z]+)(?:\.[\w.]+)?: /.exec(msg)?.[1];
      if (field && FIELD_TEXT[field]) return FIELD_TEXT[field];
      return GENERIC.bad_request;
    }
    case 'not_found':
      if (action === 'start') return 'That game is not in the catalog (it may have been removed) — pick one from the list of matches.';
      if (action === 'join' || action === 'rejoin') return 'That stream is no longer running — pick a game from the list of matches.';
      return GENERIC.not_found;
    case 'conflict':
      if (/is full/.test(msg)) return 'This stream is full — watch another one, or start your own from the list of matches.';
      if (/already paused/.test(msg)) return 'The stream is already paused.';
      if (/already playing/.test(msg)) return 'The stream is already playing.';
      if (/not started yet/.test(msg)) return 'The stream has not started yet — the controls work once it plays.';
      if (/has (ended|finished|stopped|failed)/.test(msg)) return 'This stream has ended — watch the game again from the list of matches.';
      return GENERIC.conflict;
    case 'forbidden':
      if (action === 'input') return 'Only the two people in control of a watch party can send moves.';
      return GENERIC.forbidden;
    case 'rate_limited': {
      const wait = retryAfterMs(msg);
      const when = wait !== undefined ? `wait ${seconds(wait)}` : 'wait a moment';
      if (action === 'chat') return `You are sending messages too quickly — ${when} and send it again.`;
      if (action === 'react') return `Too many reactions at once — ${when}.`;
      return `Too many commands in a short time — ${when} and try again.`;
    }
    case 'too_large':
      return action === 'chat' ? `That message is too long — chat messages are at most ${MAX_CHAT_CHARS} characters.` : GENERIC.too_large;
    case 'unknown_action':
    case 'internal':
      return GENERIC[reply.code];
    default:
      return 'Something went wrong — please try again, or reload the page.';
  }
}
