import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, appCode, expectNoAxeViolations, signIn, signOut } from "./helpers";

// Two-step sign-in on the phone, hydrated and without JavaScript: a social worker (for whom it
// is a choice) sets up an authenticator app, signs in with a code and with a recovery code, and
// a wrong code is refused in the language she chose. At the end she turns it off again, so the
// next project starts from the same demo.
const HANNA = "sosiaalityo2@rinnalla.example";

test("a social worker sets up an authenticator app and signs in with a code and a recovery code", async ({ page }, testInfo) => {
  await signIn(page, HANNA);
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/settings/second-factor");
  await page.getByRole("button", { name: "Ota käyttöön" }).click();
  await expect(page.getByRole("img", { name: "QR-koodi tunnistussovellukselle" })).toBeVisible();
  const secret = await page.getByLabel("Tai kirjoita avain sovellukseen käsin:").inputValue();
  expect(secret).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  await expectNoAxeViolations(page, testInfo);
  await page.getByLabel("Koodi tunnistussovelluksesta").fill(appCode(secret));
  await page.getByRole("button", { name: "Ota käyttöön" }).click();

  const codesRegion = page.getByRole("region", { name: "Varakoodisi (näytetään vain nyt)" });
  await expect(codesRegion).toBeVisible();
  const codes = await codesRegion.getByRole("listitem").allTextContents();
  expect(codes).toHaveLength(10);
  expect(codes[0]).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  await expectNoAxeViolations(page, testInfo);
  // Shown once: a reload shows the count left, not the codes.
  await page.goto("/settings/second-factor");
  await expect(page.getByText("Varakoodeja on jäljellä 10.")).toBeVisible();
  await expect(page.getByText(codes[0])).toHaveCount(0);

  // The password leads to the code, asked in the chosen language.
  await signOut(page, testInfo);
  await signIn(page, HANNA);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await page.getByRole("group", { name: "Kieli" }).getByRole("button", { name: "Svenska" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Bekräfta inloggningen" })).toBeVisible();
  await page.getByLabel("Kod", { exact: true }).fill("000000");
  await page.getByRole("button", { name: "Fortsätt" }).click();
  await expect(page.getByText("Koden duger inte.", { exact: false })).toBeVisible();
  // The setup took this step's code: the app's next one is what she would type next.
  await page.getByLabel("Kod", { exact: true }).fill(appCode(secret, new Date(Date.now() + 30_000)));
  await page.getByRole("button", { name: "Fortsätt" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("group", { name: "Språk" }).getByRole("button", { name: "Suomi" }).click();

  // A recovery code instead of the phone.
  await signOut(page, testInfo);
  await signIn(page, HANNA);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await page.getByLabel("Koodi", { exact: true }).fill(codes[0]);
  await page.getByRole("button", { name: "Jatka" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/settings/second-factor");
  await expect(page.getByText("Varakoodeja on jäljellä 9.")).toBeVisible();

  // Off again with her password, for the next run.
  await page.getByLabel("Salasanasi").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Poista kaksivaiheinen tunnistautuminen" }).click();
  await expect(page.getByText("Kaksivaiheinen tunnistautuminen on poistettu käytöstä.")).toBeVisible();
});
