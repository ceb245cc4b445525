import { test, expect } from "@playwright/test";
import { DEMO, expectNoAxeViolations, signIn, signOut } from "./helpers";

// The demo day has two visits with Matti that have begun; each project hands the phone over
// on its own one (the hydrated run on the first, the run without JavaScript on the second),
// since feedback is given once per visit.

const answeredThisMonth = async (page: import("@playwright/test").Page) =>
  Number(((await page.locator("#answered-this-month").textContent()) ?? "").replace(/\D/g, ""));

test("a client answers the three questions in Swedish on the guide's phone, and the coordinator's count moves", async ({ page }, testInfo) => {
  await signIn(page, DEMO.coordinator);
  await page.goto("/feedback");
  await expect(page.getByRole("heading", { level: 1, name: "Asiakaspalaute" })).toBeVisible();
  const before = await answeredThisMonth(page);
  await expectNoAxeViolations(page, testInfo);
  await signOut(page, testInfo);

  await signIn(page, DEMO.guide);
  await page.goto("/today");
  const nth = testInfo.project.name === "no-js" ? 1 : 0;
  await page.locator("li.visit").getByRole("link", { name: /· Matti$/ }).nth(nth).click();
  const visitUrl = new URL(page.url()).pathname;
  await page.getByRole("link", { name: "Anna puhelin asiakkaalle: palaute" }).click();

  // Only the questions: no menu, no account, nothing that leads to anyone's data.
  await expect(page.locator(".site-header")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Kirjaudu ulos" })).toHaveCount(0);
  await page.getByRole("link", { name: "På svenska" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Respons på mötet" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo);
  const question = (legend: string) => page.getByRole("group", { name: legend });
  await question("Pratade vi i dag om saker som är viktiga för dig?").getByRole("radio", { name: "Ja", exact: true }).check();
  await question("Fick du hjälp med din sak?").getByRole("radio", { name: "Lite", exact: true }).check();
  await question("Vill du fortsätta träffas?").getByRole("radio", { name: "Ja", exact: true }).check();
  await page.getByRole("button", { name: "Skicka" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tack!" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo);

  // The guide takes the phone back with one tap; the visit offers no second round.
  await page.getByRole("link", { name: "Ohjaaja: palaa käynnille" }).click();
  await expect(page).toHaveURL(new RegExp(`${visitUrl}$`));
  await expect(page.getByRole("link", { name: "Anna puhelin asiakkaalle: palaute" })).toHaveCount(0);
  await signOut(page, testInfo);

  await signIn(page, DEMO.coordinator);
  await page.goto("/feedback");
  expect(await answeredThisMonth(page)).toBeGreaterThan(before);
});
