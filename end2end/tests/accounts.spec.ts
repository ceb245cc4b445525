import { test, expect } from "@playwright/test";
import {
  DEMO, DEMO_PASSWORD, expectNoAxeViolations, linkIn, mailTo, openMenu, signIn, signOut,
} from "./helpers";

const menu = (page: import("@playwright/test").Page) => page.getByRole("navigation", { name: "Päävalikko" });

test("each demo role signs in and sees its own navigation", async ({ page }, testInfo) => {
  const cases: [string, string[], string[]][] = [
    [DEMO.admin, ["Etusivu", "Henkilöstö", "Lokitiedot"], ["Asiakkaat"]],
    [DEMO.coordinator, ["Etusivu", "Asiakkaat", "Henkilöstö"], ["Lokitiedot"]],
    [DEMO.socialWorker, ["Etusivu", "Asiakkaat"], ["Henkilöstö", "Lokitiedot"]],
    [DEMO.guide, ["Etusivu", "Asiakkaat"], ["Henkilöstö", "Lokitiedot"]],
  ];
  for (const [email, shown, hidden] of cases) {
    await signIn(page, email);
    await expect(page.getByRole("heading", { level: 1, name: /^Hei, / })).toBeVisible();
    await openMenu(page, testInfo);
    for (const name of shown) await expect(menu(page).getByRole("link", { name, exact: true })).toBeVisible();
    for (const name of hidden) await expect(menu(page).getByRole("link", { name, exact: true })).toHaveCount(0);
    await signOut(page, testInfo);
  }
});

test("a guide gets a clear 'not allowed' page for another guide's client, and the attempt is recorded", async ({ page }, testInfo) => {
  // Liisa is the other demo guide's client; find her address as the coordinator sees it.
  await signIn(page, DEMO.coordinator);
  await page.goto("/clients");
  const liisa = await page.getByRole("link", { name: "Liisa" }).getAttribute("href");
  await signOut(page, testInfo);

  await signIn(page, DEMO.guide);
  await page.goto("/clients");
  await expect(page.getByRole("link", { name: "Matti" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Liisa" })).toHaveCount(0);
  const response = await page.goto(liisa!);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "Ei oikeutta" })).toBeVisible();
  await expect(page.getByText("Liisa")).toHaveCount(0);
  await expectNoAxeViolations(page, testInfo);
  await signOut(page, testInfo);

  await signIn(page, DEMO.admin);
  await page.goto(`/admin/audit?entity=client&entity_id=${liisa!.split("/").pop()}&denied_only=1`);
  const row = page.getByRole("row").filter({ hasText: "Elina Niemi" }).filter({ hasText: "view_client" });
  await expect(row.first()).toContainText("estetty");
  await expectNoAxeViolations(page, testInfo);
});

test("signing out ends the session", async ({ page }, testInfo) => {
  await signIn(page, DEMO.socialWorker);
  await page.goto("/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Asiakkaani" })).toBeVisible();
  await signOut(page, testInfo);
  await page.goto("/clients");
  await expect(page).toHaveURL(/\/sign-in\?next=\/clients$/);
  await expect(page.getByRole("heading", { level: 1, name: "Kirjaudu sisään" })).toBeVisible();
});

test("a wrong password and the pause after many are explained in the chosen language", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByRole("group", { name: "Kieli" }).getByRole("button", { name: "Svenska" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Logga in" })).toBeVisible();
  const attempt = async () => {
    await page.getByLabel("E-post").fill(DEMO.guide2);
    await page.getByLabel("Lösenord").fill("fel lösenord");
    await page.getByRole("button", { name: "Logga in", exact: true }).click();
  };
  await attempt();
  const wrong = page.getByText("E-postadressen eller lösenordet är fel.");
  const paused = page.getByText(/För många försök\. Försök igen om \d+ minuter?\./);
  await expect(wrong.or(paused)).toBeVisible();
  // The typed address is kept, the password is not.
  await expect(page.getByLabel("E-post")).toHaveValue(DEMO.guide2);
  await expect(page.getByLabel("Lösenord")).toHaveValue("");
  for (let i = 0; i < 6 && !(await paused.isVisible()); i++) await attempt();
  await expect(paused).toBeVisible();
  await page.getByRole("group", { name: "Språk" }).getByRole("button", { name: "Suomi" }).click();
});

test("an invited person gets the e-mail, sets a password, and can reset it later", async ({ page }, testInfo) => {
  const email = `uusi.ohjaaja.${testInfo.project.name}.${Date.now()}@kunta.example`;
  await signIn(page, DEMO.coordinator);
  await page.goto("/admin/users/new");
  await expectNoAxeViolations(page, testInfo);
  await page.getByLabel("Nimi").fill("Ulla Uusi");
  await page.getByLabel("Sähköposti", { exact: true }).fill("not an address");
  await page.getByRole("checkbox", { name: "Kokemusohjaaja" }).check();
  await page.getByRole("button", { name: "Lähetä kutsu" }).click();
  // A refused form keeps what was typed and says what to fix.
  await expect(page.getByText("Tarkista sähköpostiosoite, esimerkiksi nimi@kunta.fi.")).toBeVisible();
  await expect(page.getByLabel("Nimi")).toHaveValue("Ulla Uusi");
  await expect(page.getByRole("checkbox", { name: "Kokemusohjaaja" })).toBeChecked();
  await page.getByLabel("Sähköposti", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Lähetä kutsu" }).click();
  await expect(page.getByText("Kutsu on lähetetty.")).toBeVisible();
  await signOut(page, testInfo);

  const invitation = await mailTo(email, /^Kutsu Rinnallaan$/);
  expect(invitation.text).toContain("Kaisa Mäkelä on kutsunut sinut");
  await page.goto(linkIn(invitation.text ?? "", "/invitation/"));
  await expect(page.getByText(`Ulla Uusi (${email})`)).toBeVisible();
  await expectNoAxeViolations(page, testInfo);
  await page.getByLabel("Uusi salasana", { exact: true }).fill("salasana1");
  await page.getByLabel("Uusi salasana uudelleen").fill("salasana1");
  await page.getByRole("button", { name: "Tallenna salasana" }).click();
  await expect(page.getByText("Salasana on liian helppo arvata.")).toBeVisible();
  const password = "kolme kettua juoksi metsään";
  await page.getByLabel("Uusi salasana", { exact: true }).fill(password);
  await page.getByLabel("Uusi salasana uudelleen").fill(password);
  await page.getByRole("button", { name: "Tallenna salasana" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hei, Ulla Uusi!" })).toBeVisible();
  await signOut(page, testInfo);

  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Unohtuiko salasana?" }).click();
  await page.getByLabel("Sähköposti", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Lähetä linkki" }).click();
  await expect(page.getByText(/lähetimme siihen linkin/)).toBeVisible();
  const reset = await mailTo(email, /^Salasanan vaihto Rinnallassa$/);
  const resetPath = linkIn(reset.text ?? "", "/password-reset/");
  await page.goto(resetPath);
  const newPassword = "neljä karhua nukkui luolassa";
  await page.getByLabel("Uusi salasana", { exact: true }).fill(newPassword);
  await page.getByLabel("Uusi salasana uudelleen").fill(newPassword);
  await page.getByRole("button", { name: "Tallenna salasana" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hei, Ulla Uusi!" })).toBeVisible();
  await signOut(page, testInfo);
  // The link worked once.
  await page.goto(resetPath);
  await expect(page.getByRole("heading", { level: 1, name: "Linkki ei ole enää voimassa" })).toBeVisible();
  await signIn(page, email, newPassword);
  await expect(page.getByRole("heading", { level: 1, name: "Hei, Ulla Uusi!" })).toBeVisible();
});

test("the sign-in page and the staff pages have no accessibility violations", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await expectNoAxeViolations(page, testInfo);
  await signIn(page, DEMO.admin);
  await page.goto("/admin/users");
  await expectNoAxeViolations(page, testInfo);
  await page.getByRole("link", { name: "Elina Niemi" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Elina Niemi" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo);
  await page.goto("/admin/audit");
  await expectNoAxeViolations(page, testInfo);
  expect(DEMO_PASSWORD.length).toBeGreaterThan(8);
});
