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

export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

/** A fresh ECDSA P-256 CSR made with openssl; the key stays in a temp dir that is removed. */
export function makeCsr(name) {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-csr-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'csr.pem'),
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
      ],
      { stdio: 'ignore' },
    );
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
export async function fillCsrRequest(
  page,
  { name, validityDays, justification },
) {
  await page.getByRole('button', { name: 'Request certificate' }).click();
  const form = page.getByRole('form', { name: 'Certificate request' });
  await form.waitFor();
  const dns = form.getByLabel('DNS names');
  await dns.fill(name);
  await form.getByLabel('Common name').fill(name);
  await form.getByLabel('Validity (days)').fill(String(validityDays));
  await form.getByLabel('I provide a CSR and download the certificate').check();
  await form
    .getByLabel('Certificate signing request (PEM)')
    .fill(makeCsr(name));
  await form.getByLabel('Justification').fill(justification);
  return form;
}

/**
 * Runs `run` on the approvals queue, signed in as sam (security) in a browser
 * context of its own, beside the requester's.
 */
export async function asApprover(browser, baseUrl, run) {
  const approver = await browser.newContext({
    viewport: { width: 1280, height: 800 },
  });
  try {
    await signInAs(approver, 'sam');
    const ap = await approver.newPage();
    ap.setDefaultTimeout(20_000);
    await ap.goto(`${baseUrl}/certificates/approvals`);
    return await run(ap);
  } finally {
    await approver.close();
  }
}

/** A Backstage token for an example user, from the development-only demo sign-in. */
export async function tokenFor(baseUrl, user) {
  const res = await fetch(
    `${baseUrl}/api/auth/demo/refresh?optional&env=development`,
    {
      headers: {
        'x-certificates-demo-user': user,
        'x-requested-with': 'XMLHttpRequest',
      },
    },
  );
  expect(
    res.ok,
    `sign-in as ${user} failed: ${res.status} ${await res.clone().text()}`,
  );
  return (await res.json()).backstageIdentity.token;
}

/** Calls the certificates API as an example user; answers the parsed body. */
export async function certificatesApi(baseUrl, token, path, body) {
  const res = await fetch(`${baseUrl}/api/certificates${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${body ? 'POST' : 'GET'} ${path}: ${res.status} ${text.slice(0, 400)}`,
    );
  return JSON.parse(text);
}

/**
 * 50 requests that wait for security, in a mixed order: payments-api (N=1,
 * CSR or a Secret in the demo cluster), orders-worker (N=1, owner found by
 * label selector) and the storefront's two entities (N=2, needs a second
 * approver), from three different requesters.
 */
function mixedRequests(run) {
  const kinds = [
    i => ({
      requester: i % 4 === 0 ? 'bob' : 'alice',
      entityRef: 'component:default/payments-api',
      name: `q${run}-${i}.payments-api.shop.example.com`,
      validityDays: 60,
      secret: i % 2 === 0,
      namespace: 'payments',
    }),
    i => ({
      requester: 'carol',
      entityRef:
        i % 2
          ? 'component:default/checkout-web'
          : 'component:default/catalog-search',
      name: `q${run}-${i}.shop.example.com`,
      validityDays: 30,
    }),
    i => ({
      requester: 'alice',
      entityRef: 'component:default/orders-worker',
      name: `q${run}-${i}.orders-worker.shop.example.com`,
      validityDays: 45,
    }),
  ];
  return Array.from({ length: 50 }, (_, i) => {
    const r = kinds[i % kinds.length](i);
    return {
      requester: r.requester,
      body: {
        entityRef: r.entityRef,
        commonName: r.name,
        dnsNames: [r.name],
        keyAlgorithm: 'ECDSA-P256',
        validityDays: r.validityDays,
        issuer: 'builtin',
        delivery: r.secret
          ? {
              kind: 'secret',
              cluster: 'demo',
              namespace: r.namespace,
              secretName: `q${run}-${i}-tls`,
            }
          : { kind: 'csr', csr: makeCsr(r.name) },
        justification: `Bulk review ${i + 1} of 50`,
      },
    };
  });
}

/** Polls until check() holds, or throws with the last value seen. */
async function eventually(check, ms, what) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    last = await check();
    if (last === true) return;
    if (Date.now() > until) throw new Error(`${what}: ${JSON.stringify(last)}`);
    await new Promise(r => setTimeout(r, 500));
  }
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
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates`,
      );
      // Ownership settles after the first catalog refresh: wait for the rows.
      const rows = page.locator('tbody tr');
      await waitWithReload(
        page,
        rows.filter({ hasText: 'payments.shop.example.com' }).first(),
      );
      await rows.filter({ hasText: 'payments.payments.svc' }).first().waitFor();
      const text = await page.textContent('body');
      expect(
        /Expiring/.test(text ?? ''),
        'the expiring certificate is not marked Expiring',
      );
      expect(
        !/checkout\.shop\.example\.com/.test(text ?? ''),
        "checkout-web's certificate is listed on payments-api's tab",
      );
      await page.screenshot({
        path: join(shots, '02-entity-certificates-tab.png'),
      });
    },
  },
  {
    name: 'inventory page shows the issuers',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(`${baseUrl}/certificates`);
      await page.getByText('Built-in CA', { exact: false }).first().waitFor();
      const text = await page.textContent('body');
      expect(
        /SHA-256|fingerprint/i.test(text ?? ''),
        'issuer fingerprint not shown',
      );
      await page.screenshot({
        path: join(shots, '03-inventory.png'),
        fullPage: true,
      });
    },
  },
  {
    name: 'certificate details explain the findings',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates`,
      );
      const row = page.getByText('partner.payments.shop.example.com').first();
      await waitWithReload(page, row);
      await row.click();
      const drawer = page
        .getByRole('dialog')
        .or(page.getByRole('presentation'))
        .first();
      await drawer
        .getByText(/weak key|RSA.*1024/i)
        .first()
        .waitFor();
      const text = (await page.textContent('body')) ?? '';
      expect(/SHA-256/i.test(text), 'fingerprint missing from details');
      expect(/chain/i.test(text), 'chain missing from details');
      await page.screenshot({
        path: join(shots, '04-certificate-details.png'),
      });
    },
  },
  {
    name: 'inventory filters to expired and exports that CSV',
    async run({ page, context, baseUrl, shots }) {
      await signInAs(context, 'guest');
      await page.goto(`${baseUrl}/certificates?view=all&status=expired`);
      await page.getByText('old.payments.shop.example.com').first().waitFor();
      const body = (await page.textContent('body')) ?? '';
      expect(
        !body.includes('checkout.shop.example.com'),
        'a valid certificate is listed under expired',
      );
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: /export csv/i }).click(),
      ]);
      const csv = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\n');
      expect(csv.length >= 2, 'CSV has no rows');
      for (const line of csv.slice(1))
        expect(/expired/.test(line), `non-expired row in CSV: ${line}`);
      expect(
        csv.some(l => l.includes('old.payments.shop.example.com')),
        'expected row missing in CSV',
      );
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
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates`,
      );
      const form = await fillCsrRequest(page, {
        name: 'payments-api.shop.example.com',
        validityDays: 30,
        justification: 'TLS for the partner API',
      });
      await form
        .getByText(/approved automatically|auto-approved/i)
        .first()
        .waitFor();
      await page.screenshot({ path: join(shots, '07-request-form.png') });
      await form.getByRole('button', { name: 'Submit request' }).click();
      const download = page.getByRole('button', {
        name: 'Download certificate chain (PEM)',
      });
      await download.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(shots, '08-request-issued.png') });
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        download.click(),
      ]);
      const pem = readFileSync(await file.path(), 'utf8');
      expect(
        (pem.match(/BEGIN CERTIFICATE/g) ?? []).length >= 2,
        'chain should hold the leaf and the issuing CA',
      );
      await page.keyboard.press('Escape');
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates?q=payments-api.shop`,
      );
      // The certificates table (not the requests list) must show the issued certificate.
      const table = page
        .getByRole('table')
        .filter({ has: page.getByRole('columnheader', { name: /expires/i }) });
      await waitWithReload(
        page,
        table.getByText('payments-api.shop.example.com').first(),
      );
      await page.screenshot({ path: join(shots, '09-issued-on-tab.png') });

      // The owner renews it (same names, no new approval), then revokes the
      // old one as superseded, from the certificate's details.
      await table.getByText('payments-api.shop.example.com').first().click();
      const details = page.getByRole('region', { name: 'Certificate details' });
      await details.getByRole('button', { name: 'Renew' }).click();
      await details
        .getByText(/^Renewal requested \(.+\): issued\.$/)
        .waitFor({ timeout: 60_000 });
      await details.getByRole('button', { name: 'Revoke…' }).click();
      const dialog = page.getByRole('dialog', { name: /^Revoke / });
      await dialog.getByText(/cannot be undone/).waitFor();
      await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
      await details
        .getByText(/^Revoked \(superseded\); request .+ records it\.$/)
        .waitFor({ timeout: 30_000 });
      await details
        .getByText('Revoke: It was already revoked', { exact: false })
        .waitFor();
      expect(
        await details.getByRole('button', { name: 'Renew' }).isDisabled(),
        'a revoked certificate offers Renew',
      );
      await page.screenshot({
        path: join(shots, '09b-renewed-then-revoked.png'),
      });
    },
  },
  {
    name: 'a request queued for approval is approved by security and audited',
    async run({ page, context, baseUrl, shots, browser }) {
      await signInAs(context, 'bob');
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates`,
      );
      const form = await fillCsrRequest(page, {
        name: 'api.payments-api.shop.example.com',
        validityDays: 60,
        justification: 'Partner integration needs 60 days',
      });
      await form
        .getByText(/approval/i)
        .first()
        .waitFor();
      await form.getByRole('button', { name: 'Submit request' }).click();
      await page
        .getByText(/pending/i)
        .first()
        .waitFor();

      await asApprover(browser, baseUrl, async ap => {
        const row = ap.getByRole('row', {
          name: /api\.payments-api\.shop\.example\.com/,
        });
        await row.first().waitFor();
        await ap.screenshot({ path: join(shots, '10-approvals-queue.png') });
        await ap
          .getByRole('button', { name: /^Approve .*api\.payments-api/ })
          .first()
          .click();
        await ap
          .getByText('No requests waiting for you')
          .or(ap.getByText(/approved/i))
          .first()
          .waitFor();
        await ap.goto(`${baseUrl}/certificates/approvals/audit`);
        await ap
          .getByText(/approved/)
          .first()
          .waitFor();
        const audit = (await ap.textContent('body')) ?? '';
        expect(
          audit.includes('user:default/sam') || audit.includes('sam'),
          'approver missing from the audit trail',
        );
        await ap.screenshot({ path: join(shots, '11-audit.png') });
      });
      await page
        .getByRole('button', { name: 'Download certificate chain (PEM)' })
        .waitFor({ timeout: 60_000 });
      await page.screenshot({
        path: join(shots, '12-request-approved-issued.png'),
      });
      // The issued certificate is on the entity tab, in the certificates table.
      await page.keyboard.press('Escape');
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates?q=api.payments-api.shop`,
      );
      const table = page
        .getByRole('table')
        .filter({ has: page.getByRole('columnheader', { name: /expires/i }) });
      await waitWithReload(
        page,
        table.getByText('api.payments-api.shop.example.com').first(),
      );
      // The request's whole trail is in the audit view: created, approved by sam, issued.
      const auditor = await browser.newContext({
        viewport: { width: 1280, height: 800 },
      });
      try {
        await signInAs(auditor, 'sam');
        const au = await auditor.newPage();
        au.setDefaultTimeout(20_000);
        await au.goto(`${baseUrl}/certificates/approvals/audit`);
        await au.getByLabel('Entity').fill('component:default/payments-api');
        for (const action of ['created', 'approved', 'issued']) {
          await au
            .getByRole('cell', { name: action, exact: true })
            .first()
            .waitFor();
        }
        await au.screenshot({ path: join(shots, '12b-audit-trail.png') });
      } finally {
        await auditor.close();
      }
    },
  },
  {
    name: "another team's developer gets no certificate for a service they do not own: the request waits, marked as a non-owner's",
    async run({ page, context, baseUrl, shots, browser }) {
      // Carol is in the Storefront team; payments-api is the Payments team's.
      // The payments policy approves this request by itself for its owners.
      await signInAs(context, 'carol');
      await page.goto(
        `${baseUrl}/catalog/default/component/payments-api/certificates`,
      );
      const form = await fillCsrRequest(page, {
        name: 'payments-api.shop.example.com',
        validityDays: 30,
        justification: 'Borrowing the partner host',
      });
      await form
        .getByText(/you are not an owner/i)
        .first()
        .waitFor();
      await page.screenshot({ path: join(shots, '09c-non-owner-form.png') });
      await form.getByRole('button', { name: 'Submit request' }).click();
      await page
        .getByText(/pending/i)
        .first()
        .waitFor();
      await page
        .getByText(/not an owner of the entity/)
        .first()
        .waitFor();
      expect(
        (await page
          .getByRole('button', { name: 'Download certificate chain (PEM)' })
          .count()) === 0,
        "a non-owner was offered a certificate for another team's service",
      );

      await asApprover(browser, baseUrl, async ap => {
        const row = ap
          .getByRole('row', { name: /by user:default\/carol/ })
          .filter({ hasText: 'payments-api.shop.example.com' });
        await row.first().getByText('requested by a non-owner').waitFor();
        await ap.screenshot({
          path: join(shots, '09d-non-owner-in-queue.png'),
        });
      });
      // Carol withdraws it, so that it does not wait in the queues of the scenarios after this one.
      await page.getByRole('button', { name: 'Cancel request' }).click();
      await page
        .getByText(/cancelled/i)
        .first()
        .waitFor();
    },
  },
  {
    name: 'an approver clears a queue of 50 mixed requests with bulk actions from the keyboard',
    async run({ page, context, baseUrl, shots }) {
      const run = Date.now().toString(36);
      const tokens = Object.fromEntries(
        await Promise.all(
          ['alice', 'bob', 'carol', 'sam', 'sasha'].map(async u => [
            u,
            await tokenFor(baseUrl, u),
          ]),
        ),
      );
      // Separation of duties across identities: the demo cluster's
      // CertificateRequest created as `oidc:sam` (sam's kubernetes-usernames
      // annotation) waits for sasha, and is not offered to sam.
      const ownInCluster = 'admin.catalog-search.storefront.svc';
      const queueOf = async user =>
        (await certificatesApi(baseUrl, tokens[user], '/approvals')).items.map(
          r => r.commonName,
        );
      expect(
        (await queueOf('sasha')).includes(ownInCluster),
        `sasha's queue lacks ${ownInCluster}`,
      );
      expect(
        !(await queueOf('sam')).includes(ownInCluster),
        `sam is offered ${ownInCluster}, which sam created`,
      );
      const before = (await certificatesApi(baseUrl, tokens.sam, '/approvals'))
        .items.length;
      const seeded = [];
      for (const r of mixedRequests(run)) {
        // The catalog may still be loading right after start: retry the first few.
        let created;
        for (let attempt = 0; !created; attempt++) {
          try {
            created = await certificatesApi(
              baseUrl,
              tokens[r.requester],
              '/requests',
              r.body,
            );
          } catch (e) {
            if (attempt > 20 || seeded.length > 0) throw e;
            await new Promise(res => setTimeout(res, 3000));
          }
        }
        expect(
          created.state === 'pending',
          `${r.body.commonName} was not queued: ${created.state}`,
        );
        seeded.push({
          ...r,
          id: created.id,
          required: created.approvalsRequired,
        });
      }
      const queued = (await certificatesApi(baseUrl, tokens.sam, '/approvals'))
        .items;
      expect(
        queued.length === before + 50,
        `the queue holds ${queued.length}, expected ${before + 50}`,
      );

      await signInAs(context, 'sam');
      const started = Date.now();
      await page.goto(`${baseUrl}/certificates/approvals`);
      const rows = page.getByTestId(/^approval-row-/);
      await page
        .getByText(`${before + 50} pending`)
        .waitFor({ timeout: 30_000 });
      const shown = Date.now();
      expect(
        (await rows.count()) === before + 50,
        'not every request is listed',
      );
      // Entity, owner team, requester and policy are shown for a decision.
      const firstRow = (await rows.first().textContent()) ?? '';
      expect(
        /group:default\/team-/.test(firstRow),
        `no owner team in the row: ${firstRow}`,
      );
      await page.screenshot({ path: join(shots, '13-queue-of-50.png') });

      // The oldest request has the keyboard: no mouse from here on.
      await page.waitForFunction(() =>
        document.activeElement
          ?.getAttribute('data-testid')
          ?.startsWith('approval-row-'),
      );
      let keys = 0;
      const press = async key => {
        keys += 1;
        await page.keyboard.press(key);
      };
      const reasonFocused = () =>
        page.waitForFunction(
          () => document.activeElement?.id === 'decision-reason',
        );
      const approveCount = 30;
      const selectStarted = Date.now();
      for (let i = 0; i < before + approveCount; i++) await press('x');
      await page
        .getByText(`${before + approveCount} selected`, { exact: false })
        .waitFor();
      const selectMs = Date.now() - selectStarted;
      await press('Shift+A');
      await reasonFocused();
      await page.keyboard.type('Reviewed in bulk');
      keys += 1;
      const approveStarted = Date.now();
      await press('Enter');
      await page
        .getByText(
          `Approved ${before + approveCount} of ${
            before + approveCount
          } requests.`,
        )
        .waitFor({ timeout: 120_000 });
      const approveMs = Date.now() - approveStarted;
      // Focus stays in the queue: X selects what is left, D denies it with a reason.
      await page.waitForFunction(() =>
        document.activeElement
          ?.getAttribute('data-testid')
          ?.startsWith('approval-row-'),
      );
      await press('Shift+X');
      await page
        .getByText(`${50 - approveCount} selected`, { exact: false })
        .waitFor();
      await press('Shift+D');
      await reasonFocused();
      await page.keyboard.type('Not needed this quarter');
      keys += 1;
      const denyStarted = Date.now();
      await press('Enter');
      await page
        .getByText(
          `Denied ${50 - approveCount} of ${50 - approveCount} requests.`,
        )
        .waitFor({ timeout: 60_000 });
      const denyMs = Date.now() - denyStarted;
      await page.getByText('No requests waiting for you').waitFor();
      const cleared = Date.now();
      await page.screenshot({ path: join(shots, '14-queue-cleared.png') });
      console.log(
        `    queue of ${before + 50}: listed in ${
          shown - started
        } ms, decided and cleared ${cleared - shown} ms later ` +
          `(${
            cleared - started
          } ms in all, ${keys} keyboard actions, no mouse); ` +
          `selecting ${
            before + approveCount
          } rows with x took ${selectMs} ms, ` +
          `bulk approve of ${
            before + approveCount
          } ${approveMs} ms, bulk deny of ${50 - approveCount} ${denyMs} ms`,
      );

      // What the backend did: N=1 approvals issued, N=2 ones wait for a second approver, denials final.
      expect(
        (await certificatesApi(baseUrl, tokens.sam, '/approvals')).items
          .length === 0,
        'the queue is not empty',
      );
      const approvedIds = new Set(
        queued.slice(0, before + approveCount).map(r => r.id),
      );
      await eventually(
        async () => {
          const wrong = [];
          for (const r of seeded) {
            const { request } = await certificatesApi(
              baseUrl,
              tokens[r.requester],
              `/requests/${r.id}`,
            );
            const expected = !approvedIds.has(r.id)
              ? 'denied'
              : r.required > 1
              ? 'pending'
              : 'issued';
            if (request.state !== expected)
              wrong.push(
                `${r.body.commonName}: ${request.state} (expected ${expected})`,
              );
          }
          return wrong.length === 0 || wrong;
        },
        60_000,
        'requests not in the expected state',
      );
      // "Decided by me" lists every decision, in-cluster ones included.
      const history = (
        await certificatesApi(baseUrl, tokens.sam, '/approvals/history')
      ).items;
      for (const r of queued) {
        expect(
          history.some(h => h.id === r.id),
          `${r.commonName ?? r.id} is missing from decided-by-me`,
        );
      }
      await page.getByRole('tab', { name: 'Decided by me' }).click();
      // Newest decision first: the last request denied heads the list.
      const newest = queued[queued.length - 1];
      await page
        .getByText(newest.commonName ?? newest.dnsNames[0])
        .first()
        .waitFor();
      // The badge follows the queue without waiting for its next poll.
      await page.waitForFunction(
        stale =>
          ![
            ...document.querySelectorAll(
              '[aria-label$="requests waiting for approval"]',
            ),
          ].some(b => b.getAttribute('aria-label')?.startsWith(`${stale} `)),
        before + 50,
        { timeout: 10_000 },
      );
      await page.screenshot({ path: join(shots, '15-decided-by-me.png') });
      const audit = await certificatesApi(
        baseUrl,
        tokens.sam,
        `/audit?actor=user:default/sam&limit=200`,
      );
      const mine = audit.items.filter(a =>
        seeded.some(r => r.id === a.requestId),
      );
      expect(
        mine.filter(a => a.action === 'approved').length === approveCount &&
          mine.filter(a => a.action === 'denied').length === 50 - approveCount,
        `audit has ${mine.length} decisions by sam on the seeded requests`,
      );
    },
  },
];
