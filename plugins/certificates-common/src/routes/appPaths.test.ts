import * as paths from './appPaths';

describe('app paths', () => {
  it('names the pages the frontend mounts', () => {
    expect(paths.APPROVALS_PAGE_PATH).toBe('/certificates/approvals');
    expect(paths.TRUST_PAGE_PATH).toBe('/certificates/trust');
    expect(paths.inventoryPath()).toBe('/certificates');
  });

  it('opens a certificate in the inventory', () => {
    expect(paths.inventoryPath({ certificateId: 'c 1', view: 'all' })).toBe(
      '/certificates?certificate=c+1&view=all',
    );
  });

  it("builds an entity's Certificates tab like the catalog's entity route", () => {
    expect(paths.entityCertificatesPath('Component:Default/payments')).toBe(
      '/catalog/default/component/payments/certificates',
    );
    expect(
      paths.entityCertificatesPath('component:team-a/pay ments', {
        certificateId: 'abc',
      }),
    ).toBe(
      '/catalog/team-a/component/pay%20ments/certificates?certificate=abc',
    );
    expect(paths.entityCertificatesPath('not a ref:')).toBeUndefined();
  });
});
