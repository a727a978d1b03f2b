import { screen } from '@testing-library/react';
import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis } from '@backstage/test-utils';
import {
  installFakeBackend,
  makeSummary,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { rootRouteRef } from '../../routes';
import { MyCertificatesCard } from './MyCertificatesCard';

const backend = installFakeBackend();

const renderCard = (ownershipEntityRefs: string[]) =>
  renderWithBackend(<MyCertificatesCard />, {
    mountedRoutes: { '/certificates': rootRouteRef },
    apis: [
      [
        identityApiRef,
        mockApis.identity({
          userEntityRef: 'user:default/alice',
          ownershipEntityRefs,
        }),
      ],
    ],
  });

describe('MyCertificatesCard', () => {
  it("lists the user's expiring, expired, weak and untrusted certificates, soonest first", async () => {
    backend.certificates = [
      makeSummary(1, { commonName: 'fine.example.com' }),
      makeSummary(2, {
        commonName: 'expiring.example.com',
        status: 'expiring',
      }),
      makeSummary(0, { commonName: 'expired.example.com', status: 'expired' }),
      makeSummary(9, {
        commonName: 'weak.example.com',
        findings: ['weak-key', 'validity-too-long'],
      }),
      makeSummary(3, {
        commonName: 'other-team.example.com',
        status: 'expired',
        ownerRef: 'group:default/team-b',
      }),
    ];
    await renderCard(['user:default/alice', 'group:default/team-a']);
    const list = await screen.findByRole('list', {
      name: 'Certificates that need attention',
    });
    const names = Array.from(list.querySelectorAll('li')).map(
      li => li.textContent,
    );
    expect(names).toHaveLength(3);
    expect(names[0]).toContain('expired.example.com');
    expect(names[1]).toContain('expiring.example.com');
    expect(names[2]).toContain('weak.example.com');
    expect(screen.getByText('Weak key')).toBeInTheDocument();
    expect(screen.queryByText('fine.example.com')).not.toBeInTheDocument();
    expect(screen.queryByText(/other-team/)).not.toBeInTheDocument();
    // Only the user's own refs are asked for; the backend applies read permissions.
    for (const url of backend.requests('/certificates')) {
      expect(url.searchParams.getAll('owner')).toEqual([
        'user:default/alice',
        'group:default/team-a',
      ]);
    }
    expect(
      screen.getByRole('link', { name: 'Open the inventory' }),
    ).toHaveAttribute(
      'href',
      '/certificates?owner=user%3Adefault%2Falice&owner=group%3Adefault%2Fteam-a',
    );
  });

  it('says so when nothing needs attention', async () => {
    backend.certificates = [makeSummary(1)];
    await renderCard(['group:default/team-a']);
    expect(
      await screen.findByText(/Nothing needs attention/),
    ).toBeInTheDocument();
  });

  it('asks for nothing when the user owns nothing', async () => {
    backend.certificates = [makeSummary(1, { status: 'expired' })];
    await renderCard([]);
    expect(
      await screen.findByText(/Nothing needs attention/),
    ).toBeInTheDocument();
    expect(backend.requests('/certificates')).toHaveLength(0);
  });
});
