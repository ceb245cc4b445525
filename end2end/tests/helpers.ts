import { expect, type Page, type TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { createHmac } from "node:crypto";

export const hydrated = (testInfo: TestInfo) => testInfo.project.name === "hydrated";

const MENU = /^(Valikko|Meny|Menu)$/;

/** Waits until the islands have hydrated: the WASM marks the page once it has woken them. */
export async function waitForHydration(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** Opens the navigation on a phone, where it is closed behind the menu (a <details>, so the
 * same tap works with and without JavaScript). */
export async function openMenu(page: Page, _testInfo?: TestInfo) {
  const menu = page.locator("details.site-menu");
  if ((await menu.getAttribute("open")) === null) {
    await menu.locator("summary").filter({ hasText: MENU }).click();
  }
  await expect(menu).toHaveAttribute("open", "");
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
      javaScriptEnabled: true,
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

/** A `YYYY-MM-DD` day as Finnish pages and e-mails write it: "ti 1.12.", with the year only
 * when it is not this year's ("ti 1.12.2027"). */
export function finnishDay(iso: string): string {
  const day = new Date(`${iso}T12:00:00Z`);
  const weekday = ["su", "ma", "ti", "ke", "to", "pe", "la"][day.getUTCDay()];
  const year = day.getUTCFullYear() === new Date().getFullYear() ? "" : String(day.getUTCFullYear());
  return `${weekday} ${day.getUTCDate()}.${day.getUTCMonth() + 1}.${year}`;
}

export const DEMO_PASSWORD = "Kokeile-Rinnallaa-2026";
export const DEMO = {
  admin: "admin@rinnalla.example",
  coordinator: "koordinaattori@rinnalla.example",
  socialWorker: "sosiaalityo@rinnalla.example",
  guide: "ohjaaja@rinnalla.example",
  guide2: "ohjaaja2@rinnalla.example",
};

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Sähköposti").fill(email);
  await page.getByLabel("Salasana", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Kirjaudu", exact: true }).click();
}

export async function signOut(page: Page, testInfo: TestInfo) {
  await openMenu(page, testInfo);
  await page.getByRole("button", { name: "Kirjaudu ulos" }).click();
  await expect(page.getByText("Olet kirjautunut ulos.")).toBeVisible();
}

/** The newest e-mail to `address` in the development mail folder, parsed. */
export async function mailTo(address: string, subject: RegExp) {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const { simpleParser } = await import("mailparser");
  const dir = process.env.E2E_MAIL_DIR!;
  for (let attempt = 0; attempt < 50; attempt++) {
    const files = fs.existsSync(dir)
      ? fs.readdirSync(dir).map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
      : [];
    for (const file of files) {
      const mail = await simpleParser(fs.readFileSync(file));
      const to = Array.isArray(mail.to) ? mail.to.map((t) => t.text).join(",") : mail.to?.text ?? "";
      if (to.toLowerCase().includes(address.toLowerCase()) && subject.test(mail.subject ?? "")) return mail;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${address} matching ${subject}`);
}

export function linkIn(text: string, pathPrefix: string): string {
  const match = text.match(new RegExp(`https?://\\S+${pathPrefix}\\S+`));
  if (!match) throw new Error(`no ${pathPrefix} link in ${text}`);
  return new URL(match[0]).pathname;
}

/**
 * The code an authenticator app shows for `secret` (base32, as the setup page shows it) at
 * `at`: RFC 6238 with SHA-1, six digits, 30-second steps, as every app does by default.
 */
export function appCode(secret: string, at: Date = new Date()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/\s+/g, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at.getTime() / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return number.toString().padStart(6, "0");
}
