import { NotificationLinks } from './links';

describe('NotificationLinks', () => {
  it('makes absolute links from app.baseUrl and the frontend paths', () => {
    const links = NotificationLinks.create({
      appBaseUrl: 'https://portal.example.com/backstage/',
    });
    expect(links.approvals()).toBe(
      'https://portal.example.com/backstage/certificates/approvals',
    );
    expect(links.request({ entityRef: 'component:default/payments' })).toBe(
      'https://portal.example.com/backstage/catalog/default/component/payments/certificates',
    );
    expect(
      links.certificate({ id: 'c1', entityRef: 'component:default/payments' }),
    ).toBe(
      'https://portal.example.com/backstage/catalog/default/component/payments/certificates?certificate=c1',
    );
    expect(links.certificate({ id: 'c1' })).toBe(
      'https://portal.example.com/backstage/certificates?certificate=c1&view=all',
    );
  });

  it('stays relative without a base URL, for the notifications page to resolve', () => {
    const links = NotificationLinks.create();
    expect(links.approvals()).toBe('/certificates/approvals');
    expect(links.request({ entityRef: 'nonsense:' })).toBe('/certificates');
  });
});
