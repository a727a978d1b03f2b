// Layout checks in a real browser at 1280 px: what jsdom cannot measure.
import { join } from 'node:path';
import {
  asApprover,
  certificatesApi,
  expect,
  fillCsrRequest,
  makeCsr,
  signInAs,
  tokenFor,
} from './tests.mjs';

/** Labels (shrunk above their field) whose box intersects their field's box. */
function overlappingLabels(form) {
  return form.evaluate(async root => {
    // A label shrinks with a transition: measure where it comes to rest.
    await Promise.all(
      document.getAnimations().map(a => a.finished.catch(() => undefined)),
    );
    const out = [];
    for (const label of root.querySelectorAll(
      'label[for][data-shrink="true"]',
    )) {
      const field = document.getElementById(label.htmlFor);
      if (!field) continue;
      const a = label.getBoundingClientRect();
      const b = field.getBoundingClientRect();
      if (!a.width || !b.width) continue;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1)
        out.push(
          `"${label.textContent}" overlaps its field by ${Math.round(
            w,
          )}×${Math.round(h)} px`,
        );
    }
    return out;
  });
}

/**
 * Entity refs (kind:namespace/name) in the queue rows that wrap inside a
 * word: a line may only end after ":", "/", "." or at a space.
 */
function entityRefsBrokenMidWord(page) {
  return page.evaluate(() => {
    const ref = /^[a-z]+:[a-z0-9_-]+\/[a-z0-9._-]+$/i;
    const out = [];
    let checked = 0;
    for (const el of document.querySelectorAll(
      '[data-testid^="approval-row-"] td .MuiTypography-root',
    )) {
      const text = el.textContent ?? '';
      if (!ref.test(text)) continue;
      checked += 1;
      const chars = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (rect) chars.push({ c: node.data[i], top: rect.top });
        }
      }
      for (let i = 1; i < chars.length; i++) {
        const newLine = chars[i].top > chars[i - 1].top + 2;
        if (newLine && !/[.:/\s]/.test(chars[i - 1].c)) {
          out.push(
            `${text} breaks after "${chars
              .slice(0, i)
              .map(x => x.c)
              .join('')}"`,
          );
        }
      }
    }
    return { checked, out };
  });
}

/** A token, once the catalog has loaded the user (right after start it may not have). */
async function signedIn(baseUrl, user) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tokenFor(baseUrl, user);
    } catch (e) {
      if (attempt > 30) throw e;
      await new Promise(res => setTimeout(res, 3000));
    }
  }
}

export const layoutTests = [
  {
    name: 'at 1280 px the request form labels clear their fields and queue entity refs wrap only at : and /',
    async run({ page, context, baseUrl, shots, browser }) {
      // A request that waits (carol does not own payments-api), so the queue has a row.
      const carol = await signedIn(baseUrl, 'carol');
      const name = `layout-${Date.now().toString(
        36,
      )}.payments-api.shop.example.com`;
      const queued = await certificatesApi(baseUrl, carol, '/requests', {
        entityRef: 'component:default/payments-api',
        commonName: name,
        dnsNames: [name],
        keyAlgorithm: 'ECDSA-P256',
        validityDays: 30,
        issuer: 'builtin',
        delivery: { kind: 'csr', csr: makeCsr(name) },
        justification: 'Layout check',
      });
      try {
        await signInAs(context, 'carol');
        await page.goto(
          `${baseUrl}/catalog/default/component/payments-api/certificates`,
        );
        const form = await fillCsrRequest(page, {
          name,
          validityDays: 30,
          justification: 'Layout check',
        });
        const validity = form.locator(
          'label[for="certificate-request-validity"]',
        );
        expect(
          (await validity.getAttribute('data-shrink')) === 'true',
          'the Validity (days) label is not above its field',
        );
        const overlaps = await overlappingLabels(form);
        expect(overlaps.length === 0, overlaps.join('; '));
        await page.screenshot({
          path: join(shots, '16-request-form-1280.png'),
        });

        await asApprover(browser, baseUrl, async ap => {
          await ap.getByTestId(`approval-row-${queued.id}`).waitFor();
          const { checked, out } = await entityRefsBrokenMidWord(ap);
          expect(checked > 0, 'no entity ref found in the queue');
          expect(out.length === 0, out.join('; '));
          await ap.screenshot({ path: join(shots, '17-queue-1280.png') });
        });
      } finally {
        await certificatesApi(
          baseUrl,
          carol,
          `/requests/${encodeURIComponent(queued.id)}/cancel`,
          {},
        );
      }
    },
  },
];
