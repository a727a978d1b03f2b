import {
  expandPattern,
  expandPatterns,
  expandTemplate,
  matchesPattern,
  templateContext,
  unexpandedPatternsReason,
} from './templates';
import { componentEntity } from './__testUtils__/componentEntity';

const component = (
  name: string,
  options: { namespace?: string; kubernetesNamespace?: string } = {},
) => componentEntity({ name, ...options });

describe('templateContext', () => {
  it('takes literal labels from the catalog, lower-cased', () => {
    expect(
      templateContext(
        component('Payments-API', {
          namespace: 'shop',
          kubernetesNamespace: 'Payments-Prod',
        }),
      ),
    ).toEqual({
      'entity.name': { value: 'payments-api' },
      'entity.namespace': { value: 'shop' },
      'kubernetes.namespace': { value: 'payments-prod' },
    });
    expect(templateContext(component('web'))['kubernetes.namespace']).toEqual({
      value: 'default',
    });
  });

  it.each([
    ['*', /annotation '\*' is not a valid namespace name/],
    ['kube-*', /annotation 'kube-\*' is not a valid namespace name/],
    ['a.b', /annotation 'a\.b' is not a valid namespace name/],
    ['..', /annotation '\.\.' is not a valid namespace name/],
    ['', /annotation '' is not a valid namespace name: it is empty/],
    ['{{entity.name}}', /annotation '\{\{entity\.name\}\}' is not a valid/],
    [' kube-system', /is not a valid namespace name/],
    ['a'.repeat(64), /is longer than 63 characters/],
  ])('gives no value for the annotation %p', (annotation, reason) => {
    const value = templateContext(
      component('web', { kubernetesNamespace: annotation }),
    )['kubernetes.namespace'];
    expect(value).not.toHaveProperty('value');
    expect(value).toEqual({
      problem: expect.stringMatching(
        /^the entity's backstage\.io\/kubernetes-namespace annotation/,
      ),
    });
    expect((value as { problem: string }).problem).toMatch(reason);
  });

  it('gives no value for an entity name that is not a DNS label', () => {
    expect(templateContext(component('a.b'))['entity.name']).toEqual({
      problem: expect.stringMatching(
        /^the entity's name 'a\.b' is not a valid DNS label/,
      ),
    });
    expect(
      templateContext(component('my_service'))['entity.name'],
    ).toHaveProperty('problem');
  });
});

describe('expandPattern', () => {
  const context = templateContext(
    component('payments', { kubernetesNamespace: 'payments-prod' }),
  );

  it('fills in literal values', () => {
    expect(expandTemplate('*.{{entity.name}}.Example.com', context)).toBe(
      '*.payments.example.com',
    );
    expect(expandTemplate('{{ kubernetes.namespace }}', context)).toBe(
      'payments-prod',
    );
    expect(
      expandPattern('{{entity.name}}-*.example.com', context).pattern?.matches(
        'payments-1.example.com',
      ),
    ).toBe(true);
  });

  it('does not expand an unknown template', () => {
    expect(
      expandPattern('{{constructor}}.example.com', context).problem,
    ).toMatch(/unknown template \{\{constructor\}\}/);
    expect(expandPattern('{{entity.owner}}.example.com', context)).toEqual({
      problem:
        'pattern {{entity.owner}}.example.com uses the unknown template {{entity.owner}}',
    });
  });

  it.each(['*', 'kube-*', 'a.b', '..', '', '{{'])(
    'does not expand {{kubernetes.namespace}} from the annotation %p',
    annotation => {
      const bad = templateContext(
        component('web', { kubernetesNamespace: annotation }),
      );
      const result = expandPattern('{{kubernetes.namespace}}', bad);
      expect(result.pattern).toBeUndefined();
      expect(result.problem).toMatch(/is not a valid namespace name/);
      expect(expandTemplate('{{kubernetes.namespace}}', bad)).toBeUndefined();
    },
  );

  it('lets no annotation allow delivery to kube-system', () => {
    for (const annotation of ['*', 'kube-*', 'kube-system.', '*.*']) {
      const bad = templateContext(
        component('web', { kubernetesNamespace: annotation }),
      );
      const { patterns, problems } = expandPatterns(
        ['{{kubernetes.namespace}}'],
        bad,
      );
      expect(patterns).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(patterns.some(p => p.matches('kube-system'))).toBe(false);
    }
  });

  it('keeps the patterns that expand and says why the others do not', () => {
    const bad = templateContext(component('a.b', { kubernetesNamespace: '*' }));
    const { patterns, problems } = expandPatterns(
      [
        '{{entity.name}}.example.com',
        '*.{{entity.name}}.example.com',
        'static.example.com',
      ],
      bad,
    );
    expect(patterns.map(p => p.text)).toEqual(['static.example.com']);
    expect(problems).toEqual([
      "the entity's name 'a.b' is not a valid DNS label: it must consist of lower-case letters, digits and -, and start and end with a letter or digit",
    ]);
    expect(unexpandedPatternsReason(problems)).toBe(`; ${problems[0]}`);
    expect(unexpandedPatternsReason([])).toBe('');
  });
});

describe('matchesPattern', () => {
  it('matches * as exactly one label', () => {
    expect(
      matchesPattern('a.payments.example.com', '*.payments.example.com'),
    ).toBe(true);
    expect(
      matchesPattern('*.payments.example.com', '*.payments.example.com'),
    ).toBe(true);
    expect(
      matchesPattern('a.b.payments.example.com', '*.payments.example.com'),
    ).toBe(false);
    expect(
      matchesPattern('payments.example.com', '*.payments.example.com'),
    ).toBe(false);
    expect(matchesPattern('web-1.example.com', 'web-*.example.com')).toBe(true);
    expect(matchesPattern('web.example.com', 'web-*.example.com')).toBe(false);
    expect(matchesPattern('*.example.com', 'web-*.example.com')).toBe(false);
  });

  it('treats substituted text literally, whatever it holds', () => {
    // Values with * or . never get this far (templateContext refuses them);
    // the matcher holds on its own all the same.
    const forged = (template: string, key: string, value: string) =>
      expandPattern(template, { [key]: { value } }).pattern!;
    const namespace = '{{kubernetes.namespace}}';
    const star = forged(namespace, 'kubernetes.namespace', '*');
    expect(star.text).toBe('*');
    expect(star.matches('kube-system')).toBe(false);
    expect(star.matches('*')).toBe(false);

    const prefix = forged(namespace, 'kubernetes.namespace', 'kube-*');
    expect(prefix.matches('kube-system')).toBe(false);

    const dotted = forged('{{entity.name}}.example.com', 'entity.name', 'a.b');
    expect(dotted.matches('a.b.example.com')).toBe(false);
    expect(dotted.matches('x.example.com')).toBe(false);

    const regex = forged('{{entity.name}}-*.example.com', 'entity.name', '.+');
    expect(regex.matches('anything-1.example.com')).toBe(false);
  });

  it('keeps the wildcards of the configured pattern around a value', () => {
    const context = templateContext(component('web'));
    const pattern = expandPattern('*.{{entity.name}}-*.example.com', context)
      .pattern!;
    expect(pattern.matches('a.web-1.example.com')).toBe(true);
    expect(pattern.matches('a.web.example.com')).toBe(false);
    expect(pattern.matches('a.api-1.example.com')).toBe(false);
    expect(String(pattern)).toBe('*.web-*.example.com');
  });
});
