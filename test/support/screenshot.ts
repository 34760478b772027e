import type { Page } from 'playwright-core';

/**
 * A full-page screenshot once the page has settled: no route still loading (`aria-busy`) and no
 * finite animation running (a closing dialog's fade would otherwise grey half the picture). Both
 * waits are bounded and never fail the test: a page that does not settle is still photographed.
 */
export async function settledScreenshot(page: Page, path: string): Promise<void> {
  await page
    .locator('[aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await page
    // A string, evaluated in the page: the test build has no DOM types.
    .waitForFunction(
      "document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)",
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  await page.screenshot({ path, fullPage: true });
}
