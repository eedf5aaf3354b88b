/**
 * fast-check arbitraries of hostile client messages (docs/PROTOCOL.md), as raw JSON text so
 * that numerals JSON.stringify cannot write (`-0`, `1e309`, `9007199254740993`, `1e-400`)
 * and keys like `__proto__` reach the server verbatim. Every case says which `error` codes
 * may answer it: these are messages that MUST be refused and must change nothing.
 */
import fc from 'fast-check';
import { ALLOWED_EMOJI, CLIENT_ACTIONS } from '../../protocol/messages';

export type Code = 'bad_request' | 'unknown_action' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'too_large';

/** Connection states the fuzz suite prepares (see fuzz.test.ts). */
export type LaneName = 'none' | 'spec' | 'pvaiP' | 'pvaiS' | 'pvpP' | 'pvpS' | 'lone';
export const LANES: LaneName[] = ['none', 'spec', 'pvaiP', 'pvaiS', 'pvpP', 'pvpS', 'lone'];

/** A message that must be refused, from one lane, with the codes allowed to refuse it. */
export interface RefusedCase {
  lane: LaneName;
  body: string;
  codes: Code[];
  kind: string;
}

/** What the suite knows about the world the lanes live in. */
export interface World {
  /** A game that exists and its duration (ms). */
  game: { gameId: string; durationMs: number };
  /** A stream that has ended. */
  endedStreamId: string;
}

const j = (v: unknown) => JSON.stringify(v);
/** Build an object's JSON text from [key, raw JSON value] pairs (keys verbatim, even `__proto__`). */
export const obj = (fields: Array<[string, string]>) => `{${fields.map(([k, v]) => `${j(k)}:${v}`).join(',')}}`;

export const LONE_SURROGATES = ['\ud800', '\udfff', '\ud83d', 'a\udc00b'];
/** Unicode that trips naive code: RTL override, zero-width, NUL, BOM, combining marks, astral, lone surrogates. */
export const UNICODE_EDGE = [
  '\u202e', '\u202d', '\u200f', '\u200b', '\u200d', '\u2060', '\ufeff', '\u0000', '\u0001', '\u001f', '\u007f',
  '\u0301', 'e\u0301', '\u{1F600}', '\u{10FFFF}', '\ufffd', '\ufffe', '\u2028', '\u2029', 'ﷺ', 'מִשְׂחָק', 'مرحبا', 'İ', 'ß',
  ...LONE_SURROGATES,
];
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

const unicodeChunk = fc.constantFrom(...UNICODE_EDGE);
/** Strings rich in edge-case unicode. */
export const hostileString = (maxLength = 40) =>
  fc.array(fc.oneof(unicodeChunk, fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ maxLength: 4 })), { maxLength }).map((a) => a.join(''));

/** A JSON object text with prototype-pollution keys nested down to `depth`. */
export const protoTree = (depth: number): fc.Arbitrary<string> =>
  depth <= 0
    ? fc.constantFrom('{"polluted":true}', '{"isAdmin":true}', '1', '"x"', 'null', '{"toString":"boom"}')
    : fc
        .tuple(fc.constantFrom(...PROTO_KEYS, 'a', 'data'), protoTree(depth - 1), fc.constantFrom(...PROTO_KEYS), protoTree(depth - 1))
        .map(([k1, v1, k2, v2]) => obj([[k1, v1], [k2, v2]]));

/** Deeply nested arrays / objects (`depth` levels). */
export const nested = (depth: number, kind: 'array' | 'object' | 'proto') =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : kind === 'object' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '{"__proto__":'.repeat(depth) + '{"polluted":1}' + '}'.repeat(depth);

const PROTO_VALUES = ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"prototype":{"polluted":1}}'];
/** Raw JSON values that are not strings. */
const notString = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '0', '-0', '1e308', '1e309', '-1e309', '9007199254740993', '[]', '{}', '["a"]', ...PROTO_VALUES),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'string').map(j),
);
/** Raw JSON values that are not numbers. */
const notNumber = fc.oneof(
  fc.constantFrom('"NaN"', '"1"', '"Infinity"', '"-0"', '"1e308"', '""', 'null', 'true', 'false', '[]', '[1]', '{}', '"0x10"', ...PROTO_VALUES),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'number').map(j),
);
const withNonNumbers = (bad: string[]) => fc.oneof(fc.constantFrom(...bad), notNumber);

/** Strings that are not ids (`^[A-Za-z0-9][A-Za-z0-9._-]*$`, ≤ 128) — or not stream ids (`^[A-Za-z0-9][A-Za-z0-9._:@-]*$`, ≤ 300). */
const badIdString = (streamId: boolean) => {
  // Stream ids also take ":" and "@" (a pvai stream id holds its user id).
  const outside = [' ', '/', '\\', '"', "'", '\n', '\t', '\u0000', '\u200b', '\u202e', 'é', '🔥', '$', '{', '%', '#', '?', '*', ...LONE_SURROGATES, ...(streamId ? [] : [':', '@'])];
  return fc.oneof(
    fc.constant(''),
    fc.integer({ min: streamId ? 301 : 129, max: streamId ? 600 : 400 }).map((n) => 'a'.repeat(n)),
    fc.tuple(fc.constantFrom('.', '-', '_', ...(streamId ? [':', '@'] : [])), fc.stringMatching(/^[A-Za-z0-9]{0,10}$/)).map(([a, b]) => a + b),
    fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{0,8}$/), fc.constantFrom(...outside), fc.string({ maxLength: 8 })).map(([a, b, c]) => a + b + c),
  );
};
const badId = (streamId: boolean) => fc.oneof(badIdString(streamId).map(j), notString);

const okId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/);
/** A stream id that matches the schema but names no stream. */
export const unknownStreamId = fc.stringMatching(/^[A-Za-z0-9._:-]{0,60}$/).map((s) => `nope:${s}`);
const unknownGameId = fc.stringMatching(/^[A-Za-z0-9._-]{0,60}$/).map((s) => `nope-${s}`);

/** Valid values with a hostile edge (limits, exponent forms, -0 where in range). */
const okSpeed = fc.constantFrom('0.25', '64', '6.4e1', '2.5e-1', '1', '1.0', '33.3333333333333333333');
const okMediaMs = fc.constantFrom('0', '-0', '1e3', '1000', '0.0');
const okText = fc.oneof(hostileString(30).filter((s) => [...s.trim()].length >= 1 && [...s.trim()].length <= 500), fc.constantFrom('x', 'a'.repeat(500), '\u0000', '\u202eevil', '\ud800'));
const okEmoji = fc.constantFrom(...ALLOWED_EMOJI);
const okData = fc.oneof(
  // Nested up to MAX_INPUT_DEPTH (8): deeper is refused (see the `bad` data below).
  fc.constantFrom('{"paddle":0.42}', 'null', '0', '-0', '1e308', '"\\ud800"', nested(8, 'array'), nested(7, 'object'), nested(7, 'proto'), '[]'),
  protoTree(3),
  fc.jsonValue({ maxDepth: 4 }).map(j).filter((s) => Buffer.byteLength(s) <= 4096),
);

/** The fields each action takes, with a valid raw value each (required first). */
const FIELDS: Record<string, Array<{ key: string; ok: string; required: boolean; bad: fc.Arbitrary<string> }>> = {
  start: [
    { key: 'gameId', ok: j('2012-ausopen-1701'), required: true, bad: badId(false) },
    { key: 'mode', ok: j('pvai'), required: false, bad: fc.oneof(fc.constantFrom('"Spectate"', '"pvai "', '""', '"PVP"', '"__proto__"', '"constructor"', '"spectate\\u0000"'), notString) },
    { key: 'room', ok: j('r1'), required: false, bad: badId(false) },
    { key: 'speed', ok: '1', required: false, bad: withNonNumbers(['0', '-0', '-1', '0.2499', '64.0001', '65', '1e308', '1e309', '-1e309', '1e-400', '9007199254740993']) },
    { key: 'delay', ok: '0.5', required: false, bad: withNonNumbers(['0', '-0', '0.0499', '3600.001', '1e308', '1e309', '-5']) },
    { key: 'atMs', ok: '0', required: false, bad: withNonNumbers(['-1', '0.5', '604800001', '1e308', '1e309', '9007199254740993', '-0.5']) },
  ],
  join: [{ key: 'streamId', ok: j('spectate:x'), required: true, bad: badId(true) }],
  rejoin: [
    { key: 'streamId', ok: j('spectate:x'), required: true, bad: badId(true) },
    { key: 'lastSeq', ok: '5', required: true, bad: withNonNumbers(['-2', '0.5', '9007199254740993', '1e308', '1e309', '-1e309']) },
    { key: 'epoch', ok: '1', required: true, bad: withNonNumbers(['-1', '0.5', '9007199254740993', '1e308', '1e309']) },
  ],
  speed: [{ key: 'speed', ok: '2', required: true, bad: withNonNumbers(['0', '-0', '0.2', '64.5', '1e308', '1e309', '-1e309', '9007199254740993']) }],
  seek: [{ key: 'toMs', ok: '1000', required: true, bad: withNonNumbers(['-1', '0.5', '604800001', '1e308', '1e309', '9007199254740993']) }],
  scrub: [{ key: 'toMs', ok: '1000', required: true, bad: withNonNumbers(['-1', '0.5', '604800001', '1e308', '1e309']) }],
  input: [
    {
      key: 'data',
      ok: '{"a":1}',
      required: true,
      bad: fc.constantFrom(
        j('x'.repeat(4095)),
        nested(2100, 'array'),
        obj(Array.from({ length: 600 }, (_, i) => [`k${i}`, '1'])),
        nested(9, 'array'),
        nested(9, 'object'),
        nested(500, 'array'),
        nested(100, 'proto'),
      ),
    },
  ],
  chat: [
    {
      key: 'text',
      ok: j('hi'),
      required: true,
      bad: fc.oneof(
        fc.constantFrom('""', '" "', '"\\t\\n\\r "', '"\\u00a0"', '"\\ufeff"', '"\\u2028\\u3000"', j('x'.repeat(501)), j('é'.repeat(501)), j('🔥'.repeat(501)), j('👍🏽'.repeat(251)), j(` ${'y'.repeat(501)} `)),
        notString,
      ),
    },
  ],
  react: [
    {
      key: 'emoji',
      ok: j('🔥'),
      required: true,
      bad: fc.oneof(
        fc.constantFrom('"🤖"', '"🔥🔥"', '"❤"', '"👍🏽"', '" 🔥"', '"🔥\\u200b"', '""', '"\\ud83d"', '"\\ud83d\\udd25 "'),
        hostileString(4).filter((s) => !(ALLOWED_EMOJI as readonly string[]).includes(s)).map(j),
        notString,
      ),
    },
  ],
  pause: [],
  resume: [],
  stop: [],
  list: [{ key: 'cursor', ok: j('12.0'), required: false, bad: fc.oneof(fc.constantFrom('""', '"x"', '"1.2.3"', '"-1.0"', '"1."', '"1e3.0"', '"1234567890.0"', '"0.0 "'), notString) }],
  ping: [],
};

/** Parse-level refusals: the same for every lane. */
function parseRefusals(): fc.Arbitrary<{ body: string; codes: Code[]; kind: string }> {
  const actions = Object.keys(FIELDS);
  const tooLargeOr = (body: string, other: Code[]): Code[] => (Buffer.byteLength(body) > 16 * 1024 ? ['too_large'] : other);

  // One field of one action mistyped or out of range; the others valid.
  const wrongField = fc
    .constantFrom(...actions.filter((a) => FIELDS[a]!.length > 0))
    .chain((action) =>
      fc.tuple(fc.constant(action), fc.integer({ min: 0, max: FIELDS[action]!.length - 1 })).chain(([a, i]) =>
        FIELDS[a]![i]!.bad.map((bad) => {
          const fields: Array<[string, string]> = [['action', j(a)]];
          FIELDS[a]!.forEach((f, k) => {
            if (k === i) fields.push([f.key, bad]);
            else if (f.required) fields.push([f.key, f.ok]);
          });
          const body = obj(fields);
          return { body, codes: tooLargeOr(body, ['bad_request']), kind: `wrong ${a}.${FIELDS[a]![i]!.key}` };
        }),
      ),
    );
  // A required field missing.
  const missing = fc.constantFrom(...actions.filter((a) => FIELDS[a]!.some((f) => f.required))).chain((a) => {
    const req = FIELDS[a]!.filter((f) => f.required);
    return fc.integer({ min: 0, max: req.length - 1 }).map((i) => ({
      body: obj([['action', j(a)], ...req.filter((_, k) => k !== i).map((f): [string, string] => [f.key, f.ok])]),
      codes: ['bad_request'] as Code[],
      kind: `missing ${a}.${req[i]!.key}`,
    }));
  });
  // A key the action does not take — prototype keys first among them — at the top level.
  const extraKey = fc
    .tuple(
      fc.constantFrom(...actions),
      fc.oneof(fc.constantFrom(...PROTO_KEYS, 'toString', 'hasOwnProperty', 'valueOf', 'Action', 'ACTION', 'action\u0000', 'action ', '\u202eaction'), fc.string({ unit: 'binary', maxLength: 10 })),
      fc.oneof(protoTree(2), notString, hostileString(10).map(j)),
    )
    .filter(([a, k]) => k !== 'action' && !FIELDS[a]!.some((f) => f.key === k))
    .map(([a, k, v]) => ({
      body: obj([['action', j(a)], ...FIELDS[a]!.filter((f) => f.required).map((f): [string, string] => [f.key, f.ok]), [k, v]]),
      codes: ['bad_request'] as Code[],
      kind: `extra key ${JSON.stringify(k)} on ${a}`,
    }));
  // Prototype keys at every depth inside a field's value.
  const protoDeep = fc.tuple(fc.constantFrom(...actions.filter((a) => a !== 'input' && FIELDS[a]!.length > 0)), fc.integer({ min: 1, max: 6 })).chain(([a, d]) =>
    protoTree(d).map((tree) => {
      const f = FIELDS[a]![0]!;
      return { body: obj([['action', j(a)], [f.key, tree]]), codes: ['bad_request'] as Code[], kind: `proto tree depth ${d} in ${a}.${f.key}` };
    }),
  );
  // An action that is not one: unicode look-alikes, prototype names, route keys, random.
  const lookalikes = ['PING', 'Ping', 'ping ', ' ping', 'ping\u0000', 'ping\u200b', '\u202eping', 'pıng', 'ｐｉｎｇ', 'p\ud800ing', 'pau\u0301se', 'seek\n', 'list\ufeff'];
  const unknownAction = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...PROTO_KEYS, 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', '$default', '$connect', '$disconnect', '', ...lookalikes),
        fc.string({ unit: 'binary', maxLength: 30 }),
        hostileString(10),
        fc.integer({ min: 41, max: 300 }).map((n) => 'z'.repeat(n)),
      ),
      fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }).map(j)), { maxLength: 3 }),
    )
    .filter(([a, extra]) => !(CLIENT_ACTIONS as string[]).includes(a) && extra.every(([k]) => k !== 'action'))
    .map(([a, extra]) => ({ body: obj([['action', j(a)], ...extra]), codes: ['unknown_action'] as Code[], kind: `unknown action` }));
  // The action not a string.
  const actionNotString = fc.oneof(notString, protoTree(2)).map((v) => ({ body: obj([['action', v]]), codes: ['bad_request'] as Code[], kind: 'action not a string' }));
  // Any JSON object without a known action string.
  const randomObject = fc
    .dictionary(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('action', ...PROTO_KEYS)), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
    .filter((o) => !(Object.prototype.hasOwnProperty.call(o, 'action') && typeof o.action === 'string' && (CLIENT_ACTIONS as string[]).includes(o.action)))
    .map((o) => {
      const body = j(o);
      return { body, codes: tooLargeOr(body, ['bad_request', 'unknown_action']), kind: 'random object' };
    });
  // JSON that is not an object.
  const notObject = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map(j),
    fc.constantFrom('-0', '1e309', '9007199254740993', '"{\\"action\\":\\"ping\\"}"', '[{"action":"ping"}]', nested(3000, 'array')),
  ).map((body) => ({ body, codes: ['bad_request'] as Code[], kind: 'not an object' }));
  // Text that is not JSON.
  const notJson = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      hostileString(20),
      fc.constantFrom('', ' ', '{nope', '{"action":"ping"', "{'action':'ping'}", '{"action":"ping",}', 'NaN', 'undefined', '\u0000', '\ufeff{"action":"ping"}', '{"action":"ping"}\u0000', '{"action":"ping"} x', '{"action":"ping"}{"action":"ping"}', '{"action":"ping"}\n{"action":"list"}', '\ud800', nested(6000, 'array').slice(0, -1), '{"a":' + '['.repeat(9000)),
    )
    .filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    })
    .map((body) => ({ body, codes: tooLargeOr(body, ['bad_request']), kind: 'not JSON' }));
  // Sizes around the 16 KB inbound limit and the 128 KB frame limit, one- and four-byte characters.
  const sized = fc
    .tuple(fc.constantFrom(16_383, 16_384, 16_385, 16_386, 20_000, 65_536, 131_071, 131_072, 131_073, 140_000), fc.constantFrom('x', '😂', '\ud800'), fc.constantFrom('chat', 'dance', 'ping'))
    .map(([size, ch, action]) => {
      const head = `{"action":"${action}","text":"`;
      const tail = '"}';
      const unit = ch === '\ud800' ? '\\ud800' : ch;
      const unitBytes = Buffer.byteLength(unit);
      const n = Math.max(0, Math.floor((size - head.length - tail.length) / unitBytes));
      const body = head + unit.repeat(n) + 'x'.repeat(Math.max(0, size - head.length - tail.length - n * unitBytes)) + tail;
      const codes: Code[] = action === 'dance' ? ['unknown_action'] : ['bad_request'];
      return { body, codes: tooLargeOr(body, codes), kind: `sized ${size} ${action}` };
    });
  return fc.oneof(
    { weight: 4, arbitrary: wrongField },
    { weight: 1, arbitrary: missing },
    { weight: 2, arbitrary: extraKey },
    { weight: 2, arbitrary: protoDeep },
    { weight: 2, arbitrary: unknownAction },
    { weight: 1, arbitrary: actionNotString },
    { weight: 2, arbitrary: randomObject },
    { weight: 1, arbitrary: notObject },
    { weight: 2, arbitrary: notJson },
    { weight: 1, arbitrary: sized },
  );
}

/** Valid actions sent in a state where they must be refused, per lane. */
function stateRefusals(lane: LaneName, w: World): fc.Arbitrary<{ body: string; codes: Code[]; kind: string }> {
  const c = (codes: Code[], kind: string) => (body: string) => ({ body, codes, kind: `${lane}: ${kind}` });
  const controls = fc.oneof(
    fc.constant(obj([['action', '"pause"']])),
    fc.constant(obj([['action', '"resume"']])),
    okSpeed.map((s) => obj([['action', '"speed"'], ['speed', s]])),
    fc.tuple(fc.constantFrom('"seek"', '"scrub"'), okMediaMs).map(([a, t]) => obj([['action', a], ['toMs', t]])),
  );
  const input = okData.map((d) => obj([['action', '"input"'], ['data', d]]));
  const chat = okText.map((t) => obj([['action', '"chat"'], ['text', j(t)]]));
  const react = okEmoji.map((e) => obj([['action', '"react"'], ['emoji', j(e)]]));
  const everywhere = [
    unknownStreamId.map((s) => obj([['action', '"join"'], ['streamId', j(s)]])).map(c(['not_found'], 'join unknown')),
    fc.tuple(unknownStreamId, fc.integer({ min: -1, max: 1e6 }), fc.nat()).map(([s, l, e]) => obj([['action', '"rejoin"'], ['streamId', j(s)], ['lastSeq', String(l)], ['epoch', String(e)]])).map(c(['not_found'], 'rejoin unknown')),
    fc.tuple(unknownGameId, fc.constantFrom('"spectate"', '"pvai"', '"pvp"'), okSpeed).map(([g, m, s]) => obj([['action', '"start"'], ['gameId', j(g)], ['mode', m], ['speed', s]])).map(c(['not_found'], 'start unknown game')),
    fc.integer({ min: w.game.durationMs + 1, max: 604_800_000 }).map((at) => obj([['action', '"start"'], ['gameId', j(w.game.gameId)], ['atMs', String(at)]])).map(c(['bad_request'], 'start past the end')),
    fc.constantFrom('0.05', '1').map((d) => obj([['action', '"start"'], ['gameId', j(w.game.gameId)], ['delay', d], ['atMs', '604800000']])).map(c(['bad_request'], 'start with delay past the end')),
    fc.constant(obj([['action', '"join"'], ['streamId', j(w.endedStreamId)]])).map(c(['conflict'], 'join ended')),
    fc.tuple(fc.integer({ min: -1, max: 50 }), fc.nat(5)).map(([l, e]) => obj([['action', '"rejoin"'], ['streamId', j(w.endedStreamId)], ['lastSeq', String(l)], ['epoch', String(e)]])).map(c(['conflict'], 'rejoin ended')),
  ];
  const pastEnd = fc.integer({ min: w.game.durationMs + 1, max: 604_800_000 }).map((t) => obj([['action', '"seek"'], ['toMs', String(t)]]));
  const own: Record<LaneName, fc.Arbitrary<{ body: string; codes: Code[]; kind: string }>[]> = {
    none: [controls.map(c(['bad_request'], 'control unattached')), input.map(c(['bad_request'], 'input unattached')), chat.map(c(['bad_request'], 'chat unattached')), react.map(c(['bad_request'], 'react unattached')), fc.constant(obj([['action', '"stop"']])).map(c(['bad_request'], 'stop unattached'))],
    spec: [controls.map(c(['forbidden'], 'control on spectate')), input.map(c(['forbidden'], 'input on spectate'))],
    pvaiS: [controls.map(c(['forbidden'], 'control by pvai spectator')), input.map(c(['forbidden'], 'input by pvai spectator'))],
    pvpS: [controls.map(c(['forbidden'], 'control by pvp spectator')), input.map(c(['forbidden'], 'input by pvp spectator'))],
    pvaiP: [fc.constant(obj([['action', '"pause"']])).map(c(['conflict'], 'pause paused')), pastEnd.map(c(['bad_request'], 'seek past end')), input.map(c(['forbidden'], 'input in pvai'))],
    pvpP: [fc.constant(obj([['action', '"pause"']])).map(c(['conflict'], 'pause paused')), pastEnd.map(c(['bad_request'], 'seek past end'))],
    lone: [controls.map(c(['conflict'], 'control before the room started'))],
  };
  return fc.oneof(...own[lane], ...everywhere);
}

/** A refused case for one of `lanes` (parse-level or state-level). */
export function refusedCase(w: World, lanes: LaneName[] = LANES): fc.Arbitrary<RefusedCase> {
  const parse = parseRefusals();
  return fc.constantFrom(...lanes).chain((lane) =>
    fc.oneof({ weight: 3, arbitrary: parse }, { weight: 2, arbitrary: stateRefusals(lane, w) }).map((x) => ({ lane, ...x })),
  );
}

/** Hostile-but-maybe-valid social messages (chat/react/input) from attached lanes. */
export interface SocialCase {
  lane: LaneName;
  action: 'chat' | 'react' | 'input';
  body: string;
}
export function socialCase(): fc.Arbitrary<SocialCase> {
  const text = fc.oneof(
    hostileString(40),
    fc.string({ unit: 'binary', maxLength: 520 }),
    fc.constantFrom('   ', '\u200b', '\u0000', '\u202e\u202e\u202e', 'a'.repeat(500), 'a'.repeat(501), ` ${'b'.repeat(500)} `, '\ud800\udc00\ud800', '<script>alert(1)</script>', '${process.env}', '{{7*7}}', '\r\n\r\nHTTP/1.1 200 OK'),
  );
  const data = fc.oneof(
    okData,
    fc.constantFrom(nested(9, 'array'), nested(500, 'array'), nested(2000, 'array'), nested(2100, 'array'), j('x'.repeat(4094)), j('x'.repeat(4095)), j('é'.repeat(2047)), j('é'.repeat(2048)), '1e309', '-1e309', '-0', '9007199254740993', '1e-400', j('\ud800'.repeat(10))),
  );
  return fc.oneof(
    fc.tuple(fc.constantFrom<LaneName>('spec', 'pvaiP', 'pvaiS', 'pvpP', 'pvpS', 'lone'), text).map(([lane, t]) => ({ lane, action: 'chat' as const, body: obj([['action', '"chat"'], ['text', j(t)]]) })),
    fc.tuple(fc.constantFrom<LaneName>('spec', 'pvaiS', 'pvpS'), fc.oneof(okEmoji, hostileString(3))).map(([lane, e]) => ({ lane, action: 'react' as const, body: obj([['action', '"react"'], ['emoji', j(e)]]) })),
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom<LaneName>('pvpP', 'pvpP', 'lone', 'pvpS'), data).map(([lane, d]) => ({ lane, action: 'input' as const, body: obj([['action', '"input"'], ['data', d]]) })) },
  );
}
export { okId };
