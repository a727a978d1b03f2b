import { ReliabilityBackend } from './backend';
import {
  ACTION_CASES,
  BadInput,
  BadInputContext,
  CSR_CASES,
  FIELD_CASES,
  NAME_CASES,
  VALIDATE_CASES,
} from './badInputCases';

/*
 * Families of bad inputs crossed with every write endpoint, so that each
 * endpoint meets the same hostile ids and the same malformed bodies.
 */

type Who = Parameters<ReliabilityBackend['post']>[0];
type Id = (ctx: BadInputContext) => string;

const fixed =
  (id: string): Id =>
  () =>
    id;

/** Path segments, already URL-encoded as a client would send them. */
const HOSTILE_IDS: Array<[string, Id]> = [
  ['an unknown id', fixed('no-such-id')],
  ['an unknown UUID', fixed('00000000-0000-4000-8000-000000000000')],
  ['a space as the id', fixed('%20')],
  ['a 600-character id', fixed('x'.repeat(600))],
  ["the id '../x'", fixed('..%2Fx')],
  ["the id '%2e%2e%2f'", fixed('%2e%2e%2f')],
  ['a double-encoded traversal id', fixed('%252e%252e%252f')],
  ['an SQL injection id', fixed(encodeURIComponent("' OR '1'='1"))],
  ['a LIKE wildcard id', fixed('%25')],
  ['an underscore id', fixed('_')],
  ['a backslash id', fixed('%5C')],
  ['a NUL byte id', fixed('%00')],
  ['a CR/LF id', fixed('%0D%0ASet-Cookie%3A%20x%3D1')],
  ['a unicode id', fixed(encodeURIComponent('p\u0430yments-\u{1F525}'))],
  ['a bidi override id', fixed(encodeURIComponent('\u202eabc'))],
  ['the id __proto__', fixed('__proto__')],
  ['the id constructor', fixed('constructor')],
  ['an HTML id', fixed(encodeURIComponent('<script>alert(1)</script>'))],
  ['a JSON id', fixed(encodeURIComponent('{"$ne":null}'))],
  ['a numeric id', fixed('-1')],
  ['the id null', fixed('null')],
  ['a broken percent-encoding', fixed('%E0%A4%A')],
  ['a real id with a NUL suffix', ctx => `${ctx.pendingId}%00`],
  ['a real id with a trailing space', ctx => `${ctx.pendingId}%20`],
];

const ID_REASON = /request|certificate|not found|failed to decode|cannot/i;

/** An id-taking endpoint: `path(id)` and a body that would be fine for a valid id. */
interface IdEndpoint {
  label: string;
  who: Who;
  path: (id: string) => string;
  body?: unknown;
}

function idCases(endpoint: IdEndpoint, suffix = ''): BadInput[] {
  return HOSTILE_IDS.map(([name, id]) => ({
    name: `${endpoint.label}: ${name}${suffix}`,
    reason: ID_REASON,
    send: (ctx: BadInputContext) =>
      ctx.b.post(endpoint.who, endpoint.path(id(ctx)), endpoint.body),
  }));
}

/** An endpoint's id cases bare, then again carrying `body`. */
function idCasesBareAndWithBody(
  endpoint: IdEndpoint,
  body: unknown,
): BadInput[] {
  return [
    ...idCases(endpoint),
    ...idCases({ ...endpoint, body }, ' (with a body)'),
  ];
}

const JSON_REASON = /JSON|Unexpected|position|token|body|object|expected/i;
const MB = 'x'.repeat(1024 * 1024);

/** A body endpoint: where to post, who posts, a valid body, its fields. */
interface BodyEndpoint {
  label: string;
  who: Who;
  path: Id;
  valid: Record<string, unknown>;
  /** Required fields, with values of the wrong type to try for each. */
  fields: Record<string, unknown[]>;
  /** Free-text fields: oversized and unreadable characters are refused. */
  text: Record<string, number>;
  /** What a body with nothing usable must be refused for. */
  reason: RegExp;
}

function typeName(v: unknown) {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v;
}

function bodyCases(e: BodyEndpoint): BadInput[] {
  const post =
    (body: unknown, raw?: { contentType: string }) => (ctx: BadInputContext) =>
      ctx.b.post(e.who, e.path(ctx), body, raw);
  const cases: BadInput[] = [];
  for (const [field, wrong] of Object.entries(e.fields)) {
    for (const value of wrong) {
      cases.push({
        name: `${e.label}: ${field} is ${typeName(value)} ${JSON.stringify(
          value,
        )?.slice(0, 20)}`,
        status: 400,
        reason: new RegExp(field),
        send: post({ ...e.valid, [field]: value }),
      });
    }
    const rest = { ...e.valid };
    delete rest[field];
    cases.push({
      name: `${e.label}: ${field} missing`,
      status: 400,
      reason: new RegExp(field),
      send: post(rest),
    });
  }
  for (const [field, max] of Object.entries(e.text)) {
    const textCase = (name: string, value: string): BadInput => ({
      name: `${e.label}: ${name} in ${field}`,
      status: 400,
      reason: new RegExp(field),
      send: post({ ...e.valid, [field]: value }),
    });
    cases.push(
      textCase(`${max + 1} characters`, 'r'.repeat(max + 1)),
      textCase('a NUL byte', 'no\u0000thanks'),
      textCase('an ESC sequence', 'no \u001b[31mthanks'),
      textCase('a bidi override', 'no \u202ethanks'),
      textCase('a zero-width direction mark', 'no\u200ethanks'),
      textCase('a C1 control character', 'no\u0085thanks'),
      {
        name: `${e.label}: ${field} is an object`,
        status: 400,
        reason: new RegExp(field),
        send: post({ ...e.valid, [field]: { toString: 'x' } }),
      },
    );
  }
  const raw = (name: string, text: string, contentType = 'application/json') =>
    cases.push({
      name: `${e.label}: ${name}`,
      status: 400,
      reason: new RegExp(`${JSON_REASON.source}|${e.reason.source}`, 'i'),
      send: post(text, { contentType }),
    });
  raw('malformed JSON', '{"decision": "approve",');
  raw('JSON null as the body', 'null');
  raw('a number as the body', '42');
  raw('a string as the body', '"approve"');
  raw('true as the body', 'true');
  raw('an empty object', '{}');
  raw('JSON sent as text/plain', JSON.stringify(e.valid), 'text/plain');
  raw(
    'JSON sent as a form',
    JSON.stringify(e.valid),
    'application/x-www-form-urlencoded',
  );
  raw(
    'a __proto__ key in the body',
    `{"__proto__":{"state":"issued"},"x":1,${JSON.stringify(e.valid).slice(1)}`,
  );
  cases.push(
    {
      name: `${e.label}: a JSON array as the body`,
      status: 400,
      reason: new RegExp(`${JSON_REASON.source}|${e.reason.source}`, 'i'),
      send: post([e.valid]),
    },
    {
      name: `${e.label}: an unknown extra field`,
      status: 400,
      reason: /unrecognized|state/i,
      send: post({ ...e.valid, state: 'issued' }),
    },
    {
      name: `${e.label}: a constructor key`,
      status: 400,
      reason: /unrecognized|constructor/i,
      send: post({ ...e.valid, constructor: { prototype: { admin: true } } }),
    },
    {
      name: `${e.label}: a 1 MB body`,
      status: 413,
      reason: /too large/i,
      send: post({ ...e.valid, padding: MB }),
    },
  );
  return cases;
}

/** The same client, with POST /requests sent to POST /requests/validate. */
function toValidate(b: ReliabilityBackend): ReliabilityBackend {
  return new Proxy(b, {
    get(target, prop) {
      if (prop === 'post') {
        return (
          who: Who,
          path: string,
          ...rest: [unknown?, { contentType: string }?]
        ) =>
          target.post(
            who,
            path === '/requests' ? '/requests/validate' : path,
            ...rest,
          );
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const SUBMIT_CASES = [...CSR_CASES, ...NAME_CASES, ...FIELD_CASES];

/** Every POST /requests body case, against the form's validation endpoint. */
const VALIDATE_FAMILY: BadInput[] = SUBMIT_CASES.map(c => ({
  ...c,
  name: `validate: ${c.name}`,
  send: (ctx: BadInputContext) => c.send({ ...ctx, b: toValidate(ctx.b) }),
}));

const WRONG_DECISION = [
  1,
  true,
  null,
  ['approve'],
  { approve: true },
  'APPROVE',
  'approve\u0000',
];
const WRONG_IDS = [
  'r1,r2',
  7,
  null,
  { 0: 'r1' },
  [1, 2],
  [['r1']],
  [null],
  [''],
  ['x'.repeat(600)],
  [],
  Array.from({ length: 201 }, (_, i) => `r${i}`),
];

const DECISION: BodyEndpoint = {
  label: 'decision',
  who: 'sam',
  path: ctx => `/requests/${ctx.pendingId}/decision`,
  valid: { decision: 'deny', reason: 'not needed' },
  fields: { decision: WRONG_DECISION },
  text: { reason: 2000 },
  reason: /decision/,
};

const BULK: BodyEndpoint = {
  label: 'bulk',
  who: 'sam',
  path: () => '/approvals/bulk',
  valid: { ids: [], decision: 'deny', reason: 'not needed' },
  fields: { ids: WRONG_IDS, decision: WRONG_DECISION },
  text: { reason: 2000 },
  reason: /ids|decision/,
};

const REVOKE: BodyEndpoint = {
  label: 'revoke',
  who: 'alice',
  path: ctx => `/certificates/${ctx.issuedCertificateId}/revoke`,
  valid: { reason: 'superseded', comment: 'rotated' },
  fields: {
    reason: [
      1,
      true,
      null,
      ['superseded'],
      { superseded: true },
      'SUPERSEDED',
      'because',
    ],
  },
  text: { comment: 500 },
  reason: /reason/,
};

/**
 * An endpoint of an id and a body: hostile ids at `path` with a fine `body`,
 * then its bad bodies.
 */
function idAndBodyCases(
  e: BodyEndpoint,
  path: IdEndpoint['path'],
  body: unknown,
): BadInput[] {
  return [
    ...idCases({ label: e.label, who: e.who, path, body }),
    ...bodyCases(e),
  ];
}

export const ENDPOINT_CASES: BadInput[] = [
  ...VALIDATE_FAMILY,
  ...idCasesBareAndWithBody(
    { label: 'cancel', who: 'carol', path: id => `/requests/${id}/cancel` },
    { state: 'cancelled' },
  ),
  ...idAndBodyCases(DECISION, id => `/requests/${id}/decision`, {
    decision: 'approve',
  }),
  // With no ids at all, so that a body accepted by mistake decides nothing.
  ...bodyCases(BULK).filter(c => c.name !== 'bulk: ids is an array []'),
  ...idCasesBareAndWithBody(
    { label: 'renew', who: 'alice', path: id => `/certificates/${id}/renew` },
    { validityDays: 1e9 },
  ),
  ...idAndBodyCases(REVOKE, id => `/certificates/${id}/revoke`, {
    reason: 'superseded',
  }),
];

/** Every case once: where a family repeats a hand-written case, the latter stays. */
export const EVERY_CASE: BadInput[] = [
  ...SUBMIT_CASES,
  ...VALIDATE_CASES,
  ...ACTION_CASES,
  ...ENDPOINT_CASES,
].filter((c, i, all) => all.findIndex(o => o.name === c.name) === i);

/** Distinct case names per endpoint, by the prefix before the colon. */
export function casesPerEndpoint(cases: BadInput[]): Record<string, number> {
  const counts: Record<string, Set<string>> = {};
  for (const c of cases) {
    const m = /^(validate|cancel|decision|bulk|renew|revoke):/.exec(c.name);
    const endpoint = m ? m[1] : 'submit';
    (counts[endpoint] ??= new Set()).add(c.name);
  }
  return Object.fromEntries(
    Object.entries(counts).map(([k, v]) => [k, v.size]),
  );
}
