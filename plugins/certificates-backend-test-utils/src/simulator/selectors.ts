import { StatusError, statusErrors } from './status';

/** A parsed label or field selector: an object matches when every requirement does. */
export type Selector = (obj: any) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

const KEY =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

function invalidLabel(selector: string, why: string): StatusError {
  return statusErrors.badRequest(
    `unable to parse requirement: ${why} (in selector "${selector}")`,
  );
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map(t => t.trim()).filter(t => t.length > 0);
}

function checkKey(selector: string, key: string) {
  if (!KEY.test(key))
    throw invalidLabel(selector, `invalid label key "${key}"`);
}

function checkValue(selector: string, value: string) {
  if (!VALUE.test(value) || value.length > 63) {
    throw invalidLabel(selector, `invalid label value: "${value}"`);
  }
}

function parseLabelTerm(selector: string, term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key, op, list] = set;
    checkKey(selector, key);
    const values = list.split(',').map(v => v.trim());
    values.forEach(v => checkValue(selector, v));
    return op === 'in'
      ? labels => key in labels && values.includes(labels[key])
      : labels => !(key in labels) || !values.includes(labels[key]);
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (eq) {
    const [, key, op, value] = eq;
    checkKey(selector, key);
    checkValue(selector, value);
    return op === '!='
      ? labels => labels[key] !== value
      : labels => labels[key] === value;
  }
  const notExists = /^!\s*(\S+)$/.exec(term);
  if (notExists) {
    checkKey(selector, notExists[1]);
    return labels => !(notExists[1] in labels);
  }
  if (!/\s/.test(term)) {
    checkKey(selector, term);
    return labels => term in labels;
  }
  throw invalidLabel(
    selector,
    `found '${term}', expected: in, notin, =, ==, !=`,
  );
}

/** Parses a label selector (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`). */
export function parseLabelSelector(selector: string | undefined): Selector {
  if (!selector || !selector.trim()) return () => true;
  const requirements = splitTerms(selector).map(t =>
    parseLabelTerm(selector, t),
  );
  return obj => {
    const labels = (obj?.metadata?.labels ?? {}) as Record<string, string>;
    return requirements.every(r => r(labels));
  };
}

/**
 * Parses a field selector (`f=v`, `f==v`, `f!=v`) against the fields a resource
 * supports; unknown fields are rejected as a real server does.
 */
export function parseFieldSelector(
  selector: string | undefined,
  fieldLabels: Record<string, (obj: any) => string | undefined>,
): Selector {
  if (!selector || !selector.trim()) return () => true;
  const fields: Record<string, (obj: any) => string | undefined> = {
    'metadata.name': obj => obj.metadata?.name,
    'metadata.namespace': obj => obj.metadata?.namespace ?? '',
    ...fieldLabels,
  };
  const requirements = splitTerms(selector).map(term => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) {
      throw statusErrors.badRequest(
        `invalid selector: '${selector}'; can't understand '${term}'`,
      );
    }
    const [, rawField, op, value] = m;
    const field = rawField.trim();
    const read = fields[field];
    if (!read) {
      throw statusErrors.badRequest(`field label not supported: ${field}`);
    }
    return op === '!='
      ? (obj: any) => (read(obj) ?? '') !== value
      : (obj: any) => (read(obj) ?? '') === value;
  });
  return obj => requirements.every(r => r(obj));
}
