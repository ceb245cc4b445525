import { test, expect, type Page } from "@playwright/test";
import { DEMO, hydrated, signIn, waitForHydration } from "./helpers";

// Guides open these pages on weak rural connections. A first visit (nothing cached) may bring
// at most 100 KB over the wire, compressed, WASM included; every later page (the WASM, its
// loader and the CSS are cached: their names carry their hash) at most 15 KB.
const FIRST_LOAD_BYTES = 100 * 1024;
const LATER_PAGE_BYTES = 15 * 1024;

// The offline agenda's service worker fetches pages on the page's behalf, out of sight of the
// page's network log: without it every byte of a first visit is counted here.
test.use({ serviceWorkers: "block" });

/** Bytes on the wire (headers and compressed bodies) for everything the page loads; with
 * `cached` the browser's cache is used as a returning visitor's would be. */
async function bytesOnTheWire(
  page: Page,
  path: string,
  cached = false,
): Promise<{ total: number; byUrl: Record<string, number> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: !cached });
  const urls = new Map<string, string>();
  const byUrl: Record<string, number> = {};
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => {
    const url = urls.get(e.requestId) ?? e.requestId;
    byUrl[url] = (byUrl[url] ?? 0) + e.encodedDataLength;
  });
  await page.goto(path, { waitUntil: "networkidle" });
  await cdp.detach();
  const total = Object.values(byUrl).reduce((a, b) => a + b, 0);
  return { total, byUrl };
}

/** Each page as a later page: the app's files are in the cache from the page before. */
async function expectLaterPagesWithinBudget(page: Page, paths: string[]) {
  for (const path of paths) {
    const { total, byUrl } = await bytesOnTheWire(page, path, true);
    console.log(`${path}: ${(total / 1024).toFixed(1)} KB on the wire as a later page`);
    expect(total, `${path}: ${JSON.stringify(byUrl)}`).toBeLessThan(LATER_PAGE_BYTES);
  }
}

test("a first visit stays within 100 KB, WASM included", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  for (const path of ["/", "/sign-in"]) {
    const { total, byUrl } = await bytesOnTheWire(page, path);
    if (path === "/") await waitForHydration(page);
    console.log(`${path}: ${(total / 1024).toFixed(1)} KB on the wire, nothing cached`, byUrl);
    expect(Object.keys(byUrl).some((url) => url.endsWith(".wasm"))).toBe(true);
    expect(total, path).toBeLessThan(FIRST_LOAD_BYTES);
  }
});

test("the pages of the referral path stay within the later-page budget too", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  await signIn(page, DEMO.coordinator);
  await page.goto("/referrals");
  const referral = await page.getByRole("link", { name: "Onni" }).getAttribute("href");
  await expectLaterPagesWithinBudget(page, ["/referrals", referral!, "/guides", "/clients"]);
});

test("the guide's day stays within the budget: today, the week, a visit, booking", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  await signIn(page, DEMO.guide);
  await page.goto("/today");
  const visit = await page.locator("a.visit__title").first().getAttribute("href");
  await page.goto("/clients");
  const client = await page.getByRole("link", { name: "Matti" }).getAttribute("href");
  const booking = `/visits/new?client=${client!.split("/").pop()}`;
  await expectLaterPagesWithinBudget(page, ["/today", "/week", visit!, booking, "/mileage"]);
});

test("the outing pages stay within the later-page budget: the list, a session, the pickup list", async ({ page }, testInfo) => {
  test.skip(!hydrated(testInfo), "the budget counts the WASM, which only the hydrated run loads");
  await signIn(page, DEMO.coordinator);
  await page.goto("/outings");
  const session = await page.getByRole("link", { name: "Makkaranpaisto laavulla" }).first().getAttribute("href");
  await expectLaterPagesWithinBudget(page, ["/outings", session!, `${session!}/pickups`]);
});
