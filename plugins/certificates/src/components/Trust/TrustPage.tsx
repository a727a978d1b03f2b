import { LegacyPage } from '../common/LegacyPage';
import { TrustView } from './TrustView';

/** The root of trust with its own page header, for apps on the legacy frontend system. */
export const TrustPage = () => (
  <LegacyPage
    title="Root of trust"
    subtitle="Approved roots, their changes, and where the bundle is distributed"
  >
    <TrustView />
  </LegacyPage>
);
