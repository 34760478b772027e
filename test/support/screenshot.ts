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

/**
 * Waits (bounded) for the feedback area to show `text`. On a timeout the error says what the area
 * showed instead and where the page was, and a screenshot of that moment is written beside `failShot`.
 */
export async function expectFeedback(page: Page, text: string | RegExp, failShot: string, timeout = 30_000): Promise<void> {
  const area = page.getByTestId('feedback');
  try {
    await area.getByText(text).waitFor({ timeout });
  } catch (err) {
    const shown = await area.innerText({ timeout: 2_000 }).catch(() => '(feedback area not found)');
    await page.screenshot({ path: failShot, fullPage: true }).catch(() => undefined);
    throw new Error(
      `feedback ${String(text)} not shown within ${timeout} ms at ${page.url()}; it showed: ${JSON.stringify(shown)} (screenshot ${failShot})`,
      {
        cause: err,
      },
    );
  }
}
