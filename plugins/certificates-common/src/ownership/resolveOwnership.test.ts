import {
  buildEntityOwnershipIndex,
  resolveOwnership,
} from './resolveOwnership';
import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

const entities = buildEntityOwnershipIndex([
  {
    entityRef: 'component:default/payments',
    ownerRef: 'group:default/team-pay',
    annotations: { 'backstage.io/kubernetes-id': 'payments' },
  },
  {
    entityRef: 'component:default/checkout',
    ownerRef: 'group:default/team-shop',
    annotations: {
      'backstage.io/kubernetes-label-selector':
        'app=checkout,tier in (web,api)',
      'backstage.io/kubernetes-namespace': 'shop',
    },
  },
  {
    entityRef: 'component:default/search',
    annotations: { 'backstage.io/kubernetes-label-selector': 'app=search' },
  },
]);

describe('resolveOwnership', () => {
  it('uses the Secret label first', () => {
    expect(
      resolveOwnership({
        namespace: 'x',
        secretLabels: {
          'backstage.io/kubernetes-id': 'payments',
          app: 'search',
        },
        entities,
      }),
    ).toEqual({
      entityRef: 'component:default/payments',
      ownerRef: 'group:default/team-pay',
      rule: 'secret-label',
    });
  });

  it('then the owning Certificate, then a referencing Ingress', () => {
    expect(
      resolveOwnership({
        namespace: 'x',
        secretLabels: { 'backstage.io/kubernetes-id': 'unknown' },
        certificateLabels: { 'backstage.io/kubernetes-id': 'payments' },
        entities,
      }).rule,
    ).toBe('certificate-label');
    expect(
      resolveOwnership({
        namespace: 'x',
        ingressLabels: [{}, { 'backstage.io/kubernetes-id': 'payments' }],
        entities,
      }).rule,
    ).toBe('ingress-label');
  });

  it('then label selectors, restricted by namespace', () => {
    const labels = { app: 'checkout', tier: 'web' };
    expect(
      resolveOwnership({ namespace: 'shop', secretLabels: labels, entities }),
    ).toEqual({
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-shop',
      rule: 'label-selector',
    });
    expect(
      resolveOwnership({ namespace: 'other', secretLabels: labels, entities }),
    ).toEqual({});
    expect(
      resolveOwnership({
        namespace: 'any',
        ingressLabels: [{ app: 'search' }],
        entities,
      }).entityRef,
    ).toBe('component:default/search');
  });

  it('then namespace mappings, optionally per cluster', () => {
    const namespaceMappings = [
      { namespace: 'team-a-*', owner: 'group:default/team-a' },
      { namespace: 'infra', cluster: 'prod', owner: 'group:default/platform' },
    ];
    expect(
      resolveOwnership({
        namespace: 'team-a-dev',
        entities,
        namespaceMappings,
      }),
    ).toEqual({
      ownerRef: 'group:default/team-a',
      rule: 'namespace-mapping',
      entityRef: undefined,
    });
    expect(
      resolveOwnership({
        cluster: 'prod',
        namespace: 'infra',
        entities,
        namespaceMappings,
      }).ownerRef,
    ).toBe('group:default/platform');
    expect(
      resolveOwnership({
        cluster: 'dev',
        namespace: 'infra',
        entities,
        namespaceMappings,
      }),
    ).toEqual({});
  });

  it('is unowned otherwise', () => {
    expect(
      resolveOwnership({ namespace: 'x', secretLabels: { a: 'b' }, entities }),
    ).toEqual({});
  });
});

describe('label selectors', () => {
  it.each([
    ['app=a', { app: 'a' }, true],
    ['app==a', { app: 'b' }, false],
    ['app!=a', {}, true],
    ['env in (prod, staging)', { env: 'staging' }, true],
    ['env notin (prod)', { env: 'prod' }, false],
    ['legacy', { legacy: '' }, true],
    ['!legacy', { legacy: 'x' }, false],
    ['app=a,!legacy', { app: 'a' }, true],
  ])('%s on %j → %s', (selector, labels, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector)!, labels)).toBe(
      expected,
    );
  });

  it('rejects garbage', () => {
    expect(parseLabelSelector('a b c')).toBeUndefined();
    expect(parseLabelSelector('')).toBeUndefined();
  });
});
