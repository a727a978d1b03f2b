import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AccessRule, TokenAuthenticator } from './access';

export interface AwsIamTokenAuthenticatorOptions {
  /** The EKS cluster id the token must be bound to (the `x-k8s-aws-id` header). */
  clusterId: string;
  /** Access key id → secret access key of the identities STS knows. */
  keys: () => Record<string, string>;
  /** Grants of an authenticated identity. */
  rules: AccessRule[];
  /** Default 15 minutes, like EKS. */
  maxAgeMs?: number;
  now?: () => number;
  /** Called with the access key id of each token accepted. */
  onAccepted?: (accessKeyId: string) => void;
}

const PREFIX = 'k8s-aws-v1.';
const EMPTY_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const escape = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) =>
  createHmac('sha256', key).update(s).digest();

/** `YYYYMMDDTHHMMSSZ` → epoch ms. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * What EKS does with a bearer token: aws-iam-authenticator decodes the
 * presigned STS GetCallerIdentity URL and STS checks its SigV4 signature.
 * Here the signature is recomputed from the known secret keys, with the
 * cluster id the server expects, so a token signed for another cluster, by
 * an unknown key, or too old answers 401.
 */
export function awsIamTokenAuthenticator(
  options: AwsIamTokenAuthenticatorOptions,
): TokenAuthenticator {
  const maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  return token => {
    if (!token.startsWith(PREFIX)) return undefined;
    let url: URL;
    try {
      url = new URL(
        Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'),
      );
    } catch {
      return undefined;
    }
    const q = url.searchParams;
    const hostOk = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com$/.test(url.hostname);
    if (
      url.protocol !== 'https:' ||
      !hostOk ||
      url.pathname !== '/' ||
      q.get('Action') !== 'GetCallerIdentity' ||
      q.get('Version') !== '2011-06-15' ||
      q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256'
    ) {
      return undefined;
    }
    const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
    const headerValues: Record<string, string> = {
      host: url.host,
      'x-k8s-aws-id': options.clusterId,
    };
    if (
      !signedHeaders.includes('x-k8s-aws-id') ||
      signedHeaders.some(h => !(h in headerValues))
    ) {
      return undefined;
    }
    const [accessKeyId, shortDate, region, service, terminator] = (
      q.get('X-Amz-Credential') ?? ''
    ).split('/');
    const secret = options.keys()[accessKeyId];
    const longDate = q.get('X-Amz-Date') ?? '';
    const signedAt = parseAmzDate(longDate);
    if (
      !secret ||
      service !== 'sts' ||
      terminator !== 'aws4_request' ||
      signedAt === undefined ||
      !longDate.startsWith(shortDate) ||
      Math.abs(now() - signedAt) > maxAgeMs
    ) {
      return undefined;
    }
    const canonicalQuery = [...q.entries()]
      .filter(([k]) => k !== 'X-Amz-Signature')
      .map(([k, v]) => [escape(k), escape(v)])
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalRequest = [
      'GET',
      '/',
      canonicalQuery,
      ...signedHeaders.map(h => `${h}:${headerValues[h]}`),
      '',
      signedHeaders.join(';'),
      EMPTY_SHA256,
    ].join('\n');
    const scope = `${shortDate}/${region}/sts/aws4_request`;
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      longDate,
      scope,
      sha256(canonicalRequest),
    ].join('\n');
    let key = hmac(`AWS4${secret}`, shortDate);
    for (const part of [region, 'sts', 'aws4_request']) key = hmac(key, part);
    const expected = createHmac('sha256', key).update(stringToSign).digest();
    const given = Buffer.from(q.get('X-Amz-Signature') ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return undefined;
    }
    options.onAccepted?.(accessKeyId);
    return { user: `aws:${accessKeyId}`, rules: options.rules };
  };
}
