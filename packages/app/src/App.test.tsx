import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  beforeEach(() => window.localStorage.clear());

  it('starts on the sign-in page offering guest and the example users', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    expect(
      await screen.findByRole(
        'button',
        { name: 'Enter as guest' },
        { timeout: 15000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as Sam' }),
    ).toBeInTheDocument();
  });
});
