// The end-to-end scenarios; each gets a fresh browser context.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** A fresh ECDSA P-256 CSR made with openssl; the key stays in a temp dir that is removed. */
function makeCsr(name) {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-csr-'));
  try {
    execFileSync('openssl', [
      'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'csr.pem'),
      '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`,
    ], { stdio: 'ignore' });
    return readFileSync(join(dir, 'csr.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Waits for a locator, reloading the page every few seconds: discovery and
 * catalog ownership settle in the background after the backend starts.
 */
async function waitWithReload(page, locator, ms = 90_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await locator.waitFor({ timeout: 5_000 });
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await page.reload();
    }
  }
}

/** Opens the request dialog on an entity tab and fills a CSR request. */
async function fillCsrRequest(page, { name, validityDays, justification }) {
  await page.getByRole('button', { name: 'Request certificate' }).click();
  const form = page.getByRole('form', { name: 'Certificate request' });
  await form.waitFor();
  const dns = form.getByLabel('DNS names');
  await dns.fill(name);
  await form.getByLabel('Common name').fill(name);
  await form.getByLabel('Validity (days)').fill(String(validityDays));
  await form.getByLabel('I provide a CSR and download the certificate').check();
  await form.getByLabel('Certificate signing request (PEM)').fill(makeCsr(name));
  await form.getByLabel('Justification').fill(justification);
  return form;
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
      // Ownership settles after the first catalog refresh: wait for the rows.
      const rows = page.locator('tbody tr');
      await waitWithReload(page, rows.filter({ hasText: 'payments.shop.example.com' }).first());
      await rows.filter({ hasText: 'payments.payments.svc' }).first().waitFor();
      const text = await page.textContent('body');
      expect(/Expiring/.test(text ?? ''), 'the expiring certificate is not marked Expiring');
      expect(
        !/checkout\.shop\.example\.com/.test(text ?? ''),
        "checkout-web's certificate is listed on payments-api's tab",
      );
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
  {
    name: 'certificate details explain the findings',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(`${baseUrl}/catalog/default/component/payments-api/certificates`);
      const row = page.getByText('partner.payments.shop.example.com').first();
      await waitWithReload(page, row);
      await row.click();
      const drawer = page.getByRole('dialog').or(page.getByRole('presentation')).first();
      await drawer.getByText(/weak key|RSA.*1024/i).first().waitFor();
      const text = (await page.textContent('body')) ?? '';
      expect(/SHA-256/i.test(text), 'fingerprint missing from details');
      expect(/chain/i.test(text), 'chain missing from details');
      await page.screenshot({ path: join(shots, '04-certificate-details.png') });
    },
  },
  {
    name: 'inventory filters to expired and exports that CSV',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(`${baseUrl}/certificates?view=all&status=expired`);
      await page.getByText('old.payments.shop.example.com').first().waitFor();
      const body = (await page.textContent('body')) ?? '';
      expect(!body.includes('checkout.shop.example.com'), 'a valid certificate is listed under expired');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: /export csv/i }).click(),
      ]);
      const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
      expect(csv.length >= 2, 'CSV has no rows');
      for (const line of csv.slice(1)) expect(/expired/.test(line), `non-expired row in CSV: ${line}`);
      expect(csv.some(l => l.includes('old.payments.shop.example.com')), 'expected row missing in CSV');
      await page.screenshot({ path: join(shots, '05-inventory-expired.png') });
    },
  },
  {
    name: 'the unowned view lists a secret with no owner',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(`${baseUrl}/certificates?view=unowned`);
      await page.getByText('legacy', { exact: false }).first().waitFor();
      await page.screenshot({ path: join(shots, '06-inventory-unowned.png') });
    },
  },
  {
    name: 'a developer requests an auto-approved certificate, downloads it and sees it on the tab',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'alice');
      await page.goto(`${baseUrl}/catalog/default/component/payments-api/certificates`);
      const form = await fillCsrRequest(page, {
        name: 'payments-api.shop.example.com',
        validityDays: 30,
        justification: 'TLS for the partner API',
      });
      await form.getByText(/approved automatically|auto-approved/i).first().waitFor();
      await page.screenshot({ path: join(shots, '07-request-form.png') });
      await form.getByRole('button', { name: 'Submit request' }).click();
      const download = page.getByRole('button', { name: 'Download certificate chain (PEM)' });
      await download.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(shots, '08-request-issued.png') });
      const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
      const pem = readFileSync(await file.path(), 'utf8');
      expect((pem.match(/BEGIN CERTIFICATE/g) ?? []).length >= 2, 'chain should hold the leaf and the issuing CA');
      await page.keyboard.press('Escape');
      await page.goto(`${baseUrl}/catalog/default/component/payments-api/certificates?q=payments-api.shop`);
      // The certificates table (not the requests list) must show the issued certificate.
      const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: /expires/i }) });
      await waitWithReload(page, table.getByText('payments-api.shop.example.com').first());
      await page.screenshot({ path: join(shots, '09-issued-on-tab.png') });
    },
  },
  {
    name: 'a request queued for approval is approved by security and audited',
    async run({ page, context, baseUrl, shots, browser }) {
      await signInAs(context, 'bob');
      await page.goto(`${baseUrl}/catalog/default/component/payments-api/certificates`);
      const form = await fillCsrRequest(page, {
        name: 'api.payments-api.shop.example.com',
        validityDays: 60,
        justification: 'Partner integration needs 60 days',
      });
      await form.getByText(/approval/i).first().waitFor();
      await form.getByRole('button', { name: 'Submit request' }).click();
      await page.getByText(/pending/i).first().waitFor();

      const approver = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        await signInAs(approver, 'sam');
        const ap = await approver.newPage();
        ap.setDefaultTimeout(20_000);
        await ap.goto(`${baseUrl}/certificates/approvals`);
        const row = ap.getByRole('row', { name: /api\.payments-api\.shop\.example\.com/ });
        await row.first().waitFor();
        await ap.screenshot({ path: join(shots, '10-approvals-queue.png') });
        await ap.getByRole('button', { name: /^Approve .*api\.payments-api/ }).first().click();
        await ap.getByText('No requests waiting for you').or(ap.getByText(/approved/i)).first().waitFor();
        await ap.goto(`${baseUrl}/certificates/approvals/audit`);
        await ap.getByText(/approved/).first().waitFor();
        const audit = (await ap.textContent('body')) ?? '';
        expect(audit.includes('user:default/sam') || audit.includes('sam'), 'approver missing from the audit trail');
        await ap.screenshot({ path: join(shots, '11-audit.png') });
      } finally {
        await approver.close();
      }
      await page.getByRole('button', { name: 'Download certificate chain (PEM)' }).waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(shots, '12-request-approved-issued.png') });
    },
  },
];
