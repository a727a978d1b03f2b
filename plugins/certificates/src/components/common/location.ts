import {
  CertificateLocation,
  CertificateSummary,
  DEFAULT_CERTIFICATE_LOCATION,
} from '@kubecerts/backstage-plugin-certificates-common';

const LOCATION_LABELS: Record<string, string> = {
  cluster: 'Cluster',
  portal: 'Portal',
  endpoint: 'Endpoint',
};

/** The locations the filter offers; the API accepts others a later release adds. */
export const KNOWN_LOCATIONS = Object.keys(LOCATION_LABELS);

/** A location as people read it; one this version does not know, as it is. */
export function locationLabel(location: CertificateLocation): string {
  return LOCATION_LABELS[location] ?? location;
}

/**
 * Where a certificate is, for a table cell: its cluster, or its location
 * when it is in none (the portal's certificates issued to a CSR).
 */
export function whereText(
  row: Pick<CertificateSummary, 'cluster' | 'location'>,
): string {
  return (
    row.cluster ?? locationLabel(row.location ?? DEFAULT_CERTIFICATE_LOCATION)
  );
}
