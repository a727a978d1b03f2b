import {
  LabelRequirement,
  matchesLabelSelector,
  parseLabelSelector as parseLabelRequirements,
} from '@kubecerts/backstage-plugin-certificates-common';
import { StatusError, statusErrors } from './status';

/** A parsed label or field selector: an object matches when every requirement does. */
export type Selector = (obj: any) => boolean;

const KEY =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

function invalidLabel(selector: string, why: string): StatusError {
  return statusErrors.badRequest(
    `unable to parse requirement: ${why} (in selector "${selector}")`,
  );
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

// The syntax is the one -common reads from the kubernetes-label-selector
// annotation; the key and value rules on top are the API server's.
function checkRequirement(selector: string, r: LabelRequirement) {
  checkKey(selector, r.key);
  if ('value' in r) checkValue(selector, r.value);
  if ('values' in r) r.values.forEach(v => checkValue(selector, v));
}

/** Parses a label selector (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`). */
export function parseLabelSelector(selector: string | undefined): Selector {
  if (!selector || !selector.trim()) return () => true;
  const requirements = parseLabelRequirements(selector);
  if (!requirements) {
    throw invalidLabel(
      selector,
      'expected: <key> in (...), notin (...), =, ==, !=, <key> or !<key>',
    );
  }
  requirements.forEach(r => checkRequirement(selector, r));
  return obj => matchesLabelSelector(requirements, obj?.metadata?.labels);
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
  // Field selectors have no set-based terms, so no comma is inside parentheses.
  const terms = selector
    .split(',')
    .map(t => t.trim())
    .filter(t => t.length > 0);
  const requirements = terms.map(term => {
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
