import fc from 'fast-check';
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  KeyObject,
  X509Certificate,
} from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { generateCa } from '../ca/caCertificates';
import { LeafParams, LeafSigner, pemBlocks, x509 } from '../pki';
import { scale, Tally } from './counters';

/*
 * Differential test of the hand-written leaf encoder (pki/leafSigner.ts on
 * pki/der.ts): random requests are signed, and every certificate is read by
 * node's X509Certificate (OpenSSL) and by @peculiar/x509 (asn1js). Both must
 * read the same fields, and those must be the ones requested.
 */

jest.setTimeout(30 * 60_000);

/** The serial's random bytes, when a run wants to choose them. */
let mockSerialBytes: Buffer | undefined;
jest.mock('../service/randomBytes', () => {
  const actual = jest.requireActual('../service/randomBytes');
  return {
    pooledRandomBytes: (length: number) => {
      const chosen = mockSerialBytes;
      mockSerialBytes = undefined;
      return chosen && chosen.length === length
        ? Buffer.from(chosen)
        : actual.pooledRandomBytes(length);
    },
  };
});

const RUNS = scale(1_000, 10_000);
/** One certificate in this many is also read by the openssl command (key usage: node does not expose it). */
const OPENSSL_EVERY = 100;
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31);

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

interface PoolKey {
  label: string;
  spki: Buffer;
  rsa: boolean;
}

function keyPool(): PoolKey[] {
  const spkiOf = (key: KeyObject) =>
    key.export({ type: 'spki', format: 'der' });
  const rsa = (bits: number) =>
    generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 })
      .publicKey;
  const ec = (curve: string) =>
    generateKeyPairSync('ec', { namedCurve: curve }).publicKey;
  return [
    ...[2048, 2048, 2048, 3072, 3072, 4096].map((bits, i) => ({
      label: `RSA-${bits}#${i}`,
      spki: spkiOf(rsa(bits)),
      rsa: true,
    })),
    ...[
      'prime256v1',
      'prime256v1',
      'prime256v1',
      'secp384r1',
      'secp384r1',
      'secp384r1',
    ].map((curve, i) => ({
      label: `${curve}#${i}`,
      spki: spkiOf(ec(curve)),
      rsa: false,
    })),
  ];
}

/** An IP address in one spelling, from a parser that is not the one under test. */
function canonicalIp(ip: string): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip;
  return new URL(`http://[${ip}]/`).hostname;
}

interface Name {
  type: 'dns' | 'ip' | 'url';
  value: string;
}

/** node prints `DNS:a, IP Address:1.2.3.4, URI:"quoted\u002cvalue"`. */
function nodeSans(text: string | undefined): Name[] {
  if (!text) return [];
  const names: Name[] = [];
  const pattern = /(DNS|IP Address|URI):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/y;
  let read = 0;
  while (read < text.length) {
    pattern.lastIndex = read;
    const match = pattern.exec(text);
    if (!match) {
      throw new Error(`Unread subjectAltName text: ${text.slice(read)}`);
    }
    read = pattern.lastIndex;
    const raw = match[2];
    const value: string = raw.startsWith('"') ? JSON.parse(raw) : raw;
    const type = ({ DNS: 'dns', 'IP Address': 'ip', URI: 'url' } as const)[
      match[1] as 'DNS' | 'IP Address' | 'URI'
    ];
    names.push({ type, value: type === 'ip' ? canonicalIp(value) : value });
  }
  return names;
}

function peculiarSans(cert: x509.X509Certificate): {
  names: Name[];
  critical?: boolean;
} {
  const extension = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (!extension) return { names: [] };
  return {
    critical: extension.critical,
    names: extension.names.items.map(n => ({
      type: n.type as Name['type'],
      value: n.type === 'ip' ? canonicalIp(n.value) : n.value,
    })),
  };
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000) * 1000;

/** What openssl prints for the extensions node cannot show. */
function opensslExtensions(der: Buffer): string {
  return execFileSync(
    'openssl',
    [
      'x509',
      '-inform',
      'DER',
      '-noout',
      '-ext',
      'keyUsage,extendedKeyUsage,basicConstraints',
    ],
    { input: der },
  ).toString();
}

const label = () => fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const dnsName = fc.oneof(
  { weight: 4, arbitrary: fc.domain() },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.array(label(), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('example.com', 'svc.cluster.local'),
      )
      .map(([labels, zone]) => ['*', ...labels, zone].join('.')),
  },
);
const uri = fc.oneof(
  fc.webUrl({
    validSchemes: ['https', 'spiffe'],
    withQueryParameters: true,
    withFragments: true,
  }),
  fc
    .tuple(fc.domain(), fc.array(label(), { maxLength: 4 }))
    .map(([trust, path]) => `spiffe://${trust}/${path.join('/')}`),
);
const ipAddress = fc.oneof(fc.ipV4(), fc.ipV6());
const names = fc
  .oneof(
    {
      weight: 20,
      arbitrary: fc.record({
        dnsNames: fc.array(dnsName, { maxLength: 6 }),
        ipAddresses: fc.array(ipAddress, { maxLength: 4 }),
        uris: fc.array(uri, { maxLength: 3 }),
      }),
    },
    {
      // Long lists: multi-byte DER lengths in the SAN and the TBS.
      weight: 1,
      arbitrary: fc.record({
        dnsNames: fc.array(dnsName, { minLength: 100, maxLength: 600 }),
        ipAddresses: fc.array(ipAddress, { maxLength: 50 }),
        uris: fc.array(uri, { maxLength: 20 }),
      }),
    },
  )
  .filter(n => n.dnsNames.length + n.ipAddresses.length + n.uris.length > 0);
const commonName = fc.option(
  fc.oneof(
    fc.domain(),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 }),
  ),
  { nil: undefined },
);
// RFC 5280 allows 1950-2049 as UTCTime and anything else as GeneralizedTime.
const instant = fc.date({
  min: new Date('1900-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

describe('leaf encoder against two certificate parsers', () => {
  const tally = new Tally('leafEncoder');
  let pool: PoolKey[];
  let signer: LeafSigner;
  let caNode: X509Certificate;
  let caPeculiar: x509.X509Certificate;
  let caKeyId: string;

  beforeAll(async () => {
    pool = keyPool();
    const ca = await generateCa({
      organization: 'Reliability, Test "CA"',
      now: new Date(),
    });
    const issuingDer = pemBlocks(ca.issuingCertificatePem)[0].der;
    caNode = new X509Certificate(issuingDer);
    caPeculiar = new x509.X509Certificate(issuingDer);
    caKeyId = caPeculiar.getExtension(
      x509.SubjectKeyIdentifierExtension,
    )!.keyId;
    signer = LeafSigner.create({
      issuerCertificate: issuingDer,
      issuerKeyId: Buffer.from(caKeyId, 'hex'),
      signingKey: createPrivateKey({
        key: ca.issuingKeyPkcs8,
        format: 'der',
        type: 'pkcs8',
      }),
      crlUrl: 'http://localhost:7007/api/certificates/crl/builtin',
    });
  });

  afterAll(() => tally.flush());

  it(`reads the same ${RUNS} random leaves with node and @peculiar/x509, as requested (seed ${SEED})`, async () => {
    const mismatches: string[] = [];
    let signed = 0;
    let viaOpenssl = 0;

    const check = async (
      params: LeafParams,
      key: PoolKey,
      serialBytes: Buffer,
    ): Promise<string[]> => {
      const problems: string[] = [];
      const expect = (what: string, actual: unknown, wanted: unknown) => {
        if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
          problems.push(
            `${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(
              wanted,
            )}`,
          );
        }
      };
      mockSerialBytes = serialBytes;
      const leaf = signer.sign(params);
      signed++;
      const node = new X509Certificate(leaf.der);
      const peculiar = new x509.X509Certificate(leaf.der);

      const serial = Buffer.from(serialBytes);
      serial[0] = (serial[0] & 0x7f) | 0x01;
      const wantedSerial = serial.toString('hex').toUpperCase();
      expect('reported serial', leaf.serialNumber, wantedSerial);
      expect('node serial', node.serialNumber.toUpperCase(), wantedSerial);
      expect(
        'peculiar serial',
        peculiar.serialNumber.toUpperCase(),
        wantedSerial,
      );

      const wantedCn = params.commonName ? [params.commonName] : [];
      expect('node CN', asList(node.toLegacyObject().subject?.CN), wantedCn);
      expect('peculiar CN', peculiar.subjectName.getField('CN'), wantedCn);
      expect(
        'peculiar subject attributes',
        peculiar.subjectName.toJSON().length,
        wantedCn.length,
      );
      expect('node issuer', node.issuer, caNode.subject);
      expect('peculiar issuer', peculiar.issuer, caPeculiar.subject);

      const validityRead = {
        node: [node.validFromDate, node.validToDate],
        peculiar: [peculiar.notBefore, peculiar.notAfter],
      };
      for (const [reader, [from, to]] of Object.entries(validityRead)) {
        expect(
          `${reader} notBefore`,
          from.getTime(),
          seconds(params.notBefore),
        );
        expect(`${reader} notAfter`, to.getTime(), seconds(params.notAfter));
      }

      const wantedSans: Name[] = [
        ...params.dnsNames.map(value => ({ type: 'dns' as const, value })),
        ...params.ipAddresses.map(value => ({
          type: 'ip' as const,
          value: canonicalIp(value),
        })),
        ...params.uris.map(value => ({ type: 'url' as const, value })),
      ];
      const fromPeculiar = peculiarSans(peculiar);
      expect('node SANs', nodeSans(node.subjectAltName), wantedSans);
      expect('peculiar SANs', fromPeculiar.names, wantedSans);
      expect(
        'SAN critical without a subject',
        fromPeculiar.critical,
        !params.commonName,
      );

      const usages = peculiar.getExtension(x509.KeyUsagesExtension);
      const wantedUsages = key.rsa
        ? x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment
        : x509.KeyUsageFlags.digitalSignature;
      expect(
        'peculiar key usage',
        [usages?.usages, usages?.critical],
        [wantedUsages, true],
      );
      const wantedEku = params.clientAuth
        ? [SERVER_AUTH, CLIENT_AUTH]
        : [SERVER_AUTH];
      expect('node EKU', node.keyUsage, wantedEku);
      expect(
        'peculiar EKU',
        peculiar.getExtension(x509.ExtendedKeyUsageExtension)?.usages,
        wantedEku,
      );
      const basic = peculiar.getExtension(x509.BasicConstraintsExtension);
      expect('node CA flag', node.ca, false);
      expect(
        'peculiar basic constraints',
        [basic?.ca, basic?.pathLength, basic?.critical],
        [false, undefined, true],
      );

      const nodeKey = node.publicKey.export({ type: 'spki', format: 'der' });
      expect(
        'node public key',
        nodeKey.equals(params.subjectPublicKeyInfo),
        true,
      );
      expect(
        'peculiar public key',
        Buffer.from(peculiar.publicKey.rawData).equals(
          params.subjectPublicKeyInfo,
        ),
        true,
      );
      const keyBits = createHash('sha1')
        .update(publicKeyBits(node.publicKey))
        .digest('hex');
      expect(
        'subject key identifier',
        peculiar.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
        keyBits,
      );
      expect(
        'authority key identifier',
        peculiar.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
        caKeyId,
      );

      expect(
        'node verifies with the CA key',
        node.verify(caNode.publicKey),
        true,
      );
      expect('node checkIssued', node.checkIssued(caNode), true);
      expect(
        'peculiar verifies with the CA key',
        await peculiar.verify({
          publicKey: caPeculiar.publicKey,
          signatureOnly: true,
        }),
        true,
      );

      if (signed % OPENSSL_EVERY === 1) {
        viaOpenssl++;
        const text = opensslExtensions(leaf.der);
        const keyUsageLine = key.rsa
          ? 'Digital Signature, Key Encipherment'
          : 'Digital Signature';
        const ekuLine = params.clientAuth
          ? 'TLS Web Server Authentication, TLS Web Client Authentication'
          : 'TLS Web Server Authentication';
        expect(
          'openssl key usage',
          /Key Usage: critical\n\s+(.*)\n/.exec(text)?.[1],
          keyUsageLine,
        );
        expect(
          'openssl EKU',
          /Extended Key Usage: \n\s+(.*)\n/.exec(text)?.[1],
          ekuLine,
        );
        expect(
          'openssl basic constraints',
          /Basic Constraints: critical\n\s+(.*)\n/.exec(text)?.[1],
          'CA:FALSE',
        );
      }
      return problems;
    };

    await fc.assert(
      fc.asyncProperty(
        fc.record({
          key: fc.nat(),
          names,
          commonName,
          from: instant,
          to: instant,
          clientAuth: fc.boolean(),
          serial: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        }),
        async input => {
          const key = pool[input.key % pool.length];
          const [notBefore, notAfter] = [input.from, input.to].sort(
            (a, b) => a.getTime() - b.getTime(),
          );
          const params: LeafParams = {
            subjectPublicKeyInfo: key.spki,
            commonName: input.commonName,
            ...input.names,
            notBefore,
            notAfter,
            clientAuth: input.clientAuth,
          };
          try {
            const problems = await check(
              params,
              key,
              Buffer.from(input.serial),
            );
            if (problems.length) {
              mismatches.push(
                `${key.label} ${JSON.stringify({
                  ...params,
                  subjectPublicKeyInfo: undefined,
                })}\n  ${problems.join('\n  ')}`,
              );
            }
          } catch (error) {
            tally.add({ crashes: 1 });
            mismatches.push(
              `${key.label} threw ${error}: ${JSON.stringify({
                ...params,
                subjectPublicKeyInfo: undefined,
              })}`,
            );
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );

    expect(signed).toBe(RUNS);
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    expect(viaOpenssl).toBeGreaterThan(0);
  });
});

/** The subjectPublicKey bits of a key, as node exports them (RSAPublicKey, or the EC point). */
function publicKeyBits(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'rsa') {
    return key.export({ type: 'pkcs1', format: 'der' });
  }
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url'),
  ]);
}
