import { Entity } from '@backstage/catalog-model';
import { CertificatePolicy, PolicySelector } from '../policyTypes';
import { selectPolicy, selectorMatches } from './selectPolicy';

function component(namespace: string, spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'web', namespace },
    spec: { type: 'service', ...spec },
  };
}

function policy(name: string, selector: PolicySelector): CertificatePolicy {
  return { name, selector, allowedDnsNames: [] };
}

describe('selectorMatches', () => {
  it('reads a bare system name as system:default/<name>', () => {
    const shop = policy('shop', { system: ['shop'] });
    expect(
      selectorMatches(shop.selector, component('default', { system: 'shop' })),
    ).toBe(true);
    expect(
      selectorMatches(
        shop.selector,
        component('default', { system: 'system:default/shop' }),
      ),
    ).toBe(true);
  });

  it('does not select a system of the same name in another namespace', () => {
    const shop = policy('shop', { system: ['shop'] });
    // spec.system is relative to the entity's namespace: system:other/shop.
    const elsewhere = component('other', { system: 'shop' });
    expect(selectorMatches(shop.selector, elsewhere)).toBe(false);
    expect(
      selectorMatches(
        shop.selector,
        component('default', { system: 'system:other/shop' }),
      ),
    ).toBe(false);
    expect(selectorMatches({ system: ['system:other/shop'] }, elsewhere)).toBe(
      true,
    );
    expect(selectorMatches({ system: ['System:Other/Shop'] }, elsewhere)).toBe(
      true,
    );
  });

  it('compares owners as full refs', () => {
    const teamA = { owner: ['team-a'] };
    expect(
      selectorMatches(teamA, component('default', { owner: 'team-a' })),
    ).toBe(true);
    expect(
      selectorMatches(
        teamA,
        component('default', { owner: 'group:default/team-a' }),
      ),
    ).toBe(true);
    expect(
      selectorMatches(teamA, component('other', { owner: 'team-a' })),
    ).toBe(false);
    expect(
      selectorMatches(teamA, component('default', { owner: 'user:team-a' })),
    ).toBe(false);
    expect(
      selectorMatches(
        { owner: ['group:other/team-a'] },
        component('other', { owner: 'team-a' }),
      ),
    ).toBe(true);
  });

  it('matches no owner or system that is missing or not a ref', () => {
    expect(
      selectorMatches({ owner: ['team-a'] }, component('default', {})),
    ).toBe(false);
    expect(
      selectorMatches({ system: [''] }, component('default', { system: '' })),
    ).toBe(false);
    expect(
      selectorMatches({ owner: [':'] }, component('default', { owner: ':' })),
    ).toBe(false);
    expect(
      selectorMatches(
        { system: ['shop'] },
        component('default', { system: 42 }),
      ),
    ).toBe(false);
  });
});

describe('selectPolicy', () => {
  it("gives another namespace's entity the next policy, not the one for a namesake system", () => {
    const policies = [
      policy('shop', { system: ['shop'] }),
      policy('fallback', {}),
    ];
    expect(
      selectPolicy(policies, component('default', { system: 'shop' }))?.name,
    ).toBe('shop');
    expect(
      selectPolicy(policies, component('other', { system: 'shop' }))?.name,
    ).toBe('fallback');
    expect(
      selectPolicy(
        policies.slice(0, 1),
        component('other', { system: 'shop' }),
      ),
    ).toBe(undefined);
  });
});
