import { test, expect } from "@playwright/test";
import { DEMO, expectNoAxeViolations, signIn } from "./helpers";

test("a person chooses which optional e-mails they get; account mail cannot be turned off", async ({ page }, testInfo) => {
  await signIn(page, DEMO.socialWorker);
  await page.goto("/settings");
  const reminders = page.getByRole("checkbox", { name: "Muistutus käynnistä" });
  const invitation = page.getByRole("checkbox", { name: /Kutsu käyttäjäksi/ });
  await expect(invitation).toBeChecked();
  await expect(invitation).toBeDisabled();
  await expectNoAxeViolations(page, testInfo);
  if (await reminders.isChecked()) await reminders.uncheck();
  await page.getByRole("button", { name: "Tallenna" }).click();
  await expect(page.getByText("Asetukset on tallennettu.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Muistutus käynnistä" })).not.toBeChecked();
  await page.getByRole("checkbox", { name: "Muistutus käynnistä" }).check();
  await page.getByRole("button", { name: "Tallenna" }).click();
  await expect(page.getByRole("checkbox", { name: "Muistutus käynnistä" })).toBeChecked();
});

test("an admin sees the e-mail outbox with what was sent", async ({ page }, testInfo) => {
  await signIn(page, DEMO.admin);
  await page.goto("/admin/outbox");
  await expect(page.getByRole("heading", { level: 1, name: "Sähköpostijono" })).toBeVisible();
  await expect(page.getByText(/Jonossa \d+, lähetetty \d+, luovuttu \d+\./)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Viimeksi lähetetyt" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo);
});
