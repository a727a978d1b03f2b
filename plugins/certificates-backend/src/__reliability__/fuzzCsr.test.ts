import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { KeyAlgorithmChoice } from '@kubecerts/backstage-plugin-certificates-common';
import { derToPem, x509 } from '../pki';
import { checkCsr } from '../requests/csrChecks';
import { scale, Tally } from './counters';
import { allNodes, DerNode, encodeTree, parseTree } from './derTree';

/*
 * Differential fuzzing of the CSR reader (pki/csrDer.ts + requests/csrChecks.ts)
 * against @peculiar/x509 and `openssl req -verify`: generated CSRs (random
 * keys, subjects, SANs, hashes) and mutations of them (bit flips,
 * truncations, length bytes, non-minimal lengths, swapped signatures and
 * algorithms). The reader may refuse more than the libraries do only for
 * policy (SHA-1, weak keys, other curves); it must never accept what a
 * library finds unreadable or badly signed.
 */

jest.setTimeout(30 * 60_000);

const RUNS = scale(200, 1_200);
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31);
const subtle = webcrypto.subtle;

type Verdict = 'valid' | 'unreadable' | 'bad-signature';
type Repo = Verdict | 'policy';

interface PoolKey {
  label: string;
  /** What a request for this key says, when the portal accepts the key. */
  choice?: KeyAlgorithmChoice;
  rsa: boolean;
  /** RSA keys are bound to one hash in WebCrypto: one pair per hash. */
  pairs: Map<string, CryptoKeyPair>;
}

const HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

async function rsaKey(
  label: string,
  bits: number,
  exponent: number[],
  choice?: KeyAlgorithmChoice,
): Promise<PoolKey> {
  const generated = (await subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: bits,
      publicExponent: new Uint8Array(exponent),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const pkcs8 = await subtle.exportKey('pkcs8', generated.privateKey);
  const spki = await subtle.exportKey('spki', generated.publicKey);
  const pairs = new Map<string, CryptoKeyPair>();
  for (const hash of HASHES) {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash };
    pairs.set(hash, {
      privateKey: await subtle.importKey('pkcs8', pkcs8, algorithm, true, [
        'sign',
      ]),
      publicKey: await subtle.importKey('spki', spki, algorithm, true, [
        'verify',
      ]),
    } as CryptoKeyPair);
  }
  return { label, choice, rsa: true, pairs };
}

async function ecKey(
  label: string,
  curve: string,
  choice?: KeyAlgorithmChoice,
): Promise<PoolKey> {
  const pair = (await subtle.generateKey(
    { name: 'ECDSA', namedCurve: curve },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  return {
    label,
    choice,
    rsa: false,
    pairs: new Map(HASHES.map(h => [h, pair])),
  };
}

/** `openssl req -verify` answers 0 also for a bad signature: the verdict is in its text. */
function opensslVerdict(der: Buffer): Promise<Verdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', [
      'req',
      '-verify',
      '-noout',
      '-inform',
      'DER',
    ]);
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('error', reject);
    child.on('close', () => {
      if (/verify OK/.test(output)) resolve('valid');
      else if (/verify failure/.test(output)) resolve('bad-signature');
      else if (/Unable to load|error/i.test(output)) resolve('unreadable');
      else reject(new Error(`openssl said: ${output}`));
    });
    child.stdin.end(der);
  });
}

async function peculiarVerdict(der: Buffer): Promise<Verdict> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(der);
  } catch {
    return 'unreadable';
  }
  try {
    return (await csr.verify()) ? 'valid' : 'bad-signature';
  } catch {
    // A key or parameters WebCrypto cannot use: the signature cannot be checked.
    return 'bad-signature';
  }
}

const UNREADABLE = 'not a valid PKCS#10 certificate request';
const BAD_SIGNATURE = 'the CSR signature does not verify';
const POLICY = [
  /^signature algorithm .* is not accepted/,
  /keys must/,
  /keys are not accepted/,
];

interface Expected {
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  keyAlgorithm: KeyAlgorithmChoice;
}

async function repoVerdict(der: Buffer, expected: Expected) {
  const result = await checkCsr(derToPem(der, 'CERTIFICATE REQUEST'), expected);
  const reasons = result.violations.map(v => v.reason);
  let verdict: Repo = 'valid';
  if (reasons.includes(UNREADABLE)) verdict = 'unreadable';
  else if (reasons.includes(BAD_SIGNATURE)) verdict = 'bad-signature';
  else if (reasons.some(r => POLICY.some(p => p.test(r)))) verdict = 'policy';
  return { verdict, reasons };
}

// What goes into a generated CSR.
const printable = fc.stringMatching(/^[A-Za-z0-9 '()+,\-./:=?]{1,32}$/);
const ascii = fc.string({
  unit: 'grapheme-ascii',
  minLength: 1,
  maxLength: 32,
});
const anyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 });
const bmpText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xd7ff }).map(c => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 32,
});
const attributeValue = fc.oneof(
  anyText.map(v => ({ utf8String: v })),
  printable.map(v => ({ printableString: v })),
  ascii.map(v => ({ ia5String: v })),
  bmpText.map(v => ({ bmpString: v })),
  anyText.map(v => ({ universalString: v })),
);
const OTHER_ATTRIBUTES = [
  '2.5.4.10',
  '2.5.4.11',
  '2.5.4.7',
  '2.5.4.8',
  '2.5.4.5',
  '1.2.840.113549.1.9.1',
];
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,15}[a-z0-9])?$/);
const dnsName = fc.oneof(
  fc.domain().map(d => d.toLowerCase()),
  fc
    .array(label, { minLength: 1, maxLength: 3 })
    .map(l => `*.${l.join('.')}.example.com`),
);
const ipv6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map(groups => groups.map(g => g.toString(16)).join(':'));
const uri = fc
  .array(label, { maxLength: 3 })
  .map(path => `spiffe://example.com/${path.join('/')}`);

const generated = fc.record({
  key: fc.nat(),
  hash: fc.constantFrom(...HASHES),
  commonName: fc.option(
    fc.tuple(
      fc.oneof(dnsName, anyText),
      fc.constantFrom(
        'utf8String',
        'printableString',
        'bmpString',
        'universalString',
        'ia5String',
      ),
    ),
    { nil: undefined },
  ),
  extraCommonName: fc.integer({ min: 0, max: 9 }).map(n => n === 0),
  others: fc.array(
    fc.tuple(fc.constantFrom(...OTHER_ATTRIBUTES), attributeValue),
    { maxLength: 4 },
  ),
  dnsNames: fc.array(dnsName, { maxLength: 5 }),
  ipv4: fc.array(fc.ipV4(), { maxLength: 2 }),
  ipv6: fc.array(ipv6, { maxLength: 2 }),
  uris: fc.array(uri, { maxLength: 2 }),
  email: fc.boolean(),
});

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('bit-flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('length-byte' as const),
    at: fc.nat(),
    delta: fc.integer({ min: -3, max: 3 }),
    random: fc.option(fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ kind: fc.constant('non-minimal-length' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('swap-signature' as const),
    sameKey: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('swap-algorithm' as const), to: fc.nat() }),
  fc.record({
    kind: fc.constant('overwrite' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
);

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
type Spec = ValueOf<typeof generated>;
type Mutation = ValueOf<typeof mutation>;

const SIGNATURE_OIDS = [
  '1.2.840.113549.1.1.5',
  '1.2.840.113549.1.1.11',
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
  '1.2.840.10045.4.1',
  '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
  '1.2.840.113549.1.1.4',
];

function oidBytes(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let n = arc >> 7; n > 0; n >>= 7) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return Buffer.from(bytes);
}

describe('CSR reader against @peculiar/x509 and openssl', () => {
  const tally = new Tally('fuzzCsr');
  let pool: PoolKey[];

  beforeAll(async () => {
    pool = [
      await rsaKey('RSA-2048', 2048, [1, 0, 1], 'RSA-2048'),
      await rsaKey('RSA-2048b', 2048, [1, 0, 1], 'RSA-2048'),
      await rsaKey('RSA-3072', 3072, [1, 0, 1], 'RSA-3072'),
      await ecKey('P-256', 'P-256', 'ECDSA-P256'),
      await ecKey('P-256b', 'P-256', 'ECDSA-P256'),
      await ecKey('P-384', 'P-384', 'ECDSA-P384'),
      await ecKey('P-384b', 'P-384', 'ECDSA-P384'),
      // Policy: readable and well signed, refused all the same.
      await rsaKey('RSA-1024', 1024, [1, 0, 1]),
      await rsaKey('RSA-2048-e3', 2048, [3]),
      await ecKey('P-521', 'P-521'),
    ];
  });

  afterAll(() => tally.flush());

  it.each([
    // A long-form length whose bytes run past the element holding it once
    // read as NaN: an element of no bytes, and the reader looped forever.
    ['length bytes past their parent', '30053003308201'],
    ['an empty request', ''],
    ['a padded length', '3081033003020100'],
    ['indefinite length', '30800000'],
    ['a length of five bytes', '3085000000000100'],
  ])('refuses %s quickly, as both libraries do', async (_name, hex) => {
    const der = Buffer.from(hex, 'hex');
    const started = Date.now();
    const repo = await repoVerdict(der, {
      dnsNames: [],
      ipAddresses: [],
      uris: [],
      keyAlgorithm: 'ECDSA-P256',
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(repo.verdict).toBe('unreadable');
    expect(await peculiarVerdict(der)).not.toBe('valid');
    expect(await opensslVerdict(der)).not.toBe('valid');
    tally.add({ fuzzedCsrs: 1, inputsTried: 1, rejected: 1 });
  });

  it(`agrees with both libraries on ${RUNS} generated and mutated CSRs (seed ${SEED})`, async () => {
    const stats = {
      generated: 0,
      mutated: 0,
      mutatedStillValid: 0,
      policy: 0,
      stricterParse: 0,
      opensslChecked: 0,
      classDiffers: 0,
    };
    const disagreements: string[] = [];
    const namesRefused: string[] = [];
    const stricter: string[] = [];
    let inputsTried = 0;
    let rejected = 0;
    let crashes = 0;

    async function makeCsr(spec: Spec) {
      const key = pool[spec.key % pool.length];
      const name: Array<Record<string, Array<Record<string, string>>>> = [];
      if (spec.commonName) {
        const [value, type] = spec.commonName;
        const usable =
          type === 'printableString' &&
          !/^[A-Za-z0-9 '()+,\-./:=?]+$/.test(value)
            ? 'utf8String'
            : type;
        const bmpSafe =
          usable === 'bmpString' && /[\u{10000}-\u{10ffff}]/u.test(value)
            ? 'utf8String'
            : usable;
        const iaSafe =
          bmpSafe === 'ia5String' &&
          [...value].some(c => c.codePointAt(0)! > 0x7f)
            ? 'utf8String'
            : bmpSafe;
        name.push({ '2.5.4.3': [{ [iaSafe]: value }] });
        if (spec.extraCommonName)
          name.push({ '2.5.4.3': [{ utf8String: `second-${value}` }] });
      }
      for (const [type, value] of spec.others)
        name.push({ [type]: [value as Record<string, string>] });
      const sans: x509.JsonGeneralName[] = [
        ...spec.dnsNames.map(value => ({ type: 'dns' as const, value })),
        ...spec.ipv4.map(value => ({ type: 'ip' as const, value })),
        ...spec.ipv6.map(value => ({ type: 'ip' as const, value })),
        ...spec.uris.map(value => ({ type: 'url' as const, value })),
        ...(spec.email
          ? [{ type: 'email' as const, value: 'ops@example.com' }]
          : []),
      ];
      const signingAlgorithm = key.rsa
        ? { name: 'RSASSA-PKCS1-v1_5', hash: spec.hash }
        : { name: 'ECDSA', hash: spec.hash };
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: name as unknown as x509.JsonName,
        keys: key.pairs.get(spec.hash)!,
        signingAlgorithm,
        extensions: sans.length
          ? [new x509.SubjectAlternativeNameExtension(sans)]
          : [],
      });
      const expected: Expected = {
        commonName: spec.commonName?.[0],
        dnsNames: spec.dnsNames,
        ipAddresses: [
          ...spec.ipv4,
          ...spec.ipv6.map(ip =>
            new URL(`http://[${ip}]/`).hostname.slice(1, -1),
          ),
        ],
        uris: spec.uris,
        keyAlgorithm: key.choice ?? 'RSA-2048',
      };
      return {
        der: Buffer.from(csr.rawData),
        key,
        expected,
        plainNames: !spec.email && !spec.extraCommonName,
      };
    }

    async function mutate(
      der: Buffer,
      m: Mutation,
      other: () => Promise<Buffer>,
    ): Promise<Buffer> {
      const out = Buffer.from(der);
      const tree = parseTree(der);
      const nodes = allNodes(tree);
      switch (m.kind) {
        case 'bit-flip':
          out[m.at % out.length] ^= 1 << m.bit;
          return out;
        case 'truncate':
          return out.subarray(0, m.at % out.length);
        case 'overwrite':
          out[m.at % out.length] = m.byte;
          return out;
        case 'length-byte': {
          const node = nodes[m.at % nodes.length];
          // The last length byte: the short form's only one, the long form's least significant.
          const at = node.offset + node.headerLength - 1;
          out[at] = m.random ?? (out[at] + (m.delta || 1) + 256) % 256;
          return out;
        }
        case 'non-minimal-length':
          return encodeTree(tree, new Set([nodes[m.at % nodes.length]]));
        case 'swap-signature': {
          const donor = parseTree(await other());
          const swapped: DerNode = {
            ...tree,
            children: [
              tree.children![0],
              tree.children![1],
              donor.children![2],
            ],
          };
          return encodeTree(swapped);
        }
        case 'swap-algorithm': {
          const algorithm = tree.children![1];
          const oid: DerNode = {
            ...algorithm.children![0],
            content: oidBytes(SIGNATURE_OIDS[m.to % SIGNATURE_OIDS.length]),
          };
          const swapped: DerNode = {
            ...tree,
            children: [
              tree.children![0],
              {
                ...algorithm,
                children: [oid, ...algorithm.children!.slice(1)],
              },
              tree.children![2],
            ],
          };
          return encodeTree(swapped);
        }
        default:
          return out;
      }
    }

    await fc.assert(
      fc.asyncProperty(
        generated,
        fc.option(mutation, { freq: 3, nil: undefined }),
        generated,
        async (spec, m, donorSpec) => {
          const base = await makeCsr(spec);
          let der: Buffer = base.der;
          if (m) {
            der = await mutate(der, m, async () =>
              m.kind === 'swap-signature' && m.sameKey
                ? (
                    await makeCsr({
                      ...donorSpec,
                      key: spec.key,
                      hash: spec.hash,
                    })
                  ).der
                : (
                    await makeCsr({ ...donorSpec, hash: spec.hash })
                  ).der,
            );
            stats.mutated++;
          } else {
            stats.generated++;
          }
          let repo: Awaited<ReturnType<typeof repoVerdict>>;
          try {
            repo = await repoVerdict(der, base.expected);
          } catch (error) {
            crashes++;
            disagreements.push(
              `reader threw ${error} on ${der.toString('base64')}`,
            );
            return;
          }
          const peculiar = await peculiarVerdict(der);
          const openssl = await opensslVerdict(der);
          stats.opensslChecked++;
          const libraries = [peculiar, openssl];
          const librariesAccept = libraries.every(v => v === 'valid');
          const aLibraryRefuses = libraries.some(v => v !== 'valid');
          const describe = () =>
            `${m ? m.kind : 'generated'} ${base.key.label}/${
              spec.hash
            }: reader ${repo.verdict} (${repo.reasons.join(
              '; ',
            )}), peculiar ${peculiar}, openssl ${openssl}, DER ${der.toString(
              'base64',
            )}`;

          if (m && aLibraryRefuses) {
            inputsTried++;
            if (repo.verdict !== 'valid') rejected++;
          }
          if (m && librariesAccept) stats.mutatedStillValid++;

          if (repo.verdict === 'valid' && aLibraryRefuses) {
            disagreements.push(
              `accepted what a library refuses: ${describe()}`,
            );
          } else if (repo.verdict === 'policy') {
            stats.policy++;
          } else if (repo.verdict !== 'valid' && librariesAccept) {
            if (repo.verdict === 'unreadable' && m) {
              // A stricter DER reading (e.g. bytes after the request) is allowed.
              stats.stricterParse++;
              stricter.push(describe());
            } else {
              disagreements.push(
                `refused what both libraries accept: ${describe()}`,
              );
            }
          } else if (repo.verdict !== 'valid' && peculiar !== openssl) {
            stats.classDiffers++;
          }
          if (
            !m &&
            repo.verdict === 'valid' &&
            base.plainNames &&
            repo.reasons.length > 0
          ) {
            namesRefused.push(
              `${describe()}\n  expected ${JSON.stringify(base.expected)}`,
            );
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );

    tally.add({ fuzzedCsrs: RUNS, inputsTried, rejected, crashes });
    // eslint-disable-next-line no-console
    console.info(
      `fuzzCsr seed ${SEED}: ${JSON.stringify({
        ...stats,
        inputsTried,
        rejected,
        crashes,
      })}${stricter
        .slice(0, 3)
        .map(s => `\n  stricter: ${s}`)
        .join('')}`,
    );
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(disagreements).toHaveLength(0);
    expect(namesRefused.slice(0, 5)).toEqual([]);
    expect(crashes).toBe(0);
    expect(rejected).toBe(inputsTried);
    expect(stats.generated).toBeGreaterThan(RUNS / 10);
    expect(stats.mutated).toBeGreaterThan(RUNS / 2);
    expect(stats.policy).toBeGreaterThan(0);
  });
});
