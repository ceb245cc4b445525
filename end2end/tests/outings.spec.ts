import { test, expect, type Page, type TestInfo } from "@playwright/test";
import { DEMO, expectNoAxeViolations, linkIn, mailTo, signIn, signOut } from "./helpers";

// An outing from planning to payroll, on the phone, hydrated and without JavaScript: the
// coordinator plans one for this evening with three places and Elina leading; Tuomas offers
// two seats from Lapua; four clients are signed up (Liisa needing a ride from Lapua), the
// fourth joins the line; one cancels and the fourth is offered the place, so her guide Sari
// gets the e-mail and confirms; Tuomas sees his pickup list and writes his kilometres; Elina
// marks who came; the payroll file has Tuomas's kilometres. Each project plans its own outing.

const SARI = "sari.kangas@rinnalla.example";
// The driver: a guide the other specs leave alone (they pause Jussi's sign-in with wrong passwords).
const TUOMAS = "tuomas.salo@rinnalla.example";

// The narrowest phones in use: nothing may scroll sideways.
test.use({ viewport: { width: 360, height: 780 } });

async function expectNoSidewaysScroll(page: Page) {
  const [width, wide] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    Array.from(document.querySelectorAll("body *"))
      .filter((el) => el.getBoundingClientRect().right > 360)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? "").slice(0, 40)}`)
      .slice(0, 5),
  ] as const);
  expect(width, `too wide: ${wide.join(" | ")}`).toBeLessThanOrEqual(360);
}

/** Today in Helsinki, as a date field takes it. */
function today(): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Helsinki" }).format(new Date());
}

async function openSession(page: Page, title: string) {
  await page.goto("/outings");
  await page.getByRole("link", { name: title }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

/** The coordinator signs a client up from the client's card, as the card links on. */
async function signUpFromCard(page: Page, title: string, client: string, ride?: string) {
  await page.goto("/clients");
  await page.getByRole("link", { name: client, exact: true }).click();
  await page.getByRole("link", { name: "Ilmoita retkelle tai ryhmään" }).click();
  await page.getByRole("link", { name: title }).first().click();
  const form = page.locator("#signup-form");
  await expect(form.getByLabel("Asiakas", { exact: true })).toHaveValue(/\d+/);
  await expect(form.getByLabel("Asiakas", { exact: true }).locator("option:checked")).toHaveText(client);
  if (ride) {
    await form.getByLabel("Tarvitsee kyydin").check();
    await form.getByLabel("Mistä haetaan").fill(ride);
  }
  await form.getByLabel(/Asiakas haluaa mukaan/).check();
  await form.getByRole("button", { name: "Ilmoita" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Ilmoitettu/ })).toBeVisible();
}

function participant(page: Page, name: string) {
  return page.locator("li.card").filter({ has: page.getByText(name, { exact: true }) });
}

test("an outing fills, its line moves, the driver's pickups and the leader's marks reach payroll", async ({ page }, testInfo: TestInfo) => {
  test.setTimeout(180_000);
  const title = `Elokuviin (${testInfo.project.name})`;

  // The coordinator plans it; a bad form first keeps what was typed.
  await signIn(page, DEMO.coordinator);
  await page.goto("/outings/new");
  await page.getByLabel("Nimi", { exact: true }).fill(title);
  await page.getByLabel("Paikka", { exact: true }).fill("Seinäjoki");
  await page.getByLabel("Kokoontumispaikka").fill("Elokuvateatterin aula");
  await page.getByLabel("Päivä (ensimmäinen kerta)").fill(today());
  await page.getByLabel("Alkaa", { exact: true }).fill("23:30");
  await page.getByLabel("Päättyy", { exact: true }).fill("23:55");
  await page.getByLabel("Paikkoja", { exact: true }).fill("0");
  await page.getByLabel("Ilmoittautuminen päättyy (päivää ennen)").fill("0");
  await page.getByRole("checkbox", { name: "Elina Niemi" }).check();
  await page.getByRole("button", { name: "Luo", exact: true }).click();
  await expect(page.getByLabel("Nimi", { exact: true })).toHaveValue(title);
  await expectNoAxeViolations(page, testInfo);
  await page.getByLabel("Paikkoja", { exact: true }).fill("3");
  await page.getByRole("button", { name: "Luo", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Luotu." })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expectNoAxeViolations(page, testInfo);
  await expectNoSidewaysScroll(page);
  await signOut(page, testInfo);

  // Tuomas drives from Lapua.
  await signIn(page, TUOMAS);
  await openSession(page, title);
  await page.getByLabel("Paikkoja autossasi").fill("2");
  await page.getByLabel("Mistä lähdet").fill("Lapua");
  await page.getByRole("button", { name: "Tarjoa kyytipaikkoja" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Kyytipaikkasi on tarjolla." })).toBeVisible();
  await signOut(page, testInfo);

  // Four clients; the fourth waits in line.
  await signIn(page, DEMO.coordinator);
  await signUpFromCard(page, title, "Liisa", "Lapua");
  await signUpFromCard(page, title, "Matti");
  await signUpFromCard(page, title, "Eino");
  await signUpFromCard(page, title, "Helmi");
  await expect(page.getByRole("status")).toHaveText(/jonoon/);
  await expect(participant(page, "Helmi")).toContainText("1. jonossa");
  await expectNoAxeViolations(page, testInfo);
  // Eino cannot come after all: the place is offered to Helmi.
  await participant(page, "Eino").getByRole("button", { name: "Peru ilmoittautuminen" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Peruttu/ })).toBeVisible();
  await expect(participant(page, "Helmi")).toContainText("Paikka tarjolla");
  await signOut(page, testInfo);

  // Helmi's guide gets the e-mail, with no name in it, and confirms.
  const mail = await mailTo(SARI, /vapautui paikka/);
  expect(mail.text ?? "").not.toContain("Helmi");
  await signIn(page, SARI);
  await page.goto(linkIn(mail.text ?? "", "/outings/sessions/"));
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  // Sari sees only her own client among the participants.
  await expect(page.getByText("Matti", { exact: true })).toHaveCount(0);
  await participant(page, "Helmi").getByRole("button", { name: "Vahvista paikka" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Paikka vahvistettu." })).toBeVisible();
  await expect(participant(page, "Helmi")).toContainText("Vahvistettu");
  await signOut(page, testInfo);

  // Tuomas's pickup list: Liisa in Lapua, with the times; then his hours and kilometres.
  await signIn(page, TUOMAS);
  await openSession(page, title);
  await page.getByRole("link", { name: "Kyytilista" }).click();
  const car = page.locator("section.card").filter({ hasText: "Tuomas Salo" });
  await expect(car.locator("li.stop")).toHaveCount(1);
  await expect(car.locator("li.stop")).toContainText("Lapua");
  await expect(car.locator("li.stop")).toContainText("Liisa");
  await expect(car).toContainText(/Lähde klo \d{1,2}\.\d{2}/);
  await expect(page.getByText("Matti")).toHaveCount(0);
  await expectNoAxeViolations(page, testInfo);
  await expectNoSidewaysScroll(page);
  await page.getByRole("link", { name: "Takaisin tapaamiseen" }).click();
  await page.getByLabel("Ajetut kilometrit").fill("64,5");
  await page.getByLabel("Tunnit", { exact: true }).fill("1,5");
  await page.getByRole("button", { name: "Tallenna tunnit" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Tuntisi ja kilometrisi tallennettiin." })).toBeVisible();
  await signOut(page, testInfo);

  // Elina leads: who came, in a tap each.
  await signIn(page, DEMO.guide);
  await openSession(page, title);
  await participant(page, "Liisa").getByRole("button", { name: "Tuli", exact: true }).click();
  await expect(participant(page, "Liisa").getByRole("button", { name: "Tuli", exact: true })).toHaveAttribute("aria-pressed", "true");
  await participant(page, "Matti").getByRole("button", { name: "Ei tullut" }).click();
  await expect(participant(page, "Matti").getByRole("button", { name: "Ei tullut" })).toHaveAttribute("aria-pressed", "true");
  await expectNoAxeViolations(page, testInfo);
  await expectNoSidewaysScroll(page);
  await signOut(page, testInfo);

  // The payroll file has Tuomas's outing and its kilometres.
  await signIn(page, DEMO.coordinator);
  const month = today().slice(0, 7);
  const response = await page.request.get(`/payroll/${month}.csv`);
  expect(response.status()).toBe(200);
  const [header, ...rows] = (await response.text()).trim().split("\n");
  const columns = header.split(",");
  const driver = rows.find((r) => r.startsWith("Tuomas Salo,"))!.split(",");
  expect(Number(driver[columns.indexOf("outings")])).toBeGreaterThanOrEqual(1);
  expect(Number(driver[columns.indexOf("km")])).toBeGreaterThanOrEqual(64.5);
  // And his month shows the outing itself.
  await page.goto("/mileage");
  await page.getByLabel("Ohjaaja", { exact: true }).selectOption({ label: "Tuomas Salo" });
  await page.getByRole("button", { name: "Näytä" }).click();
  await expect(page.getByRole("row").filter({ hasText: title })).toContainText("64,5");
});
