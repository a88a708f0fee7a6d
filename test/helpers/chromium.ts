import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium, as `.ci/run` installs it: the browser every report test opens pages in. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * A headless chromium with a fresh profile under `root`, cut off from the network (no QUIC, no
 * background, component or sync traffic). Throws, naming the package, when chromium is missing:
 * a report test never passes without a browser.
 */
export async function launchChromium(
  root: string,
  viewport?: { width: number; height: number },
): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    );
  }
  return chromium.launchPersistentContext(mkdtempSync(join(root, 'profile-')), {
    executablePath: CHROMIUM,
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
    ...(viewport ? { viewport } : {}),
  });
}

/**
 * A page that may load only `file` itself: every other request is aborted and its URL recorded in
 * `external` (a self-contained report asks for nothing).
 */
export async function pageForFile(
  context: BrowserContext,
  file: string,
): Promise<{ page: Page; url: string; external: string[] }> {
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const external: string[] = [];
  await page.route('**', (route) => {
    if (route.request().url() === url) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  return { page, url, external };
}
