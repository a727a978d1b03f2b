import * as paths from './appPaths';

const {
  APPROVALS_PAGE_PATH,
  TRUST_PAGE_PATH,
  entityCertificatesPath,
  inventoryPath,
} = paths;

describe('app paths', () => {
  it('names the pages the frontend mounts', () => {
    expect(APPROVALS_PAGE_PATH).toBe('/certificates/approvals');
    expect(TRUST_PAGE_PATH).toBe('/certificates/trust');
    expect(inventoryPath()).toBe('/certificates');
  });

  it('opens a certificate in the inventory', () => {
    expect(inventoryPath({ certificateId: 'c 1', view: 'all' })).toBe(
      '/certificates?certificate=c+1&view=all',
    );
  });

  it("builds an entity's Certificates tab like the catalog's entity route", () => {
    expect(entityCertificatesPath('Component:Default/payments')).toBe(
      '/catalog/default/component/payments/certificates',
    );
    expect(
      entityCertificatesPath('component:team-a/pay ments', {
        certificateId: 'abc',
      }),
    ).toBe(
      '/catalog/team-a/component/pay%20ments/certificates?certificate=abc',
    );
    expect(entityCertificatesPath('not a ref:')).toBeUndefined();
  });
});
