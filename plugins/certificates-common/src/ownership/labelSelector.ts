/** One requirement of a Kubernetes label selector. */
export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

/**
 * Parses a label selector string (`app=x,tier in (a,b),!legacy`), as written
 * in the `backstage.io/kubernetes-label-selector` annotation. Returns
 * undefined when the string is not a valid selector.
 */
export function parseLabelSelector(
  selector: string,
): LabelRequirement[] | undefined {
  const out: LabelRequirement[] = [];
  for (const part of splitTopLevel(selector)) {
    let m = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m) {
      out.push({
        key: m[1],
        op: m[2] as 'in' | 'notin',
        values: m[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      });
      continue;
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    if (m) {
      out.push({ key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] });
      continue;
    }
    m = /^(!?)([\w./-]+)$/.exec(part);
    if (m) {
      out.push({ key: m[2], op: m[1] ? 'notexists' : 'exists' });
      continue;
    }
    return undefined;
  }
  return out.length > 0 ? out : undefined;
}

/** Whether labels satisfy every requirement. */
export function matchesLabelSelector(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      default:
        return false;
    }
  });
}
