import { test, expect, type Page } from "@playwright/test";
import { DEMO, hydrated, signIn, waitForHydration } from "./helpers";

// Guides open these pages on weak rural connections: everything a page loads, compressed as it
// travels, must stay under 150 KB.
const BUDGET_BYTES = 150 * 1024;

// The offline agenda's service worker fetches pages on the page's behalf, out of sight of the
// page's network log: without it every byte of a first visit is counted here.
test.use({ serviceWorkers: "block" });

/** Bytes on the wire (headers and compressed bodies) for everything the page loads. */
async function bytesOnTheWire(page: Page, path: string): Promise<{ total: number; byUrl: Record<string, number> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const urls = new Map<string, string>();
  const byUrl: Record<string, number> = {};
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => {
    const url = urls.get(e.requestId) ?? e.requestId;
    byUrl[url] = (byUrl[url] ?? 0) + e.encodedDataLength;
  });
  await page.goto(path, { waitUntil: "networkidle" });
  const total = Object.values(byUrl).reduce((a, b) => a + b, 0);
  return { total, byUrl };
}

test("the home page stays within the 150 KB budget, WASM included", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  const { total, byUrl } = await bytesOnTheWire(page, "/");
  await waitForHydration(page);
  console.log(`home page: ${(total / 1024).toFixed(1)} KB on the wire`, byUrl);
  expect(Object.keys(byUrl).some((url) => url.endsWith(".wasm"))).toBe(true);
  expect(total).toBeLessThan(BUDGET_BYTES);
});

test("the pages of the referral path stay within the budget too", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  await signIn(page, DEMO.coordinator);
  await page.goto("/referrals");
  const referral = await page.getByRole("link", { name: "Onni" }).getAttribute("href");
  for (const path of ["/referrals", referral!, "/guides", "/clients"]) {
    const { total } = await bytesOnTheWire(page, path);
    console.log(`${path}: ${(total / 1024).toFixed(1)} KB on the wire`);
    expect(total, path).toBeLessThan(BUDGET_BYTES);
  }
});

test("the guide's day stays within the budget: today, the week, a visit, booking", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  await signIn(page, DEMO.guide);
  await page.goto("/today");
  const visit = await page.locator("a.visit__title").first().getAttribute("href");
  await page.goto("/clients");
  const client = await page.getByRole("link", { name: "Matti" }).getAttribute("href");
  const booking = `/visits/new?client=${client!.split("/").pop()}`;
  for (const path of ["/today", "/week", visit!, booking, "/mileage"]) {
    const { total } = await bytesOnTheWire(page, path);
    console.log(`${path}: ${(total / 1024).toFixed(1)} KB on the wire`);
    expect(total, path).toBeLessThan(BUDGET_BYTES);
  }
});

test("the outing pages stay within the budget: the list, a session, the pickup list", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  await signIn(page, DEMO.coordinator);
  await page.goto("/outings");
  const session = await page.getByRole("link", { name: "Makkaranpaisto laavulla" }).first().getAttribute("href");
  for (const path of ["/outings", session!, `${session!}/pickups`]) {
    const { total } = await bytesOnTheWire(page, path);
    console.log(`${path}: ${(total / 1024).toFixed(1)} KB on the wire`);
    expect(total, path).toBeLessThan(BUDGET_BYTES);
  }
});
