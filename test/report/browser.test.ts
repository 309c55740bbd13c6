import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/index.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/scenario/run.js';

/**
 * The HTML report in a real browser: Debian's `chromium` (which `.ci/run` installs when it is
 * missing), driven by playwright-core. CHROMIUM_PATH names another binary. Skipped, saying so,
 * only where no Chromium can be found.
 */
function findChromium(): string | undefined {
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  const candidates = [
    process.env.CHROMIUM_PATH,
    ...(process.env.PATH ?? '').split(delimiter).flatMap((dir) => names.map((name) => join(dir, name))),
  ];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const executablePath = findChromium();
if (executablePath === undefined)
  console.warn(
    'test/report/browser.test.ts: SKIPPED, no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)',
  );

describe.skipIf(executablePath === undefined)('report.html in headless Chromium', () => {
  it('loads without errors, draws the diagram, and steps through the run', async () => {
    const file = new URL('../../scenarios/follower-crash.yaml', import.meta.url);
    const run = runScenario(compileScenario('scenarios/follower-crash.yaml', readFileSync(file, 'utf8')), {
      trace: 'messages',
    });
    const dir = mkdtempSync(join(tmpdir(), 'kafka-sim-report-'));
    for (const f of buildReport(run)) writeFileSync(join(dir, f.name), f.text);

    const browser = await chromium.launch({ executablePath: executablePath as string });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);

      // The diagrams have content: lanes, traffic, markers; a row per replica.
      const spacetime = await page.locator('#spacetime *').count();
      expect(spacetime).toBeGreaterThan(1000);
      expect(await page.locator('#spacetime .traffic path').count()).toBeGreaterThan(500);
      expect(await page.locator('#lanes .leo-line').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('#sequence .seq-row').count()).toBeGreaterThan(10);

      // The step-through moves the view: the position, the highlighted row, the cursor.
      const position = () => page.locator('#position').textContent();
      const cursor = () => page.locator('#spacetime .cursor').getAttribute('x1');
      expect(await position()).toMatch(/^step 1 of \d+/);
      const currentRow = () => page.locator('#sequence .seq-row.current').getAttribute('data-step');
      expect(await currentRow()).toBe('0');
      await page.click('#next');
      expect(await position()).toMatch(/^step 2 of \d+/);
      expect(await currentRow()).toBe('1');

      // An assertion's link jumps to its step, with the cluster's state at that time.
      const before = await cursor();
      await page.click('ul.assertions a.jump >> nth=0');
      expect(await position()).toMatch(/t=45\.000000s$/);
      expect(await cursor()).not.toBe(before);
      expect(await page.locator('#state').textContent()).toContain('broker-3: crashed');
      expect(await page.locator('#state').textContent()).toContain('ISR [1,2]');
      await page.keyboard.press('End');
      expect(await page.locator('#state').textContent()).toContain('ISR [1,2,3]');
      await page.click('#prev-change');
      expect(await page.locator('#current').textContent()).toContain('describe');

      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
