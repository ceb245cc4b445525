// Lighthouse on the pages guides and coordinators open most, as a phone on a slow mobile
// network sees them (Lighthouse's mobile preset: a mid-range phone, simulated Slow 4G and a
// 4x slower CPU), in Debian's Chromium against the release server with the demo data.
// Fails unless each page scores performance >= 95, accessibility 100, and shifts its layout
// by at most 0.05.
//
//   RINNALLA_SERVER_BIN=.../release/server node lighthouse.mjs
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const PERFORMANCE = 0.95;
const ACCESSIBILITY = 1;
const CLS = 0.05;
const PASSWORD = "Kokeile-Rinnallaa-2026";
const port = Number(process.env.LIGHTHOUSE_PORT ?? 3200);
const base = `http://127.0.0.1:${port}`;

const root = path.resolve(import.meta.dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const serverBin = process.env.RINNALLA_SERVER_BIN ?? path.join(targetDir, "release", "server");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "rinnalla-lighthouse-"));

const server = spawn(serverBin, ["serve", "--demo"], {
  env: {
    ...process.env,
    DATABASE_URL: `sqlite://${work}/lighthouse.db?mode=rwc`,
    RINNALLA_LISTEN: `127.0.0.1:${port}`,
    RINNALLA_MAIL_DIR: path.join(work, "mail"),
    RINNALLA_SECRET_KEY_FILE: path.join(work, "secret.key"),
    LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(targetDir, "site"),
    RUST_LOG: "warn",
  },
  stdio: ["ignore", "ignore", "inherit"],
});

async function ready() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not start");
}

/** The session cookie of `email`, signed in with the demo password. */
async function sessionOf(email) {
  const response = await fetch(`${base}/api/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD, next: "/" }),
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => !c.startsWith("i18n"));
  if (!cookie) throw new Error(`${email} could not sign in`);
  return cookie;
}

async function firstLink(cookie, page, pattern) {
  const html = await (await fetch(`${base}${page}`, { headers: { cookie } })).text();
  const match = html.match(pattern);
  if (!match) throw new Error(`no link matching ${pattern} on ${page}`);
  return match[1];
}

let chrome;
let failed = false;
try {
  await ready();
  const guide = await sessionOf("ohjaaja@rinnalla.example");
  const coordinator = await sessionOf("koordinaattori@rinnalla.example");
  const visit = await firstLink(guide, "/today", /href="(\/visits\/\d+)"/);
  const client = await firstLink(guide, "/clients", /href="(\/clients\/\d+)"><strong>Matti/);
  const pages = [
    ["sign-in", "/sign-in", null],
    ["Today (guide)", "/today", guide],
    ["a visit (guide)", visit, guide],
    ["a client card (guide)", client, guide],
    ["the referral queue (coordinator)", "/referrals", coordinator],
  ];

  console.log("page | performance | accessibility | CLS | LCP ms | TBT ms");
  for (const [name, page, cookie] of pages) {
    // A fresh browser per page: cookies the server set for one person's page must not ride
    // along with the next person's.
    chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
    const result = await lighthouse(`${base}${page}`, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      extraHeaders: cookie ? { Cookie: cookie } : undefined,
    });
    await chrome.kill();
    chrome = undefined;
    if (result.lhr.runtimeError) {
      throw new Error(`${name} (${page}): ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
    }
    const { categories, audits } = result.lhr;
    const performance = categories.performance.score;
    const accessibility = categories.accessibility.score;
    const cls = audits["cumulative-layout-shift"].numericValue;
    console.log(
      `${name} | ${Math.round(performance * 100)} | ${Math.round(accessibility * 100)} | ${cls.toFixed(3)}` +
        ` | ${Math.round(audits["largest-contentful-paint"].numericValue)}` +
        ` | ${Math.round(audits["total-blocking-time"].numericValue)}`,
    );
    const problems = [];
    if (performance < PERFORMANCE) problems.push(`performance ${performance} < ${PERFORMANCE}`);
    if (accessibility < ACCESSIBILITY) {
      const failing = Object.values(audits).filter(
        (a) => a.score === 0 && result.lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id),
      );
      problems.push(`accessibility ${accessibility}: ${failing.map((a) => a.id).join(", ")}`);
    }
    if (cls > CLS) problems.push(`layout shift ${cls} > ${CLS}`);
    if (problems.length) {
      failed = true;
      console.error(`  ${name} (${page}): ${problems.join("; ")}`);
    }
  }
} finally {
  if (chrome) await chrome.kill();
  server.kill();
  fs.rmSync(work, { recursive: true, force: true });
}
if (failed) {
  console.error("Lighthouse: a page missed its goal");
  process.exit(1);
}
console.log("Lighthouse: every page met its goal");
