import { fireEvent, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DemoSignInPage, SIGN_IN_AS_KEY } from './DemoSignInPage';

jest.mock('@backstage/core-components', () => {
  const actual = jest.requireActual('@backstage/core-components');
  return {
    ...actual,
    ProxiedSignInPage: (props: {
      provider: string;
      headers?: Record<string, string>;
    }) => (
      <div>
        proxied:{props.provider}:
        {props.headers?.['x-certificates-demo-user'] ?? ''}
      </div>
    ),
  };
});

describe('DemoSignInPage', () => {
  beforeEach(() => window.localStorage.clear());

  it('remembers the chosen example user and signs in through the demo provider', async () => {
    await renderInTestApp(<DemoSignInPage onSignInSuccess={jest.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in as Sam' }));
    expect(window.localStorage.getItem(SIGN_IN_AS_KEY)).toBe('sam');
    expect(screen.getByText('proxied:demo:sam')).toBeInTheDocument();
  });

  it('signs in as guest through the guest provider', async () => {
    await renderInTestApp(<DemoSignInPage onSignInSuccess={jest.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Enter as guest' }));
    expect(screen.getByText('proxied:guest:')).toBeInTheDocument();
  });

  it('goes straight to sign-in when a user was chosen before', async () => {
    window.localStorage.setItem(SIGN_IN_AS_KEY, 'alice');
    await renderInTestApp(<DemoSignInPage onSignInSuccess={jest.fn()} />);
    expect(screen.getByText('proxied:demo:alice')).toBeInTheDocument();
  });
});
