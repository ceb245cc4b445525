// Rinnalla's end-to-end tests. Every spec runs twice: hydrated (the WASM loads) and with
// JavaScript disabled, on a phone-sized screen, in Debian's Chromium (no browser download).
import { defineConfig, devices } from "@playwright/test";
import * as path from "node:path";
import * as fs from "node:fs";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const serverBin = process.env.RINNALLA_SERVER_BIN ?? path.join(targetDir, "release", "server");
// One run id for the main process and its workers (they inherit the environment), so the
// tests read the mail folder the server writes to.
process.env.E2E_RUN_ID ??= String(Date.now());
const runDir = path.join(__dirname, ".data", `run-${process.env.E2E_RUN_ID}`);
fs.mkdirSync(runDir, { recursive: true });
// A fresh database for every run: the demo data is all the tests assume.
const database = path.join(runDir, "e2e.db");
export const mailDir = path.join(runDir, "mail");
process.env.E2E_MAIL_DIR = mailDir;
// Everything the server writes (logs and panic reports) is kept in the run's folder, and
// server-log.ts fails the run if the server panicked.
const serverLog = path.join(runDir, "server.log");
process.env.E2E_SERVER_LOG = serverLog;

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

const phone = {
  ...devices["Pixel 7"],
  browserName: "chromium" as const,
  launchOptions: chromium,
};

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  globalTeardown: "./server-log.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    locale: "fi-FI",
    timezoneId: "Europe/Helsinki",
    trace: "retain-on-failure",
  },
  projects: [
    { name: "hydrated", use: { ...phone, javaScriptEnabled: true } },
    { name: "no-js", use: { ...phone, javaScriptEnabled: false } },
  ],
  webServer: {
    // Through tee: the output still shows in the run's console, and is kept in the file too.
    command: `'${serverBin}' serve --demo 2>&1 | tee '${serverLog}'`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: `sqlite://${database}?mode=rwc`,
      RINNALLA_LISTEN: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(targetDir, "site"),
      RUST_LOG: process.env.RUST_LOG ?? "warn",
      RINNALLA_MAIL_DIR: mailDir,
    },
  },
});
