// The end-to-end scenarios; each gets a fresh browser context.
import { join } from 'node:path';

const SIGN_IN_AS_KEY = 'certificates.signInAs';

/** Signs in as an example user (or guest) before the app loads. */
export async function signInAs(context, user) {
  await context.addInitScript(
    ([key, value]) => window.localStorage.setItem(key, value),
    [SIGN_IN_AS_KEY, user],
  );
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

export const tests = [
  {
    name: 'guest signs in from the sign-in page',
    async run({ page, baseUrl, shots }) {
      await page.goto(baseUrl);
      await page.getByRole('button', { name: 'Enter as guest' }).click();
      await page.getByText('payments-api').first().waitFor();
      await page.screenshot({ path: join(shots, '01-catalog-as-guest.png') });
    },
  },
  {
    name: 'component Certificates tab lists its certificates',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(`${baseUrl}/catalog/default/component/payments-api/certificates`);
      await page.getByRole('table').first().waitFor();
      await page.screenshot({ path: join(shots, '02-entity-certificates-tab.png') });
    },
  },
  {
    name: 'inventory page shows the issuers',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(`${baseUrl}/certificates`);
      await page.getByText('Built-in CA', { exact: false }).first().waitFor();
      const text = await page.textContent('body');
      expect(/SHA-256|fingerprint/i.test(text ?? ''), 'issuer fingerprint not shown');
      await page.screenshot({ path: join(shots, '03-inventory.png'), fullPage: true });
    },
  },
];
