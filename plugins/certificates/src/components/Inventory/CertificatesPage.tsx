import { Content, Header, Page } from '@backstage/core-components';
import { InventoryPage } from './InventoryPage';

/** The inventory with its own page header, for apps on the legacy frontend system. */
export const CertificatesPage = () => (
  <Page themeId="tool">
    <Header
      title="Certificates"
      subtitle="TLS certificates across all clusters: health, owners, findings"
    />
    <Content>
      <InventoryPage />
    </Content>
  </Page>
);
