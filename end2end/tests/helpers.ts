import { expect, type Page, type TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const hydrated = (testInfo: TestInfo) => testInfo.project.name === "hydrated";

const MENU = /^(Valikko|Meny|Menu)$/;

/** Waits until the islands have hydrated: the menu button only appears once the WASM runs. */
export async function waitForHydration(page: Page) {
  await expect(page.getByRole("button", { name: MENU })).toBeVisible();
}

/** Opens the navigation when it is collapsed behind the menu button (hydrated phone view). */
export async function openMenu(page: Page, testInfo: TestInfo) {
  if (!hydrated(testInfo)) return;
  await waitForHydration(page);
  const button = page.getByRole("button", { name: MENU });
  if ((await button.getAttribute("aria-expanded")) !== "true") await button.click();
}

/**
 * axe-core finds no accessibility violations on the page as it is now. axe runs as a script in
 * the page, so in the no-JavaScript project it checks the same address in a page whose
 * scripts run but whose app scripts and WASM are blocked: the same DOM a user without
 * JavaScript gets.
 */
export async function expectNoAxeViolations(page: Page, testInfo: TestInfo) {
  let target = page;
  if (!hydrated(testInfo)) {
    const context = await page.context().browser()!.newContext({
      viewport: page.viewportSize(),
      storageState: await page.context().storageState(),
    });
    target = await context.newPage();
    await target.route("**/pkg/*.{js,wasm}", (route) => route.abort());
    await target.goto(page.url());
  }
  const results = await new AxeBuilder({ page: target }).analyze();
  if (target !== page) await target.context().close();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}
