import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { LegacyPage } from './LegacyPage';

describe('LegacyPage', () => {
  it('shows the title, subtitle and labels in the header, and the content below', async () => {
    await renderInTestApp(
      <LegacyPage
        title="Root of trust"
        subtitle="Approved roots"
        labels={<span>Waiting for you: 2</span>}
      >
        <p>the view</p>
      </LegacyPage>,
    );
    expect(
      screen.getByRole('heading', { name: 'Root of trust' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Approved roots')).toBeInTheDocument();
    expect(screen.getByText('Waiting for you: 2')).toBeInTheDocument();
    expect(screen.getByText('the view')).toBeInTheDocument();
  });
});
