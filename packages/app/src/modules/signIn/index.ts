import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { DemoSignInPage } from './DemoSignInPage';

const signInPage = SignInPageBlueprint.make({
  params: {
    // In the first bundle, not a chunk of its own: every page load signs in
    // first, and a lazy chunk put one more round trip before the session.
    loader: async () => DemoSignInPage,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
