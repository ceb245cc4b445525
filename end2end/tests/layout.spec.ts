import { test, expect, type Page } from "@playwright/test";
import { DEMO, openMenu, signIn } from "./helpers";

// The narrowest phones in use are 360 px wide: no page of the main paths may scroll sideways
// there, in any of the three languages (Swedish and Finnish words are long), with the menu
// closed or open.
test.use({ viewport: { width: 360, height: 740 } });

const LANGUAGES = ["fi", "sv", "en"] as const;

async function useLanguage(page: Page, language: (typeof LANGUAGES)[number]) {
  const url = new URL(page.url());
  await page.context().addCookies([
    { name: "i18n_pref_locale", value: language, domain: url.hostname, path: "/" },
  ]);
}

async function expectNoSidewaysScroll(page: Page, path: string, language: string) {
  const response = await page.goto(path);
  expect(response?.status(), `${path} (${language})`).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", language);
  const overflow = async () =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // The widest element names the culprit when the check fails.
      let widest = "";
      let right = width;
      for (const el of Array.from(document.querySelectorAll("body *"))) {
        const box = el.getBoundingClientRect();
        if (box.width > 0 && box.right > right + 0.5) {
          right = box.right;
          widest = `${el.tagName.toLowerCase()}.${el.className}`;
        }
      }
      return { scroll: document.documentElement.scrollWidth, width, widest, right };
    });
  const closed = await overflow();
  expect(closed.scroll, `${path} (${language}) is wider than the screen: ${closed.widest} ends at ${closed.right}`)
    .toBeLessThanOrEqual(closed.width);
  await openMenu(page);
  const open = await overflow();
  expect(open.scroll, `${path} (${language}) with the menu open: ${open.widest} ends at ${open.right}`)
    .toBeLessThanOrEqual(open.width);
}

test("nothing scrolls sideways at 360 px before signing in", async ({ page }) => {
  await page.goto("/");
  for (const language of LANGUAGES) {
    await useLanguage(page, language);
    for (const path of ["/", "/sign-in", "/password-reset"]) await expectNoSidewaysScroll(page, path, language);
  }
});

test("nothing scrolls sideways at 360 px on a guide's day", async ({ page }) => {
  await signIn(page, DEMO.guide);
  await page.goto("/today");
  const visit = await page.locator("a.visit__title").first().getAttribute("href");
  await page.goto("/clients");
  const client = await page.getByRole("link", { name: "Matti" }).getAttribute("href");
  const booking = `/visits/new?client=${client!.split("/").pop()}`;
  for (const language of LANGUAGES) {
    await useLanguage(page, language);
    for (const path of ["/", "/today", "/week", "/clients", client!, visit!, booking, "/mileage", "/outings", "/settings"]) {
      await expectNoSidewaysScroll(page, path, language);
    }
  }
});

test("nothing scrolls sideways at 360 px on a coordinator's referral path", async ({ page }) => {
  await signIn(page, DEMO.coordinator);
  await page.goto("/referrals");
  const referral = await page.getByRole("link", { name: "Onni" }).getAttribute("href");
  for (const language of LANGUAGES) {
    await useLanguage(page, language);
    for (const path of ["/", "/referrals", referral!, "/guides", "/clients", "/transfers", "/feedback"]) {
      await expectNoSidewaysScroll(page, path, language);
    }
  }
});

test("nothing scrolls sideways at 360 px for a social worker", async ({ page }) => {
  await signIn(page, DEMO.socialWorker);
  await page.goto("/referrals");
  const hrefs = await page.locator("main a[href^='/referrals/']").evaluateAll((links) =>
    links.map((a) => a.getAttribute("href") ?? ""),
  );
  const referral = hrefs.find((href) => /^\/referrals\/\d+$/.test(href));
  for (const language of LANGUAGES) {
    await useLanguage(page, language);
    for (const path of ["/", "/referrals", "/referrals/new", referral!, "/clients", "/week"]) {
      await expectNoSidewaysScroll(page, path, language);
    }
  }
});
