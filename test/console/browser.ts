// Debian's chromium driven by playwright-core for the console tests: headless, no network of its own, a fresh
// profile per run; a test skips, saying why, on a machine without it.

import { access, constants } from 'node:fs/promises';
import { chromium, type BrowserContext } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or false when they can. */
export async function chromiumSkipReason(): Promise<string | false> {
  try {
    await access(chromiumPath, constants.X_OK);
    return false;
  } catch {
    return `${chromiumPath} is not installed (Debian package chromium; .ci/run installs it)`;
  }
}

/** A persistent context on `profileDir` (a fresh temporary folder), so nothing of the user's profile is read. */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
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
