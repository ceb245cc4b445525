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

test("the menu opens with a tap with or without the WASM, and the page does not move when it wakes", async ({ page }, testInfo) => {
  await page.goto("/");
  const menu = page.locator("summary", { hasText: "Valikko" });
  const home = page.getByRole("navigation", { name: "Päävalikko" }).getByRole("link", { name: "Etusivu" });
  const heading = page.getByRole("heading", { level: 1 });
  // Closed from the first byte on a phone: where the heading is before the WASM is where it
  // stays after.
  await expect(home).toBeHidden();
  const before = await heading.boundingBox();
  if (hydrated(testInfo)) await waitForHydration(page);
  expect(await heading.boundingBox()).toEqual(before);
  await menu.click();
  await expect(home).toBeVisible();
  // The open menu lies over the page rather than pushing it down.
  expect(await heading.boundingBox()).toEqual(before);
  await menu.click();
  await expect(home).toBeHidden();
});

test("on a wide screen the navigation is shown in the header without opening anything", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto("/");
  await expect(page.locator("summary", { hasText: "Valikko" })).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Päävalikko" }).getByRole("link", { name: "Etusivu" })).toBeVisible();
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
