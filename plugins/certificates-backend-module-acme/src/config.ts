import { Config, readDurationFromConfig } from '@backstage/config';
import { AcmeChallengeType } from './challenges';
import { AcmeIssuerOptions, assertPrivateKeyPem } from './issuer';

/** One `certificates.acme.issuers[]` entry, read and checked. */
export interface AcmeIssuerSettings
  extends Omit<
    AcmeIssuerOptions,
    'solver' | 'state' | 'logger' | 'polling' | 'reachabilityTimeoutMs'
  > {
  challenge:
    | { type: AcmeChallengeType; solver: 'backend' }
    | {
        type: AcmeChallengeType;
        solver: 'webhook';
        webhook: { url: string; token?: string; timeoutMs: number };
      };
}

export interface AcmeModuleSettings {
  dataDir: string;
  issuers: AcmeIssuerSettings[];
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads `certificates.acme`; throws at startup on anything that cannot work. */
export function readAcmeConfig(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): AcmeModuleSettings {
  const acme = config.getOptionalConfig('certificates.acme');
  const dataDir =
    acme?.getOptionalString('dataDir') ?? env.CERTIFICATES_DATA_DIR ?? './data';
  const issuers = (acme?.getOptionalConfigArray('issuers') ?? []).map(readIssuer);
  const seen = new Set<string>();
  for (const issuer of issuers) {
    if (seen.has(issuer.id)) {
      throw new Error(`certificates.acme.issuers: duplicate id '${issuer.id}'`);
    }
    seen.add(issuer.id);
  }
  return { dataDir, issuers };
}

function readIssuer(c: Config): AcmeIssuerSettings {
  const id = c.getString('id');
  const where = `certificates.acme.issuers '${id}'`;
  if (!ID_PATTERN.test(id)) {
    throw new Error(`${where}: id may only use letters, digits, '.', '_' and '-'`);
  }
  const directoryUrl = c.getString('directoryUrl');
  requireHttpUrl(directoryUrl, `${where}: directoryUrl`);
  const caCertificateUrl = c.getOptionalString('caCertificateUrl');
  if (caCertificateUrl) {
    requireHttpUrl(caCertificateUrl, `${where}: caCertificateUrl`);
  }
  const accountKeyPem = c.getOptionalString('accountKey');
  if (accountKeyPem) {
    assertPrivateKeyPem(accountKeyPem, `${where}: accountKey`);
  }
  const caBundle = c.getOptionalString('caBundle');
  if (caBundle !== undefined && !caBundle.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${where}: caBundle must hold PEM certificates`);
  }
  const eab = c.getOptionalConfig('externalAccountBinding');
  return {
    id,
    displayName: c.getOptionalString('displayName') ?? id,
    directoryUrl,
    email: c.getOptionalString('email'),
    termsOfServiceAgreed: c.getOptionalBoolean('termsOfServiceAgreed') ?? false,
    accountKeyPem,
    externalAccountBinding: eab
      ? { kid: eab.getString('kid'), hmacKey: eab.getString('hmacKey') }
      : undefined,
    caBundle,
    caCertificatePem: c.getOptionalString('caCertificate'),
    caCertificateUrl,
    preferredChain: c.getOptionalString('preferredChain'),
    challenge: readChallenge(c.getOptionalConfig('challenge'), where),
  };
}

function readChallenge(
  c: Config | undefined,
  where: string,
): AcmeIssuerSettings['challenge'] {
  const type = (c?.getOptionalString('type') ?? 'http-01') as AcmeChallengeType;
  if (type !== 'http-01' && type !== 'dns-01') {
    throw new Error(`${where}: challenge.type must be http-01 or dns-01`);
  }
  const solver = c?.getOptionalString('solver') ?? (type === 'dns-01' ? 'webhook' : 'backend');
  if (solver === 'backend') {
    if (type !== 'http-01') {
      throw new Error(`${where}: the backend solver answers http-01 only; use solver webhook for dns-01`);
    }
    return { type, solver };
  }
  if (solver !== 'webhook') {
    throw new Error(`${where}: challenge.solver must be backend or webhook`);
  }
  const hook = c?.getOptionalConfig('webhook');
  if (!hook) {
    throw new Error(`${where}: challenge.webhook.url is required for solver webhook`);
  }
  const url = hook.getString('url');
  requireHttpUrl(url, `${where}: challenge.webhook.url`);
  return {
    type,
    solver,
    webhook: {
      url,
      token: hook.getOptionalString('token'),
      timeoutMs: hook.has('timeout')
        ? toMilliseconds(readDurationFromConfig(hook, { key: 'timeout' }))
        : 120_000,
    },
  };
}

function requireHttpUrl(value: string, what: string) {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${what} must be an http(s) URL: ${value}`);
  }
}

/** A webhook timeout is minutes at most, so weeks and longer are not worth supporting. */
function toMilliseconds(d: ReturnType<typeof readDurationFromConfig>): number {
  return (
    (d.milliseconds ?? 0) +
    (d.seconds ?? 0) * 1000 +
    (d.minutes ?? 0) * 60_000 +
    (d.hours ?? 0) * 3_600_000 +
    (d.days ?? 0) * 86_400_000
  );
}
