import { screen, within } from '@testing-library/react';
import {
  installFakeBackend,
  makeSecretAndEndpoint,
  makeSummary,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { StoredAndServed } from './StoredAndServed';

const backend = installFakeBackend();
const scope = { entityRef: ['component:default/payments'] };

describe('StoredAndServed', () => {
  it('shows each Secret beside what its endpoints serve, with their findings', async () => {
    backend.certificates = makeSecretAndEndpoint({
      secret: { fingerprintSha256: 'bb'.repeat(32) },
      endpoint: {
        fingerprintSha256: 'aa'.repeat(32),
        findings: ['served-outdated'],
      },
    });
    await renderWithBackend(<StoredAndServed scope={scope} />);
    const table = await screen.findByTestId('stored-and-served');
    const [, row] = within(table).getAllByRole('row');
    expect(within(row).getByText('prod payments/web-tls')).toBeInTheDocument();
    expect(within(row).getByText('web.example.com:443')).toBeInTheDocument();
    expect(within(row).getByText(/^aaaaaaaaaaaa…/)).toBeInTheDocument();
    expect(within(row).getByText(/^bbbbbbbbbbbb…/)).toBeInTheDocument();
    expect(
      within(row).getByText('Outdated certificate served'),
    ).toBeInTheDocument();
  });

  it('shows nothing when the entity has no scanned endpoints', async () => {
    backend.certificates = [makeSummary(1)];
    await renderWithBackend(<StoredAndServed scope={scope} />);
    await new Promise(r => setTimeout(r, 50));
    expect(screen.queryByTestId('stored-and-served')).not.toBeInTheDocument();
    expect(backend.requests('/certificates')).toHaveLength(1);
  });
});
