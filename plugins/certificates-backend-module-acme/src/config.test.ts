import { ConfigReader, JsonObject } from '@backstage/config';
import { generateKeyPairSync } from 'node:crypto';
import { readAcmeConfig } from './config';

const base = { id: 'le-staging', directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory' };
const read = (issuers: JsonObject[], extra: JsonObject = {}, env = {}) =>
  readAcmeConfig(new ConfigReader({ certificates: { acme: { issuers, ...extra } } }), env);

describe('readAcmeConfig', () => {
  it('applies defaults: http-01 answered by the backend, data dir from the environment', () => {
    const settings = read([base], {}, { CERTIFICATES_DATA_DIR: '/var/lib/certs' });
    expect(settings.dataDir).toBe('/var/lib/certs');
    expect(settings.issuers[0]).toMatchObject({
      id: 'le-staging',
      displayName: 'le-staging',
      termsOfServiceAgreed: false,
      challenge: { type: 'http-01', solver: 'backend' },
    });
    expect(readAcmeConfig(new ConfigReader({}), {})).toEqual({ dataDir: './data', issuers: [] });
  });

  it('reads a dns-01 webhook with its timeout', () => {
    const [issuer] = read(
      [{ ...base, challenge: { type: 'dns-01', webhook: { url: 'https://dns.internal/hook', token: 't', timeout: { seconds: 30 } } } }],
      { dataDir: '/data' },
    ).issuers;
    expect(issuer.challenge).toEqual({
      type: 'dns-01',
      solver: 'webhook',
      webhook: { url: 'https://dns.internal/hook', token: 't', timeoutMs: 30_000 },
    });
  });

  it('accepts a PEM account key and rejects anything else', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(read([{ ...base, accountKey: pem }]).issuers[0].accountKeyPem).toBe(pem);
    expect(() => read([{ ...base, accountKey: 'nope' }])).toThrow(/accountKey is not a PEM private key/);
  });

  it.each([
    [[base, base], /duplicate id 'le-staging'/],
    [[{ ...base, id: '../etc' }], /id may only use/],
    [[{ ...base, directoryUrl: 'ftp://x/dir' }], /must be an http\(s\) URL/],
    [[{ ...base, caBundle: 'not pem' }], /caBundle must hold PEM certificates/],
    [[{ ...base, challenge: { type: 'dns-01', solver: 'backend' } }], /answers http-01 only/],
    [[{ ...base, challenge: { type: 'dns-01' } }], /webhook.url is required/],
    [[{ ...base, challenge: { type: 'tls-alpn-01' } }], /http-01 or dns-01/],
  ])('refuses broken config %#', (issuers, message) => {
    expect(() => read(issuers)).toThrow(message);
  });
});
