import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { oid, sequence, tlv, TAG } from '../../pki';
import { Answer, ReliabilityBackend } from './backend';
import {
  CA_TRUE,
  dnsSan,
  handMadeCsr,
  NAME_CONSTRAINTS,
  pemOf,
  RawExtension,
} from './csrs';
import { checkoutBody, PAYMENTS_NAME, paymentsBody } from './requests';
import { CLUSTER } from './world';

/** What a case may use: the backend and a few objects made before the cases run. */
export interface BadInputContext {
  b: ReliabilityBackend;
  /** Alice's issued request. */
  issuedId: string;
  /** The inventory row of Alice's issued certificate. */
  issuedCertificateId: string;
  /** Carol's pending checkout-web request (two approvals needed). */
  pendingId: string;
  /** An inventory row discovered in the cluster, not issued through the portal. */
  discoveredId: string;
}

export interface BadInput {
  name: string;
  send(ctx: BadInputContext): Promise<Answer>;
  /** Expected status (default: any 4xx). */
  status?: number | number[];
  /** What the error message must say. */
  reason: RegExp;
  /** Text that must appear in no answer and no log line (e.g. a pasted key). */
  secret?: () => string;
}

const WILD = `.${PAYMENTS_NAME}`;

/** POST /requests as Alice (owner of payments-api): a body that would be auto-approved if valid. */
const submit = (body: unknown) => (ctx: BadInputContext) =>
  ctx.b.post('alice', '/requests', body);
const validate = (body: unknown) => (ctx: BadInputContext) =>
  ctx.b.post('alice', '/requests/validate', body);

/** Payments' request for a Secret, delivered where `where` says (else x-tls in payments). */
const paymentsSecretBody = (where: {
  cluster?: string;
  namespace?: string;
  secretName?: string;
}) =>
  paymentsBody({
    delivery: {
      kind: 'secret',
      cluster: CLUSTER,
      namespace: 'payments',
      secretName: 'x-tls',
      ...where,
    },
  });

function csrBody(pem: string, overrides: Record<string, unknown> = {}) {
  return paymentsBody({ delivery: { kind: 'csr', csr: pem }, ...overrides });
}

function names(dnsNames: string[], commonName = dnsNames[0]) {
  return paymentsBody({ dnsNames, commonName });
}

function csrCase(
  name: string,
  reason: RegExp,
  make: () => string,
  overrides: Record<string, unknown> = {},
): BadInput {
  return { name, reason, send: ctx => submit(csrBody(make(), overrides))(ctx) };
}

const csr = (
  extra: Parameters<typeof handMadeCsr>[0] = { commonName: PAYMENTS_NAME },
) => handMadeCsr({ dnsNames: [PAYMENTS_NAME], ...extra }).pem;

const pastedKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const pastedKeyBody = pastedKey.split('\n').slice(1, -2).join('');

/** A DER element nested `depth` SEQUENCEs deep. */
function nested(depth: number): Buffer {
  let value = tlv(TAG.SEQUENCE, Buffer.alloc(0));
  for (let i = 1; i < depth; i++) value = sequence(value);
  return value;
}

const nestedSan: RawExtension = {
  oid: '2.5.29.17',
  value: sequence(nested(600)),
};

const rsa = (bits: number, exponent?: number) => ({
  type: 'rsa' as const,
  bits,
  exponent,
});

export const CSR_CASES: BadInput[] = [
  csrCase('CSR with a signature that does not verify', /signature/i, () =>
    csr({ commonName: PAYMENTS_NAME, tamper: true }),
  ),
  csrCase(
    'CSR with an RSA-1024 key',
    /1024|bits/i,
    () => csr({ commonName: PAYMENTS_NAME, key: rsa(1024) }),
    { keyAlgorithm: 'RSA-2048' },
  ),
  csrCase(
    'CSR with RSA public exponent 3',
    /exponent/i,
    () => csr({ commonName: PAYMENTS_NAME, key: rsa(2048, 3) }),
    { keyAlgorithm: 'RSA-2048' },
  ),
  csrCase('CSR with a secp256k1 key', /secp256k1|P-256/i, () =>
    csr({ commonName: PAYMENTS_NAME, key: { type: 'ec', curve: 'secp256k1' } }),
  ),
  csrCase(
    'CSR signed with MD5',
    /signature algorithm|md5|1\.2\.840\.113549\.1\.1\.4/i,
    () => csr({ commonName: PAYMENTS_NAME, key: rsa(2048), hash: 'md5' }),
    { keyAlgorithm: 'RSA-2048' },
  ),
  csrCase(
    'CSR signed with SHA-1',
    /signature algorithm|sha-?1|1\.2\.840\.113549\.1\.1\.5/i,
    () => csr({ commonName: PAYMENTS_NAME, key: rsa(2048), hash: 'sha1' }),
    { keyAlgorithm: 'RSA-2048' },
  ),
  csrCase(
    'CSR repeating the subjectAltName extension (a hidden name in the first)',
    /more than once|duplicate|repeat/i,
    () =>
      handMadeCsr({
        commonName: PAYMENTS_NAME,
        extensions: [
          dnsSan(['login.bank.example.net']),
          dnsSan([PAYMENTS_NAME]),
        ],
      }).pem,
  ),
  csrCase('CSR asking for CA:TRUE', /CA/, () =>
    csr({ commonName: PAYMENTS_NAME, extensions: [CA_TRUE] }),
  ),
  csrCase('CSR asking for name constraints', /name constraints/i, () =>
    csr({ commonName: PAYMENTS_NAME, extensions: [NAME_CONSTRAINTS] }),
  ),
  csrCase(
    'two CSRs in one field',
    /one PEM block|exactly one/i,
    () => `${csr()}${csr()}`,
  ),
  {
    name: 'a private key pasted as the CSR (refused, never echoed)',
    reason: /private key/i,
    send: submit(csrBody(pastedKey)),
    secret: () => pastedKeyBody,
  },
  csrCase('DER garbage in a CSR block', /not a valid/i, () =>
    pemOf(randomBytes(300)),
  ),
  csrCase(
    'ASN.1 nested 1,500 deep in place of the request',
    /not a valid/i,
    () =>
      pemOf(
        sequence(
          nested(1500),
          sequence(oid('1.2.840.10045.4.3.2')),
          tlv(TAG.BIT_STRING, Buffer.from([0, 1])),
        ),
      ),
  ),
  csrCase(
    'ASN.1 nested 600 deep inside the subjectAltName',
    /SAN|subjectAltName|not a valid|not supported/i,
    () =>
      handMadeCsr({ commonName: PAYMENTS_NAME, extensions: [nestedSan] }).pem,
  ),
  csrCase(
    'CSR text with a trailing script',
    /outside/i,
    () => `${csr()}<script>alert(1)</script>`,
  ),
];

export const NAME_CASES: BadInput[] = [
  {
    name: 'an allowed name with an attacker suffix',
    reason: /dnsNames/,
    send: submit(names([`${PAYMENTS_NAME}.evil.test`])),
  },
  {
    name: "'*.com'",
    reason: /dnsNames|wildcard/i,
    send: submit(names(['*.com'])),
  },
  {
    name: 'a wildcard in the middle',
    reason: /dnsNames|wildcard/i,
    send: submit(names([`api.*${WILD}`])),
  },
  {
    name: 'a partial-label wildcard',
    reason: /dnsNames|wildcard/i,
    send: submit(names([`a*${WILD}`])),
  },
  {
    name: 'a double wildcard',
    reason: /dnsNames|wildcard/i,
    send: submit(names([`**${WILD}`])),
  },
  {
    name: 'punycode that does not round-trip',
    reason: /dnsNames/,
    send: submit(names([`xn--a${WILD}`])),
  },
  {
    name: 'a Cyrillic homoglyph in the entity name',
    reason: /dnsNames/,
    send: submit(names(['p\u0430yments-api.shop.example.com'])),
  },
  {
    name: 'a Cyrillic label where a wildcard label fits',
    reason: /dnsNames/,
    send: submit(names([`\u0430pi${WILD}`])),
  },
  {
    name: 'a trailing dot',
    reason: /dnsNames/,
    send: submit(names([`${PAYMENTS_NAME}.`])),
  },
  {
    name: 'an empty label',
    reason: /dnsNames/,
    send: submit(names([`api.${WILD}`])),
  },
  {
    name: 'a 64-byte label',
    reason: /dnsNames/,
    send: submit(names([`${'a'.repeat(64)}${WILD}`])),
  },
  {
    name: 'a 254-byte name',
    reason: /dnsNames/,
    send: submit(names([`${'a'.repeat(254 - WILD.length)}${WILD}`])),
  },
  {
    name: 'a NUL byte in a name',
    reason: /dnsNames/,
    send: submit(names([`api\u0000${WILD}`])),
  },
  {
    name: 'CR/LF in a name',
    reason: /dnsNames/,
    send: submit(names([`api\r\nx${WILD}`])),
  },
  {
    name: 'a bidi override in a name',
    reason: /dnsNames/,
    send: submit(names([`\u202eipa${WILD}`])),
  },
  {
    name: 'a common name that is not among the DNS names',
    reason: /commonName/,
    send: submit(paymentsBody({ commonName: 'login.bank.example.net' })),
  },
  {
    name: 'an IP SAN the policy does not allow',
    reason: /ip/i,
    send: submit(paymentsBody({ ipAddresses: ['10.0.0.1'] })),
  },
  {
    name: 'a URI SAN the policy does not allow',
    reason: /uri/i,
    send: submit(paymentsBody({ uris: ['spiffe://shop/payments'] })),
  },
  {
    name: 'an email SAN (no such field)',
    reason: /email/i,
    send: submit(paymentsBody({ emailAddresses: ['ops@example.com'] })),
  },
  {
    name: '10,000 SANs',
    reason: /too large|too big|dnsNames/i,
    send: submit(
      names(
        Array.from({ length: 10_000 }, (_, i) => `h${i}${WILD}`),
        PAYMENTS_NAME,
      ),
    ),
  },
];

export const FIELD_CASES: BadInput[] = [
  {
    name: 'a 1 MB body',
    status: 413,
    reason: /too large/i,
    send: submit(paymentsBody({ justification: 'x'.repeat(1024 * 1024) })),
  },
  {
    name: 'malformed JSON',
    status: 400,
    reason: /JSON|Unexpected|position/i,
    send: ctx =>
      ctx.b.post(
        'alice',
        '/requests',
        '{"entityRef": "component:default/payments-api",',
        { contentType: 'application/json' },
      ),
  },
  {
    name: 'JSON sent as text/plain',
    reason: /entityRef|content.type|body/i,
    send: ctx =>
      ctx.b.post('alice', '/requests', JSON.stringify(paymentsBody()), {
        contentType: 'text/plain',
      }),
  },
  {
    name: 'a JSON array as the body',
    reason: /body|object|array/i,
    send: submit([paymentsBody()]),
  },
  {
    name: 'a __proto__ key in the body',
    reason: /__proto__|unrecognized/i,
    send: ctx =>
      ctx.b.post(
        'alice',
        '/requests',
        `{"__proto__":{"state":"issued"},${JSON.stringify(paymentsBody()).slice(
          1,
        )}`,
        { contentType: 'application/json' },
      ),
  },
  {
    name: "namespace '../x'",
    reason: /namespace/i,
    send: submit(paymentsSecretBody({ namespace: '../x' })),
  },
  {
    name: 'a 300-character namespace',
    reason: /namespace/i,
    send: submit(paymentsSecretBody({ namespace: 'n'.repeat(300) })),
  },
  {
    name: "Secret name '../x'",
    reason: /secretName|secret name/i,
    send: submit(paymentsSecretBody({ secretName: '../x' })),
  },
  {
    name: 'a 300-character Secret name',
    reason: /secretName|secret name/i,
    send: submit(paymentsSecretBody({ secretName: 's'.repeat(300) })),
  },
  {
    name: 'an unknown issuer id',
    reason: /issuer/i,
    send: submit(paymentsBody({ issuer: 'no-such-issuer' })),
  },
  {
    name: 'an unknown cluster id',
    reason: /cluster/i,
    send: submit(paymentsSecretBody({ cluster: 'no-such-cluster' })),
  },
  {
    name: 'a negative validity',
    reason: /validity/i,
    send: submit(paymentsBody({ validityDays: -1 })),
  },
  {
    name: 'a validity of a billion days',
    reason: /validity/i,
    send: submit(paymentsBody({ validityDays: 1e9 })),
  },
  {
    name: 'a fractional validity',
    reason: /validity/i,
    send: submit(paymentsBody({ validityDays: 1.5 })),
  },
  {
    name: 'an entity that does not exist',
    reason: /entityRef|not found/i,
    send: submit(
      paymentsBody({ entityRef: 'component:default/no-such-thing' }),
    ),
  },
  {
    name: 'a malformed entity ref',
    reason: /entityRef/i,
    send: submit(paymentsBody({ entityRef: ':::' })),
  },
  {
    name: 'an unknown key algorithm',
    reason: /keyAlgorithm/,
    send: submit(paymentsBody({ keyAlgorithm: 'DSA-1024' })),
  },
  {
    name: 'an unknown delivery kind',
    reason: /delivery/,
    send: submit(paymentsBody({ delivery: { kind: 'ftp' } })),
  },
  {
    name: 'a NUL byte in the justification',
    reason: /justification/,
    send: ctx =>
      ctx.b.post(
        'carol',
        '/requests',
        checkoutBody({
          justification: 'needed\u0000for launch',
          delivery: {
            kind: 'secret',
            cluster: CLUSTER,
            namespace: 'storefront',
            secretName: 'nul-tls',
          },
        }),
      ),
  },
  {
    name: 'a state smuggled into the body',
    reason: /state|unrecognized/i,
    send: submit({ ...paymentsBody(), state: 'issued' }),
  },
];

/** A few of the above, on the form's validation endpoint. */
export const VALIDATE_CASES: BadInput[] = [
  {
    name: 'validate: a CSR whose signature does not verify',
    reason: /signature/i,
    send: validate(csrBody(csr({ commonName: PAYMENTS_NAME, tamper: true }))),
  },
  {
    name: 'validate: an allowed name with an attacker suffix',
    reason: /dnsNames/,
    send: validate(names([`${PAYMENTS_NAME}.evil.test`])),
  },
  {
    name: 'validate: an unknown cluster',
    reason: /cluster/i,
    send: validate(paymentsSecretBody({ cluster: 'nope' })),
  },
  {
    name: 'validate: a 1 MB body',
    status: 413,
    reason: /too large/i,
    send: validate(paymentsBody({ justification: 'x'.repeat(1024 * 1024) })),
  },
];

const sam = (path: string, body?: unknown) => (ctx: BadInputContext) =>
  ctx.b.post('sam', path, body);

export const ACTION_CASES: BadInput[] = [
  {
    name: 'cancel: an unknown request',
    status: 404,
    reason: /request/i,
    send: ctx => ctx.b.post('carol', '/requests/no-such-request/cancel'),
  },
  {
    name: 'cancel: a 600-character id',
    status: [400, 404],
    reason: /request|id/i,
    send: ctx => ctx.b.post('carol', `/requests/${'x'.repeat(600)}/cancel`),
  },
  {
    name: 'cancel: an issued request',
    status: 409,
    reason: /pending|issued/i,
    send: ctx => ctx.b.post('alice', `/requests/${ctx.issuedId}/cancel`),
  },
  {
    name: 'decision: an unknown decision',
    status: 400,
    reason: /decision/,
    send: ctx =>
      sam(`/requests/${ctx.pendingId}/decision`, { decision: 'maybe' })(ctx),
  },
  {
    name: 'decision: deny without a reason',
    status: 400,
    reason: /reason/,
    send: ctx =>
      sam(`/requests/${ctx.pendingId}/decision`, { decision: 'deny' })(ctx),
  },
  {
    name: 'decision: a 3,000-character reason',
    status: 400,
    reason: /reason/,
    send: ctx =>
      sam(`/requests/${ctx.pendingId}/decision`, {
        decision: 'deny',
        reason: 'r'.repeat(3000),
      })(ctx),
  },
  {
    name: 'decision: the body is a string',
    status: 400,
    reason: /JSON|body|decision|object/i,
    send: ctx =>
      ctx.b.post('sam', `/requests/${ctx.pendingId}/decision`, '"approve"', {
        contentType: 'application/json',
      }),
  },
  {
    name: 'decision: a NUL byte in the reason',
    status: 400,
    reason: /reason/,
    send: ctx =>
      sam(`/requests/${ctx.pendingId}/decision`, {
        decision: 'deny',
        reason: 'no\u0000thanks',
      })(ctx),
  },
  {
    name: 'decision: an unknown request',
    status: 404,
    reason: /request/i,
    send: sam('/requests/no-such-request/decision', { decision: 'approve' }),
  },
  {
    name: 'decision: a request already issued',
    status: 409,
    reason: /issued|decided|final|pending/i,
    send: ctx =>
      sam(`/requests/${ctx.issuedId}/decision`, { decision: 'approve' })(ctx),
  },
  {
    name: 'bulk: no ids',
    status: 400,
    reason: /ids/,
    send: sam('/approvals/bulk', { ids: [], decision: 'approve' }),
  },
  {
    name: 'bulk: 201 ids',
    status: 400,
    reason: /ids/,
    send: sam('/approvals/bulk', {
      ids: Array.from({ length: 201 }, (_, i) => `r${i}`),
      decision: 'approve',
    }),
  },
  {
    name: 'bulk: ids is a string',
    status: 400,
    reason: /ids/,
    send: sam('/approvals/bulk', { ids: 'r1,r2', decision: 'approve' }),
  },
  {
    name: 'bulk: a 600-character id',
    status: 400,
    reason: /ids/,
    send: sam('/approvals/bulk', {
      ids: ['x'.repeat(600)],
      decision: 'approve',
    }),
  },
  {
    name: 'bulk: no decision',
    status: 400,
    reason: /decision/,
    send: ctx => sam('/approvals/bulk', { ids: [ctx.pendingId] })(ctx),
  },
  {
    name: 'renew: an unknown certificate',
    status: 404,
    reason: /certificate/i,
    send: ctx => ctx.b.post('alice', '/certificates/no-such-certificate/renew'),
  },
  {
    name: 'renew: a discovered certificate the portal did not issue',
    status: 409,
    reason: /./,
    send: ctx => ctx.b.post('alice', `/certificates/${ctx.discoveredId}/renew`),
  },
  {
    name: 'revoke: an unknown reason',
    status: 400,
    reason: /reason/,
    send: ctx =>
      ctx.b.post('alice', `/certificates/${ctx.discoveredId}/revoke`, {
        reason: 'because',
      }),
  },
  {
    name: 'revoke: no body',
    status: 400,
    reason: /reason/,
    send: ctx =>
      ctx.b.post('alice', `/certificates/${ctx.discoveredId}/revoke`),
  },
  {
    name: 'revoke: a 600-character comment',
    status: 400,
    reason: /comment/,
    send: ctx =>
      ctx.b.post('alice', `/certificates/${ctx.discoveredId}/revoke`, {
        reason: 'superseded',
        comment: 'c'.repeat(600),
      }),
  },
  {
    name: 'revoke: a NUL byte in the comment',
    reason: /comment/,
    send: ctx =>
      ctx.b.post('alice', `/certificates/${ctx.issuedCertificateId}/revoke`, {
        reason: 'superseded',
        comment: 'old\u0000key',
      }),
  },
  {
    name: 'revoke: an unknown certificate',
    status: 404,
    reason: /certificate/i,
    send: ctx =>
      ctx.b.post('alice', '/certificates/no-such-certificate/revoke', {
        reason: 'superseded',
      }),
  },
  {
    name: 'revoke: a discovered certificate the portal did not issue',
    status: 409,
    reason: /./,
    send: ctx =>
      ctx.b.post('alice', `/certificates/${ctx.discoveredId}/revoke`, {
        reason: 'superseded',
      }),
  },
];

export const ALL_CASES: BadInput[] = [
  ...CSR_CASES,
  ...NAME_CASES,
  ...FIELD_CASES,
  ...VALIDATE_CASES,
  ...ACTION_CASES,
];

export { checkoutBody };
