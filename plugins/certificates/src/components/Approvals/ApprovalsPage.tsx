import { HeaderLabel, TabbedLayout } from '@backstage/core-components';
import { AuditView } from '../Audit';
import { LegacyPage } from '../common/LegacyPage';
import { ApprovalsQueue } from './ApprovalsQueue';
import { DecidedByMe } from './DecidedByMe';
import { usePendingApprovalsCount } from './usePendingApprovalsCount';

/** Pending count for page headers (the new frontend system's page header takes only a title). */
export const PendingApprovalsLabel = () => {
  const count = usePendingApprovalsCount();
  return (
    <HeaderLabel
      label="Waiting for you"
      value={count === undefined ? '—' : String(count)}
    />
  );
};

/** The approvers' page with its own header: queue, history and audit as tabs (legacy frontend system). */
export const ApprovalsPage = () => (
  <LegacyPage
    title="Approvals"
    subtitle="Certificate requests that policy did not approve automatically"
    labels={<PendingApprovalsLabel />}
  >
    <TabbedLayout>
      <TabbedLayout.Route path="/" title="Queue">
        <ApprovalsQueue />
      </TabbedLayout.Route>
      <TabbedLayout.Route path="/history" title="Decided by me">
        <DecidedByMe />
      </TabbedLayout.Route>
      <TabbedLayout.Route path="/audit" title="Audit">
        <AuditView />
      </TabbedLayout.Route>
    </TabbedLayout>
  </LegacyPage>
);
