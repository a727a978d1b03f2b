import { computeHealth } from '@kubecerts/backstage-plugin-certificates-common';
import { x509 } from '../../pki';
import {
  hasOpenssl,
  issue,
  Issued,
  opensslVerify,
  server,
} from '../../pki/path/__testUtils__/chainPki';
import { parseTlsData } from './parseTlsData';
import { TrustStore } from './TrustStore';
import { secretData } from './testPki';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

interface Case {
  leaf: Issued;
  /** Presented after the leaf in tls.crt. */
  presented?: Issued[];
  /** Known to the trust store, not presented. */
  known?: Issued[];
  roots: Issued[];
}

function judge(c: Case) {
  const trust = TrustStore.fromPems(
    c.roots.map(r => r.pem),
    { intermediates: (c.known ?? []).map(k => k.pem) },
  );
  const parsed = parseTlsData(
    secretData([c.leaf, ...(c.presented ?? [])].map(i => i.pem).join('')),
    trust,
  );
  const verdict = computeHealth(parsed.leaf, {
    now: new Date(),
    owned: true,
    chainTrust: parsed.chainTrust,
  });
  const finding = verdict.findings.find(f => f.kind === 'untrusted-chain');
  return { parsed, finding };
}

/** OpenSSL gives the same verdict: OK, or the error that matches our reason. */
function crossCheck(c: Case, expected: 'OK' | string) {
  if (!hasOpenssl()) {
    // eslint-disable-next-line no-console
    console.warn('openssl binary missing: cross-check with OpenSSL skipped');
    return;
  }
  const error = opensslVerify({
    leaf: c.leaf.pem,
    roots: c.roots.map(r => r.pem),
    untrusted: [...(c.presented ?? []), ...(c.known ?? [])].map(i => i.pem),
  });
  expect({ openssl: error ?? 'OK' }).toEqual({ openssl: expected });
}

describe('chain validation', () => {
  let root: Issued;
  let inter: Issued;

  beforeAll(async () => {
    root = await issue({ name: 'Test Root', ca: true });
    inter = await issue({ name: 'Test Issuing CA', ca: true, issuer: root });
  });

  /** A CA directly under the test root. */
  const caUnderRoot = (
    name: string,
    options: Omit<Parameters<typeof issue>[0], 'name' | 'ca' | 'issuer'> = {},
  ) => issue({ name, ca: true, issuer: root, ...options });

  async function expectUntrusted(c: Case, reason: RegExp, openssl: string) {
    const { parsed, finding } = judge(c);
    expect(parsed.parseError).toBeUndefined();
    expect(parsed.chainTrusted).toBe(false);
    expect(finding?.message).toMatch(reason);
    crossCheck(c, openssl);
  }

  /** Trusted without a finding, and by OpenSSL. */
  function expectTrusted(c: Case) {
    expect(judge(c).finding).toBeUndefined();
    crossCheck(c, 'OK');
  }

  it('trusts a good chain with two intermediates', async () => {
    const second = await issue({ name: 'Second CA', ca: true, issuer: inter });
    const c = {
      leaf: await server(second),
      presented: [second, inter],
      roots: [root],
    };
    const { parsed, finding } = judge(c);
    expect(finding).toBeUndefined();
    expect(parsed.chainTrusted).toBe(true);
    expect(parsed.chain.map(e => e.trusted)).toEqual([true, true, true]);
    expect(parsed.chainTrust?.paths[0].map(p => p.name)).toEqual([
      'Second CA',
      'Test Issuing CA',
      'Test Root',
    ]);
    crossCheck(c, 'OK');
  });

  it('trusts a chain whose intermediate is only in the known set', async () => {
    const c = { leaf: await server(inter), known: [inter], roots: [root] };
    expect(judge(c).finding).toBeUndefined();
    expect(judge(c).parsed.chainTrusted).toBe(true);
    crossCheck(c, 'OK');
    // Without the known intermediate the same tls.crt does not build.
    await expectUntrusted(
      { leaf: c.leaf, roots: [root] },
      /'app.example.com' is issued by 'Test Issuing CA', which is neither an approved root nor in the chain/,
      'unable to get local issuer certificate',
    );
  });

  it('takes the known intermediates from their source on refresh', async () => {
    const store = TrustStore.create({
      getApprovedRoots: async () => [root.pem],
      getKnownIntermediates: async () => [inter.pem],
    });
    const tlsCrt = secretData((await server(inter)).pem);
    expect(parseTlsData(tlsCrt, store).chainTrusted).toBeUndefined();
    await store.refresh();
    expect(parseTlsData(tlsCrt, store).chainTrusted).toBe(true);
  });

  it('refuses a certificate signed by a leaf (CA:FALSE)', async () => {
    const fakeCa = await server(inter, { name: 'Example Leaf' });
    const leaf = await server(fakeCa);
    await expectUntrusted(
      { leaf, presented: [fakeCa, inter], roots: [root] },
      /signed by 'Example Leaf' which is not a CA \(basicConstraints CA:FALSE\)/,
      'invalid CA certificate',
    );
  });

  it('refuses an issuer without basicConstraints', async () => {
    const noBc = await issue({
      name: 'No Constraints CA',
      issuer: inter,
      ca: 'absent',
      keyUsage: x509.KeyUsageFlags.keyCertSign,
    });
    await expectUntrusted(
      { leaf: await server(noBc), presented: [noBc, inter], roots: [root] },
      /signed by 'No Constraints CA' which is not a CA \(no basicConstraints extension\)/,
      'invalid CA certificate',
    );
  });

  it('refuses a path longer than a pathLenConstraint allows', async () => {
    const limited = await caUnderRoot('Limited CA', { pathLen: 0 });
    const below = await issue({ name: 'Below CA', ca: true, issuer: limited });
    await expectUntrusted(
      { leaf: await server(below), presented: [below, limited], roots: [root] },
      /'Limited CA' allows 0 CA certificate\(s\) below it \(pathLenConstraint 0\) but the path has 1/,
      'path length constraint exceeded',
    );
  });

  it('refuses names outside permitted subtrees and inside excluded ones', async () => {
    const permitted = await caUnderRoot('Permitted CA', {
      permitted: { dns: ['corp.example'], ip: ['10.0.0.0/8'] },
    });
    await expectUntrusted(
      { leaf: await server(permitted), presented: [permitted], roots: [root] },
      /'app.example.com' names app.example.com, outside what 'Permitted CA' may sign \(nameConstraints permitted corp.example\)/,
      'permitted subtree violation',
    );
    const inside = await server(permitted, {
      dnsNames: ['api.corp.example'],
      ipAddresses: ['10.1.2.3'],
    });
    expectTrusted({ leaf: inside, presented: [permitted], roots: [root] });
    const outsideIp = await server(permitted, {
      dnsNames: ['api.corp.example'],
      ipAddresses: ['192.168.1.1'],
    });
    await expectUntrusted(
      { leaf: outsideIp, presented: [permitted], roots: [root] },
      /names 192.168.1.1, outside what 'Permitted CA' may sign/,
      'permitted subtree violation',
    );
    const excluded = await caUnderRoot('Excluding CA', {
      excluded: { dns: ['.internal.example.com'] },
    });
    await expectUntrusted(
      {
        leaf: await server(excluded, {
          dnsNames: ['app.example.com', 'db.internal.example.com'],
        }),
        presented: [excluded],
        roots: [root],
      },
      /names db.internal.example.com, which 'Excluding CA' excludes \(nameConstraints excluded .internal.example.com\)/,
      'excluded subtree violation',
    );
  });

  it('refuses a server certificate for clientAuth only, and an intermediate that restricts it', async () => {
    await expectUntrusted(
      {
        leaf: await server(inter, { eku: [CLIENT_AUTH] }),
        presented: [inter],
        roots: [root],
      },
      /'app.example.com' is not for TLS servers \(extKeyUsage clientAuth without serverAuth\)/,
      'unsuitable certificate purpose',
    );
    const clientCa = await caUnderRoot('Client CA', { eku: [CLIENT_AUTH] });
    await expectUntrusted(
      { leaf: await server(clientCa), presented: [clientCa], roots: [root] },
      /'Client CA' limits the certificates below it to clientAuth \(extKeyUsage without serverAuth\)/,
      'unsuitable certificate purpose',
    );
    const serverCa = await caUnderRoot('Server CA', { eku: [SERVER_AUTH] });
    expectTrusted({
      leaf: await server(serverCa),
      presented: [serverCa],
      roots: [root],
    });
  });

  it('refuses an expired intermediate and one not valid yet, as time passes', async () => {
    const expired = await caUnderRoot('Expired CA', {
      notBeforeDays: -400,
      notAfterDays: -2,
    });
    await expectUntrusted(
      {
        leaf: await server(expired, { notBeforeDays: -3 }),
        presented: [expired],
        roots: [root],
      },
      /'Expired CA' expired on \d{4}-\d\d-\d\d/,
      'certificate has expired',
    );
    const future = await caUnderRoot('Future CA', {
      notBeforeDays: 2,
      notAfterDays: 400,
    });
    const c = {
      leaf: await server(future),
      presented: [future],
      roots: [root],
    };
    await expectUntrusted(
      c,
      /'Future CA' is not valid before \d{4}-\d\d-\d\d/,
      'certificate is not yet valid',
    );
    // The cached verdict moves with `now`: trusted once the CA is valid.
    const later = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const { parsed } = judge(c);
    expect(
      computeHealth(parsed.leaf, {
        now: later,
        owned: true,
        chainTrust: parsed.chainTrust,
      }).findings.map(f => f.kind),
    ).not.toContain('untrusted-chain');
  });

  it('refuses an issuer whose keyUsage lacks keyCertSign', async () => {
    const noSign = await caUnderRoot('CRL Only CA', {
      keyUsage:
        x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
    });
    await expectUntrusted(
      { leaf: await server(noSign), presented: [noSign], roots: [root] },
      /signed by 'CRL Only CA' whose keyUsage \(digitalSignature, cRLSign\) lacks keyCertSign/,
      'invalid CA certificate',
    );
  });

  it('refuses SHA-1 on the path but not on the root itself', async () => {
    const sha1Inter = await caUnderRoot('SHA1 CA', { hash: 'SHA-1' });
    await expectUntrusted(
      { leaf: await server(sha1Inter), presented: [sha1Inter], roots: [root] },
      /'SHA1 CA' is signed with ecdsa-with-SHA1, a broken hash/,
      'CA signature digest algorithm too weak',
    );
    const sha1Root = await issue({ name: 'Old Root', ca: true, hash: 'SHA-1' });
    const underOld = await issue({
      name: 'Modern CA',
      ca: true,
      issuer: sha1Root,
    });
    expectTrusted({
      leaf: await server(underOld),
      presented: [underOld],
      roots: [sha1Root],
    });
  });

  it('stops at a loop between two cross-signed CAs', async () => {
    const aKeys = (await issue({ name: 'tmp', ca: true })).keys;
    const bSelf = await issue({ name: 'Cross B', ca: true });
    const a = await issue({
      name: 'Cross A',
      ca: true,
      issuer: bSelf,
      keys: aKeys,
    });
    const b = await issue({
      name: 'Cross B',
      ca: true,
      issuer: a,
      keys: bSelf.keys,
    });
    await expectUntrusted(
      { leaf: await server(a), presented: [a, b], roots: [root] },
      /the issuers above '(Cross A|Cross B)' loop without reaching an approved root/,
      'unable to get local issuer certificate',
    );
  });

  it('builds through whichever of two same-named issuers verifies', async () => {
    const rogue = await issue({ name: 'Test Issuing CA', ca: true });
    const leaf = await server(inter);
    const c = { leaf, presented: [rogue, inter], roots: [root] };
    expect(judge(c).finding).toBeUndefined();
    expect(judge(c).parsed.chain.map(e => e.trusted)).toEqual([
      true,
      false,
      true,
    ]);
    crossCheck(c, 'OK');
  });
});
