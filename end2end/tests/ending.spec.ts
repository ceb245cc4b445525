import { test, expect, type Page } from "@playwright/test";
import { DEMO, expectNoAxeViolations, hydrated, signIn, signOut } from "./helpers";

// The demo has two guidances near their planned end: Sirpa's with Merja and Kalevi's with
// Mikko, both referred by Sami. The hydrated project ends Sirpa's with the social worker at the
// table; the project without JavaScript has Kalevi's guide hold it on the phone, and the
// social worker finds the summary afterwards.

const PARTS = [
  "1. Asiakkaan tavoitteet ja niiden toteutuminen",
  "2. Asiakkaan tilanteeseen vaikuttavat tekijät",
  "3. Palvelut",
  "4. Työmenetelmät",
];

async function openEnding(page: Page, name: string) {
  await page.goto("/clients");
  await page.getByRole("link", { name, exact: true }).click();
  await page.getByRole("link", { name: "Lopetus ja yhteenveto" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Lopetus · ${name}` })).toBeVisible();
}

async function fillEnding(page: Page, goal: string, note: string) {
  const form = page.locator("#ending-form");
  await form.getByLabel("Mistä lähdettiin?").fill("En lähtenyt kotoa juuri ollenkaan.");
  await form.getByLabel("Missä ollaan nyt?").fill("Käyn viikoittain itse.");
  await form.getByLabel("Mikä auttoi?").fill("Että joku lähti ensin mukaan.");
  const card = form.locator("section.goal").filter({ has: page.getByRole("heading", { name: goal }) });
  await card.getByRole("radio", { name: "Hyvin", exact: true }).check();
  await form.getByLabel("Läheiset ja ihmissuhteet").selectOption({ label: "auttoi" });
  const service = form.locator("fieldset.service-line").first();
  await service.getByLabel("Millainen palvelu").selectOption({ label: "Vertaistuki" });
  await service.getByLabel("Palvelun nimi (vapaaehtoinen)").fill("Lapuan kohtaamispaikka");
  await service.getByLabel("Uusi yhteys ohjauksen aikana").check();
  await form.getByLabel("Kokemusohjaajan muistiinpano").fill(note);
  return card;
}

async function expectSummary(text: string, goal: string, note: string) {
  for (const part of PARTS) expect(text.split("\n")).toContain(part);
  expect(text).toContain(goal);
  expect(text).toContain("Että joku lähti ensin mukaan.");
  expect(text).toContain("Läheiset ja ihmissuhteet: auttoi");
  expect(text).toContain("Vertaistuki: Lapuan kohtaamispaikka (uusi yhteys ohjauksen aikana)");
  // Only what the record needs: the notes stay in Rinnalla.
  expect(text).not.toContain(note);
}

test("the ending is held together and makes the summary for the client record in its four parts", async ({ page }, testInfo) => {
  const note = `Oma muistiinpano (${testInfo.project.name})`;
  if (hydrated(testInfo)) {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    const goal = "Käyn uimahallissa kerran viikossa";
    await signIn(page, DEMO.socialWorker);
    await openEnding(page, "Sirpa");
    await expectNoAxeViolations(page, testInfo);
    const card = await fillEnding(page, goal, note);
    await card.getByRole("radio", { name: "saavutettiin", exact: true }).check();
    await page.getByRole("button", { name: "Päätä ohjaus ja tee yhteenveto" }).click();

    await expect(page).toHaveURL(/\/ending#summary$/);
    const box = page.getByLabel("Yhteenvedon teksti");
    await expect(box).toBeVisible();
    await expectSummary(await box.inputValue(), goal, note);
    // The notes are on the page for the people at the ending, never in the summary.
    await expect(page.locator("#ending")).toContainText(note);
    await page.getByRole("button", { name: "Kopioi yhteenveto" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Kopioitu leikepöydälle." })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await box.inputValue());
    await expectNoAxeViolations(page, testInfo);

    await page.getByRole("link", { name: "Tulostettava sivu" }).click();
    await expect(page.locator("pre.summary-print")).toContainText(PARTS[3]);
    await expectNoAxeViolations(page, testInfo);
    return;
  }

  // Without JavaScript, on the guide's phone; a missing outcome first, and nothing is lost.
  const goal = "Teen ansioluettelon";
  await signIn(page, "mikko.ranta@rinnalla.example");
  await openEnding(page, "Kalevi");
  await expect(page.getByRole("button", { name: "Kopioi yhteenveto" })).toHaveCount(0);
  await fillEnding(page, goal, note);
  await page.getByRole("button", { name: "Päätä ohjaus ja tee yhteenveto" }).click();
  const refused = page.locator("section.goal").filter({ has: page.getByRole("heading", { name: goal }) });
  await expect(refused.getByText("Tämä tieto tarvitaan.")).toBeVisible();
  await expect(page.getByLabel("Mikä auttoi?")).toHaveValue("Että joku lähti ensin mukaan.");
  await expect(page.getByLabel("Palvelun nimi (vapaaehtoinen)").first()).toHaveValue("Lapuan kohtaamispaikka");
  await expectNoAxeViolations(page, testInfo);
  await refused.getByRole("radio", { name: "saavutettiin osittain", exact: true }).check();
  await refused.getByRole("radio", { name: "Hyvin", exact: true }).check();
  await page.getByRole("button", { name: "Päätä ohjaus ja tee yhteenveto" }).click();

  // The guide's access ended with the guidance; their day says so.
  await expect(page).toHaveURL(/\/today\?ended=1$/);
  await expect(page.getByText(/Ohjaus on päätetty ja yhteenveto on tehty/)).toBeVisible();
  const back = await page.goto("/clients");
  expect(back?.status()).toBe(200);
  await expect(page.getByRole("link", { name: "Kalevi", exact: true })).toHaveCount(0);
  await signOut(page, testInfo);

  // The social worker finds the summary ready, and prints it.
  await signIn(page, DEMO.socialWorker);
  await openEnding(page, "Kalevi");
  await expectSummary(await page.getByLabel("Yhteenvedon teksti").inputValue(), goal, note);
  await page.getByRole("link", { name: "Tulostettava sivu" }).click();
  await expectSummary((await page.locator("pre.summary-print").textContent()) ?? "", goal, note);
  await expectNoAxeViolations(page, testInfo);
});
