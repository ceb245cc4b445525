import { test, expect } from "@playwright/test";
import { expectNoAxeViolations, hydrated, openMenu, waitForHydration } from "./helpers";

test("the home page renders in Finnish by default and navigation works", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/Rinnalla/);
  await expect(page.getByRole("heading", { level: 1, name: "Tervetuloa Rinnallaan" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "fi");

  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { level: 1, name: "Sivua ei löytynyt" })).toBeVisible();
  await openMenu(page, testInfo);
  await page.getByRole("navigation", { name: "Päävalikko" }).getByRole("link", { name: "Etusivu" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Tervetuloa Rinnallaan" })).toBeVisible();
});

test("an unknown address answers 404 with a helpful page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("link", { name: "Etusivulle" })).toBeVisible();
});

test("the menu button works once the WASM has loaded", async ({ page }, testInfo) => {
  await page.goto("/");
  const button = page.getByRole("button", { name: "Valikko" });
  const home = page.getByRole("navigation", { name: "Päävalikko" }).getByRole("link", { name: "Etusivu" });
  if (!hydrated(testInfo)) {
    // Without JavaScript there is no menu button, and the navigation is simply shown.
    await expect(button).toBeHidden();
    await expect(home).toBeVisible();
    return;
  }
  await waitForHydration(page);
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await expect(home).toBeHidden();
  await button.click();
  await expect(button).toHaveAttribute("aria-expanded", "true");
  await expect(home).toBeVisible();
  await button.click();
  await expect(home).toBeHidden();
});

test("the language switch changes the language and the choice survives a reload", async ({ page }) => {
  await page.goto("/");
  const language = page.getByRole("group", { name: "Kieli" });
  await language.getByRole("button", { name: "Svenska" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Välkommen till Rinnalla" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "sv");
  await expect(page.getByRole("group", { name: "Språk" }).getByRole("button", { name: "Svenska" }))
    .toHaveAttribute("aria-pressed", "true");

  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Välkommen till Rinnalla" })).toBeVisible();

  await page.getByRole("group", { name: "Språk" }).getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Welcome to Rinnalla" })).toBeVisible();
  await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Suomi" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tervetuloa Rinnallaan" })).toBeVisible();
});

test("the language switch returns to the page it was used on", async ({ page }) => {
  await page.goto("/no-such-page?x=1");
  await page.getByRole("group", { name: "Kieli" }).getByRole("button", { name: "English" }).click();
  await expect(page).toHaveURL(/\/no-such-page\?x=1$/);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
});

test("axe-core finds no accessibility violations", async ({ page }, testInfo) => {
  await page.goto("/");
  if (hydrated(testInfo)) await waitForHydration(page);
  await expectNoAxeViolations(page, testInfo);
  await openMenu(page, testInfo);
  await expectNoAxeViolations(page, testInfo);
  await page.goto("/no-such-page");
  await expectNoAxeViolations(page, testInfo);
});
