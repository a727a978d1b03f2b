import { Entity } from '@backstage/catalog-model';
import { dns1123LabelProblem } from '../names/kubernetesNames';

const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';
const TEMPLATE = /\{\{\s*([\w.]+)\s*\}\}/g;
const SHOWN_VALUE_LENGTH = 70;

/**
 * A template's value taken from the catalog, or why it cannot be used. Only
 * a literal single label (RFC 1123, at most 63 characters) is a value:
 * catalog metadata describes an entity and must never widen what a policy
 * allows, so `*`, dots or an empty value never reach a pattern.
 */
export type TemplateValue = { value: string } | { problem: string };

/** Values of the `{{...}}` templates in policy patterns, by template name. */
export type TemplateContext = Readonly<Record<string, TemplateValue>>;

function shown(raw: string): string {
  return raw.length > SHOWN_VALUE_LENGTH
    ? `'${raw.slice(0, SHOWN_VALUE_LENGTH)}…'`
    : `'${raw}'`;
}

function literal(raw: string, what: string, kind: string): TemplateValue {
  const value = raw.toLowerCase();
  const problem = dns1123LabelProblem(value);
  return problem
    ? { problem: `${what} ${shown(raw)} is not a valid ${kind}: it ${problem}` }
    : { value };
}

/**
 * `entity.name`, `entity.namespace`, and `kubernetes.namespace` (the
 * entity's kubernetes-namespace annotation, else its catalog namespace),
 * lower-cased; a value that is not a single DNS label carries the reason.
 */
export function templateContext(entity: Entity): TemplateContext {
  const namespace = entity.metadata.namespace ?? 'default';
  const annotation =
    entity.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION];
  return {
    'entity.name': literal(
      entity.metadata.name,
      "the entity's name",
      'DNS label',
    ),
    'entity.namespace': literal(
      namespace,
      "the entity's namespace",
      'namespace name',
    ),
    'kubernetes.namespace':
      annotation === undefined
        ? literal(namespace, "the entity's namespace", 'namespace name')
        : literal(
            annotation,
            `the entity's ${KUBERNETES_NAMESPACE_ANNOTATION} annotation`,
            'namespace name',
          ),
  };
}

const WILDCARD = Symbol('wildcard');
type Part = string | typeof WILDCARD;

/**
 * A policy pattern with its templates filled in. A wildcard can only come
 * from the pattern as configured: a substituted value is a literal part of
 * its label whatever characters it holds.
 */
export interface ExpandedPattern {
  /** The pattern as shown in reasons, values filled in. */
  readonly text: string;
  /**
   * Whether a (lower-case) name matches. A label that is only `*` matches
   * exactly one label (a wildcard label included); a `*` inside a label
   * matches one or more characters within that label. A wildcard label `*`
   * in the name is matched only by a configured `*` label.
   */
  matches(name: string): boolean;
}

class LabelPattern implements ExpandedPattern {
  constructor(
    readonly text: string,
    /** Per DNS label, its literal parts and wildcards. */
    private readonly labels: readonly (readonly Part[])[],
  ) {}

  matches(name: string): boolean {
    const nameLabels = name.split('.');
    if (nameLabels.length !== this.labels.length) {
      return false;
    }
    return this.labels.every((parts, i) => labelMatches(nameLabels[i], parts));
  }

  toString(): string {
    return this.text;
  }
}

function labelMatches(label: string, parts: readonly Part[]): boolean {
  if (parts.length === 1 && parts[0] === WILDCARD) {
    return label.length > 0;
  }
  if (label === '*') {
    return false;
  }
  if (!parts.includes(WILDCARD)) {
    return parts.join('') === label;
  }
  const source = parts
    .map(p => (p === WILDCARD ? '[a-z0-9-]+' : escapeRegExp(p)))
    .join('');
  return new RegExp(`^${source}$`).test(label);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class PatternBuilder {
  private text = '';
  private readonly labels: Part[][] = [[]];

  addConfigured(configured: string): void {
    const lower = configured.toLowerCase();
    this.text += lower;
    for (const char of lower) {
      if (char === '.') {
        this.labels.push([]);
      } else {
        this.labels[this.labels.length - 1].push(
          char === '*' ? WILDCARD : char,
        );
      }
    }
  }

  /** A value is one literal part, even if it held `.` or `*`. */
  addLiteral(value: string): void {
    this.text += value;
    this.labels[this.labels.length - 1].push(value);
  }

  build(): ExpandedPattern {
    return new LabelPattern(this.text, this.labels);
  }
}

/** A pattern expanded, or why it could not be. */
export type PatternExpansion =
  | { pattern: ExpandedPattern; problem?: undefined }
  | { pattern?: undefined; problem: string };

/**
 * Fills in a pattern's templates. It does not expand when a template is
 * unknown or its catalog value is not a literal label; the problem says why.
 */
export function expandPattern(
  pattern: string,
  context: TemplateContext,
): PatternExpansion {
  const builder = new PatternBuilder();
  let last = 0;
  for (const match of pattern.matchAll(TEMPLATE)) {
    builder.addConfigured(pattern.slice(last, match.index));
    last = match.index + match[0].length;
    const value = Object.prototype.hasOwnProperty.call(context, match[1])
      ? context[match[1]]
      : undefined;
    if (!value) {
      return {
        problem: `pattern ${pattern} uses the unknown template {{${match[1]}}}`,
      };
    }
    if ('problem' in value) {
      return { problem: value.problem };
    }
    builder.addLiteral(value.value);
  }
  builder.addConfigured(pattern.slice(last));
  return { pattern: builder.build() };
}

/**
 * Expands a policy's patterns. Those that do not expand are left out (so
 * they allow nothing), and the distinct reasons are returned with them.
 */
export function expandPatterns(
  patterns: readonly string[],
  context: TemplateContext,
): { patterns: ExpandedPattern[]; problems: string[] } {
  const expanded: ExpandedPattern[] = [];
  const problems = new Set<string>();
  for (const p of patterns) {
    const result = expandPattern(p, context);
    if (result.pattern) {
      expanded.push(result.pattern);
    } else {
      problems.add(result.problem);
    }
  }
  return { patterns: expanded, problems: [...problems] };
}

/**
 * The reasons of patterns that did not expand, to append to a verdict that
 * refuses a value because no pattern allowed it ('' when there are none).
 */
export function unexpandedPatternsReason(problems: readonly string[]): string {
  return problems.length ? `; ${problems.join('; ')}` : '';
}

/** A pattern's text with its templates filled in; undefined when it does not expand. */
export function expandTemplate(
  pattern: string,
  context: TemplateContext,
): string | undefined {
  return expandPattern(pattern, context).pattern?.text;
}

/**
 * Whether a (lower-case) name matches a pattern: an expanded one (values
 * literal), or configured text without templates, whose `*` are wildcards.
 */
export function matchesPattern(
  name: string,
  pattern: string | ExpandedPattern,
): boolean {
  if (typeof pattern !== 'string') {
    return pattern.matches(name);
  }
  const builder = new PatternBuilder();
  builder.addConfigured(pattern);
  return builder.build().matches(name);
}
