import { Content, Header, Page } from '@backstage/core-components';
import { TrustView } from './TrustView';

/** The root of trust with its own page header, for apps on the legacy frontend system. */
export const TrustPage = () => (
  <Page themeId="tool">
    <Header
      title="Root of trust"
      subtitle="Approved roots, their changes, and where the bundle is distributed"
    />
    <Content>
      <TrustView />
    </Content>
  </Page>
);
