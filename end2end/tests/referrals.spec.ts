import { test, expect, type Page, type TestInfo } from "@playwright/test";
import { DEMO, expectNoAxeViolations, hydrated, signIn, signOut } from "./helpers";

// The demo guides by name, to sign in as whoever the matching puts first.
const GUIDES: Record<string, string> = {
  "Elina Niemi": DEMO.guide,
  "Jussi Koski": DEMO.guide2,
  "Merja Hautala": "merja.hautala@rinnalla.example",
  "Ari Peltola": "ari.peltola@rinnalla.example",
  "Leila Ahmed": "leila.ahmed@rinnalla.example",
  "Tuomas Salo": "tuomas.salo@rinnalla.example",
  "Sari Kangas": "sari.kangas@rinnalla.example",
  "Mikko Ranta": "mikko.ranta@rinnalla.example",
  "Outi Järvinen": "outi.jarvinen@rinnalla.example",
};

// Both projects run against one server: each walks its own clients.
const pick = (testInfo: TestInfo, withJs: string, withoutJs: string) => (hydrated(testInfo) ? withJs : withoutJs);

const candidates = (page: Page) => page.locator("ol.candidates > li");

/** The first proposed guide's name, from the heading "Name · 0.87". */
async function firstCandidate(page: Page) {
  const heading = (await candidates(page).first().getByRole("heading", { level: 3 }).textContent()) ?? "";
  return heading.split(" · ")[0].trim();
}

test("a social worker refers, the coordinator proposes with reasons, the guide accepts and reaches the client", async ({ page }, testInfo) => {
  const name = pick(testInfo, "Toivo", "Tauno");

  // The social worker's two-minute form.
  await signIn(page, DEMO.socialWorker);
  await page.goto("/referrals/new");
  await expect(page.getByRole("heading", { level: 1, name: "Uusi lähete" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo);
  await page.getByRole("button", { name: "Lähetä lähete" }).click();
  await expect(page.getByText("Tämä tieto tarvitaan.").first()).toBeVisible();
  await page.getByLabel("Etunimi tai kutsumanimi").fill(name);
  await page.getByLabel("Paikkakunta").selectOption("Kauhava");
  await page.getByLabel("Puhelin").fill("040 765 4321");
  await page.getByRole("radio", { name: "Tekstiviesti" }).check();
  await page.getByRole("checkbox", { name: "velat", exact: true }).check();
  await page.getByLabel("Asiakkaan omin sanoin").fill("Haluan saada laskut järjestykseen.");
  await page.getByRole("checkbox", { name: /Asiakas suostuu kokemusohjaukseen/ }).check();
  await page.getByRole("button", { name: "Lähetä lähete" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Lähete: ${name}` })).toBeVisible();
  await expect(page.getByText("Lähete on lähetetty.", { exact: false })).toBeVisible();
  await expect(page.getByText("Odottanut 0 pv, 7 pv aikaa")).toBeVisible();
  const referral = page.url().split("?")[0];
  await signOut(page, testInfo);

  // The coordinator's queue, and why each guide is proposed.
  await signIn(page, DEMO.coordinator);
  await page.goto("/referrals");
  await expect(page.getByRole("heading", { level: 1, name: "Lähetejono" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo);
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Sopivimmat ohjaajat" })).toBeVisible();
  const first = candidates(page).first();
  await expect(first).toContainText("Kokemusta samoista asioista: velat");
  await expect(first).toContainText(/Välimatka noin \d+ km/);
  await expectNoAxeViolations(page, testInfo);
  const guide = await firstCandidate(page);
  await first.getByRole("button", { name: `Ehdota: ${guide}` }).click();
  await expect(page.getByText("Ohjaajalta on kysytty.", { exact: false })).toBeVisible();
  await expect(page.getByText("Odottaa vastausta")).toBeVisible();
  await signOut(page, testInfo);

  // The guide sees the proposal with the reasons, and takes the client on.
  await signIn(page, GUIDES[guide]);
  await page.goto("/proposals");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: `${name} · Kauhava` }) });
  await expect(card).toContainText("Haluan saada laskut järjestykseen.");
  await expectNoAxeViolations(page, testInfo);
  await card.getByRole("button", { name: "Otan asiakkaan" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("Otit asiakkaan vastaan.", { exact: false })).toBeVisible();
  const guideSection = page.getByRole("region", { name: "Oma kokemusohjaaja" });
  await expect(guideSection).toContainText(guide);
  // One tap to reach the client the way they prefer.
  await expect(page.getByRole("link", { name: "Tekstiviesti" })).toHaveAttribute("href", "sms:0407654321");
  await expectNoAxeViolations(page, testInfo);

  // First contact by text message: the 7-day clock stops.
  await page.getByRole("radio", { name: "Tekstiviesti" }).check();
  await page.getByRole("button", { name: "Tavoitin asiakkaan" }).click();
  await expect(page.getByText("Ensikontakti on kirjattu. Viikon kello on pysähtynyt.")).toBeVisible();
  await expect(page.getByText("Tavoitettu 0 päivässä")).toBeVisible();
  await expect(page.getByRole("button", { name: "Tavoitin asiakkaan" })).toHaveCount(0);
  await signOut(page, testInfo);

  // The social worker sees who the guide is and every step with who took it.
  await signIn(page, DEMO.socialWorker);
  await page.goto(referral);
  await expect(page.getByText("Tavoitettu 0 päivässä")).toBeVisible();
  const timeline = page.locator("ol.timeline > li");
  await expect(timeline).toHaveCount(4);
  await expect(timeline.nth(3)).toContainText(`Ensikontakti · ${guide} · Tekstiviesti`);
  await page.getByRole("link", { name: "Asiakaskortti" }).click();
  await expect(page.getByRole("region", { name: "Oma kokemusohjaaja" })).toContainText(guide);
});

test("a guide declines with a reason and the referral returns to the queue with the next proposals", async ({ page }, testInfo) => {
  const name = pick(testInfo, "Veikko", "Kirsi");
  await signIn(page, DEMO.coordinator);
  await page.goto("/referrals");
  await page.getByRole("link", { name }).click();
  const referral = page.url();
  const guide = await firstCandidate(page);
  await candidates(page).first().getByRole("button", { name: `Ehdota: ${guide}` }).click();
  await expect(page.getByText("Ohjaajalta on kysytty.", { exact: false })).toBeVisible();
  await signOut(page, testInfo);

  await signIn(page, GUIDES[guide]);
  await page.goto("/proposals");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: new RegExp(`^${name} · `) }) });
  await card.getByRole("button", { name: "En voi ottaa" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Kerro lyhyesti, miksi et voi ottaa asiakasta/);
  await page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: new RegExp(`^${name} · `) }) })
    .getByLabel("Jos et voi ottaa asiakasta, kerro miksi")
    .fill("Kalenteri on täynnä tässä kuussa");
  await page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: new RegExp(`^${name} · `) }) })
    .getByRole("button", { name: "En voi ottaa" })
    .click();
  await expect(page.getByText("Vastaus on kirjattu. Lähete palaa jonoon.")).toBeVisible();
  await expect(page.getByRole("heading", { name: new RegExp(`^${name} · `) })).toHaveCount(0);
  await signOut(page, testInfo);

  await signIn(page, DEMO.coordinator);
  await page.goto(referral);
  await expect(page.getByText("Ei voinut ottaa: Kalenteri on täynnä tässä kuussa")).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Sopivimmat ohjaajat" })).toBeVisible();
  // The guide who declined is not proposed again; the reason is given.
  await expect(candidates(page).getByRole("heading", { name: new RegExp(`^${guide} · `) })).toHaveCount(0);
  await expect(page.locator("details").filter({ hasText: guide })).toContainText("Rajattu pois tältä asiakkaalta.");
});

test("a guide asks for a transfer, the coordinator approves it and the old guide loses access", async ({ page }, testInfo) => {
  const [name, oldGuide] = hydrated(testInfo) ? ["Eino", "Tuomas Salo"] : ["Helmi", "Sari Kangas"];
  const oldEmail = GUIDES[oldGuide];
  await signIn(page, oldEmail);
  await page.goto("/clients");
  await page.getByRole("link", { name }).click();
  const address = page.url();
  await page.getByText("Pyydä ohjaajan vaihtoa").click();
  await page.getByLabel("Vaihdon syy").fill("Muutan toiselle paikkakunnalle");
  await page.getByRole("button", { name: "Lähetä pyyntö" }).click();
  await expect(page.getByText("Vaihtopyyntö on lähetetty koordinaattorille.")).toBeVisible();
  await signOut(page, testInfo);

  await signIn(page, DEMO.coordinator);
  await page.goto("/transfers");
  await expect(page.getByRole("heading", { level: 1, name: "Ohjaajan vaihdot" })).toBeVisible();
  const request = page.getByRole("listitem").filter({ hasText: name });
  await expect(request).toContainText(`Nykyinen ohjaaja: ${oldGuide}`);
  await expect(request).toContainText("Asiakkaan ohjaaja on vaihtunut aiemmin 0 kertaa");
  await expectNoAxeViolations(page, testInfo);
  await request.getByRole("link", { name }).click();
  const select = page.getByLabel("Uusi ohjaaja");
  const ari = await select.locator("option", { hasText: "Ari Peltola" }).getAttribute("value");
  await select.selectOption(ari!);
  await page.getByRole("button", { name: "Hyväksy vaihto" }).click();
  await expect(page.getByText("Vaihtopyyntö on käsitelty.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Oma kokemusohjaaja" })).toContainText("Ari Peltola");
  await signOut(page, testInfo);

  await signIn(page, oldEmail);
  const response = await page.goto(address);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "Ei oikeutta" })).toBeVisible();
});
