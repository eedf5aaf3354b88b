/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), as the browser
 * tests and `npm run bench -- --only web` launch it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where the system Chromium lives (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and no traffic beyond the pages' own: no background networking, updates, sync or QUIC. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Whether {@link CHROMIUM_PATH} exists. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launch headless Chromium with {@link CHROMIUM_ARGS}. Close it with `browser.close()`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}
