// Software templates: the certificates:request action run from the Create page.
import { join } from 'node:path';
import { expect, signInAs } from './tests.mjs';

export const scaffolderTests = [
  {
    name: 'a template requests a certificate that then shows on the entity tab',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'alice');
      const name = `tpl${Date.now() % 100000}.payments-api.shop.example.com`;
      await page.goto(`${baseUrl}/create`);
      const card = page
        .locator('article, .MuiCard-root')
        .filter({ hasText: 'Request a TLS certificate' })
        .first();
      await card.waitFor({ timeout: 60_000 });
      await card.getByRole('button', { name: 'Choose' }).click();

      const component = page
        .getByRole('combobox', { name: /Component/ })
        .or(page.getByLabel(/^Component/))
        .first();
      await component.click();
      await component.fill('payments-api');
      await page
        .getByRole('option', { name: /payments-api/ })
        .first()
        .click();
      await page.getByRole('textbox', { name: /DNS name/ }).fill(name);
      await page.screenshot({ path: join(shots, '30-template-form.png') });
      await page.getByRole('button', { name: 'Next' }).click();
      await page
        .getByRole('textbox', { name: /Secret name/ })
        .fill(`tpl-${Date.now() % 100000}-tls`);
      await page.getByRole('button', { name: /Review|Next/ }).click();
      await page.getByRole('button', { name: 'Create' }).click();

      // The task's output names the request and its state.
      await page
        .getByText(/Request \S+ is (issuing|issued|pending)/)
        .first()
        .waitFor({ timeout: 90_000 });
      const output = (await page.textContent('body')) ?? '';
      expect(
        /Request \S+ is (issuing|issued)/.test(output),
        "an owner's request was not approved at once",
      );
      await page.screenshot({ path: join(shots, '31-template-done.png') });

      // The request is on the entity's Certificates tab, as alice's.
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates`,
      );
      await page.getByText(name).first().waitFor({ timeout: 60_000 });
      // The requests table loads after the certificates: wait for its row.
      const row = page
        .getByRole('table', { name: 'Certificate requests' })
        .getByRole('row')
        .filter({ hasText: name })
        .first();
      await row.waitFor({ timeout: 60_000 });
      expect(
        /user:default\/alice/.test((await row.textContent()) ?? ''),
        'the request is not recorded as the user who ran the template',
      );
      await page.screenshot({
        path: join(shots, '32-template-request-on-tab.png'),
      });
    },
  },
];
