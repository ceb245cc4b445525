// The server under test must not panic, even where no test notices: a panic in a task the page
// does not wait for (a render left behind by a browser that moved on, a background worker)
// shows only in the server's output. The run's webServer writes that output to a file in the
// run's folder, and this global teardown fails the run when it holds a panic, naming the lines.
import * as fs from "node:fs";

/** A panic's report: Rust's panic hook writes "thread '…' panicked at file:line:col:" and
 * then the message on the next line. */
const PANIC = /\bpanicked at\b/;
// Colour codes of the pretty log format.
const ANSI = /\x1b\[[0-9;]*m/g;

export function panicsIn(log: string): string[] {
  const lines = log.replace(ANSI, "").split("\n");
  const found: string[] = [];
  lines.forEach((line, i) => {
    if (!PANIC.test(line)) return;
    const message = lines[i + 1]?.trim();
    found.push(`line ${i + 1}: ${line.trim()}${message ? ` | ${message}` : ""}`);
  });
  return found;
}

export default async function checkServerLog() {
  const file = process.env.E2E_SERVER_LOG;
  if (!file) throw new Error("E2E_SERVER_LOG is not set: the server's output was not captured");
  // The last test may have left a request behind; give its report a moment to be written.
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (!fs.existsSync(file)) throw new Error(`the server's output is missing: ${file}`);
  const panics = panicsIn(fs.readFileSync(file, "utf8"));
  if (panics.length > 0) {
    throw new Error(
      `the server under test panicked ${panics.length} time(s) (${file}):\n${panics.map((p) => `  ${p}`).join("\n")}`,
    );
  }
}
