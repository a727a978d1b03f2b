import { authorizingOwnership } from './ownershipAuthority';

const owned = {
  entityRef: 'component:default/web',
  ownerRef: 'group:default/team-web',
};

describe('authorizingOwnership', () => {
  it.each([
    'secret-label',
    'certificate-label',
    'ingress-label',
    'label-selector',
  ] as const)('an owner found through %s authorizes nothing', rule => {
    expect(authorizingOwnership({ ...owned, rule })).toEqual({});
  });

  it.each(['namespace-mapping', 'request'] as const)(
    'an owner found through %s does',
    rule => {
      expect(authorizingOwnership({ ...owned, rule })).toEqual(owned);
    },
  );

  it('nothing without a rule or an ownership', () => {
    expect(authorizingOwnership(owned)).toEqual({});
    expect(authorizingOwnership(undefined)).toEqual({});
  });
});
