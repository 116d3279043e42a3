import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium: the browser tests use it, and never download one. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the tests save each page's screenshot, per language (git-ignored). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'console-screenshots');

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** Headless chromium as root on this machine: no sandbox, no GPU, no calls to the outside (Playwright gives it a fresh profile). */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
