import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { CertificateStatus } from '@kubecerts/backstage-plugin-certificates-common';

export const STATUS_LABELS: Record<CertificateStatus, string> = {
  expired: 'Expired',
  'not-yet-valid': 'Not yet valid',
  critical: 'Critical',
  expiring: 'Expiring',
  valid: 'Valid',
  unparseable: 'Unparseable',
};

/** The order in which statuses are shown: worst first. */
export const STATUS_ORDER: CertificateStatus[] = [
  'expired',
  'critical',
  'expiring',
  'not-yet-valid',
  'unparseable',
  'valid',
];

/** Colours of the statuses in charts; the same hues as the status icons. */
export const STATUS_COLORS: Record<CertificateStatus, string> = {
  expired: '#b71c1c',
  critical: '#e53935',
  expiring: '#fb8c00',
  'not-yet-valid': '#8e24aa',
  unparseable: '#757575',
  valid: '#43a047',
};

/** A status with its icon and label, e.g. ✓ Valid. */
export const CertificateStatusText = (props: { status: CertificateStatus }) => {
  const label = STATUS_LABELS[props.status] ?? props.status;
  switch (props.status) {
    case 'valid':
      return <StatusOK>{label}</StatusOK>;
    case 'expiring':
      return <StatusWarning>{label}</StatusWarning>;
    case 'critical':
    case 'expired':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusPending>{label}</StatusPending>;
  }
};
