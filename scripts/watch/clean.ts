/**
 * The one sanitizer for everything `npm run watch` prints that came from the server: titles,
 * participants, names, chat, errors, reasons, reconnection notes. A title such as
 * `"\x1b]0;pwned\x07\x1b[2J\x1b[31mFinal"` must not retitle the viewer's window, clear the screen
 * or colour what follows, so whole escape sequences are removed (not just their ESC, which would
 * leave `]0;pwned` on screen) and every other control character becomes a space; the text
 * stays on one line. A terminal recording's own output frames are not passed through here:
 * replaying them raw is what watching a terminal session means (./frames.ts).
 *
 * Sequence shapes are ECMA-48 (5th edition, 1991) section 5: CSI `ESC [` (or C1 0x9B),
 * parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E;
 * OSC `ESC ]` / DCS `ESC P` / SOS `ESC X` / PM `ESC ^` / APC `ESC _` (or their C1 forms) run to
 * ST (`ESC \` or 0x9C) — xterm also ends OSC at BEL (0x07), as do the terminals that copy it;
 * any other `ESC` + intermediates + final byte is a two-or-more-byte escape.
 */

/* eslint-disable no-control-regex */
/** CSI: `ESC [` or 0x9B, parameters, intermediates, final byte (an unfinished one runs to the end). */
const CSI = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*(?:[\u0040-\u007e]|$)/g;
/** OSC, DCS, SOS, PM, APC: up to ST, BEL (OSC in xterm), or the end of the text. */
const STRING_SEQ = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u009c\u001b]*(?:\u0007|\u009c|\u001b\\|(?=\u001b)|$)/g;
/** Any other escape: ESC, intermediates, one final byte. */
const ESC_SEQ = /\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
/** What is left of C0, DEL and C1 (CR, LF, TAB, BEL, BS, …), runs collapsed. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;
/* eslint-enable no-control-regex */

/**
 * `text` as it may be printed to a terminal: escape sequences (CSI, OSC, DCS, SOS, PM, APC,
 * two-byte escapes) removed, other control characters (C0, DEL, C1; newlines and tabs too)
 * replaced by one space. Non-strings are converted with `String` first. Never throws.
 *
 * `cleanForTerminal('\x1b]0;pwned\x07\x1b[2JFinal\r\nday')` → `'Final day'`.
 */
export function cleanForTerminal(text: unknown): string {
  return String(text).replace(STRING_SEQ, '').replace(CSI, '').replace(ESC_SEQ, '').replace(CONTROLS, ' ');
}
