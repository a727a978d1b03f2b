import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { IdentityApi } from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

/** localStorage key holding who this browser signs in as. */
export const SIGN_IN_AS_KEY = 'certificates.signInAs';

/** The example users of examples/org.yaml, for development sign-in. */
export const EXAMPLE_USERS = [
  { name: 'alice', title: 'Alice', team: 'Payments team (developer)' },
  { name: 'bob', title: 'Bob', team: 'Payments team (owner)' },
  { name: 'carol', title: 'Carol', team: 'Storefront team (developer)' },
  { name: 'sam', title: 'Sam', team: 'Security team (approver)' },
  { name: 'sasha', title: 'Sasha', team: 'Security team (approver)' },
];

function withSignOutReset(api: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => api.getProfileInfo(),
    getBackstageIdentity: () => api.getBackstageIdentity(),
    getCredentials: () => api.getCredentials(),
    signOut: async () => {
      window.localStorage.removeItem(SIGN_IN_AS_KEY);
      await api.signOut();
    },
  };
}

/**
 * Sign-in for the demo portal: guest, or one of the example users so that a
 * requester and an approver can be shown side by side. Production apps use
 * their real sign-in page instead.
 */
export const DemoSignInPage = (props: SignInPageProps) => {
  const [choice, setChoice] = useState<string | null>(() =>
    window.localStorage.getItem(SIGN_IN_AS_KEY),
  );
  const onSignInSuccess = (api: IdentityApi) =>
    props.onSignInSuccess(withSignOutReset(api));

  if (choice === 'guest') {
    return (
      <ProxiedSignInPage onSignInSuccess={onSignInSuccess} provider="guest" />
    );
  }
  if (choice) {
    return (
      <ProxiedSignInPage
        onSignInSuccess={onSignInSuccess}
        provider="demo"
        headers={{ 'x-certificates-demo-user': choice }}
      />
    );
  }
  const pick = (name: string) => {
    window.localStorage.setItem(SIGN_IN_AS_KEY, name);
    setChoice(name);
  };
  return (
    <Page themeId="home">
      <Header title="Certificates portal" subtitle="Sign in" />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={4}>
            <InfoCard title="Guest">
              <Typography paragraph>
                Look around as a guest member of the Payments team.
              </Typography>
              <Button
                variant="contained"
                color="primary"
                onClick={() => pick('guest')}
              >
                Enter as guest
              </Button>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard title="Example users (development only)">
              <Grid container spacing={2}>
                {EXAMPLE_USERS.map(user => (
                  <Grid item xs={12} sm={6} key={user.name}>
                    <Button
                      variant="outlined"
                      fullWidth
                      onClick={() => pick(user.name)}
                      aria-label={`Sign in as ${user.title}`}
                    >
                      {user.title} — {user.team}
                    </Button>
                  </Grid>
                ))}
              </Grid>
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
