import { CertificateSummary } from '@kubecerts/backstage-plugin-certificates-common';

/**
 * One CSV cell: quoted when needed, and a leading = + - @ or control
 * character is neutralised so spreadsheets never run it as a formula.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS: Array<[string, (c: CertificateSummary) => unknown]> =
  [
    ['id', c => c.id],
    ['cluster', c => c.cluster],
    ['namespace', c => c.namespace],
    ['secret', c => c.secretName],
    ['commonName', c => c.commonName],
    ['dnsNames', c => c.dnsNames.join(' ')],
    ['issuer', c => c.issuer],
    ['notBefore', c => c.notBefore],
    ['notAfter', c => c.notAfter],
    ['status', c => c.status],
    ['findings', c => c.findings.join(' ')],
    ['keyAlgorithm', c => c.keyAlgorithm],
    ['keySize', c => c.keySize ?? c.curve],
    ['fingerprintSha256', c => c.fingerprintSha256],
    ['entityRef', c => c.entityRef],
    ['ownerRef', c => c.ownerRef],
    ['goneAt', c => c.goneAt],
    ['firstSeenAt', c => c.firstSeenAt],
    ['lastSeenAt', c => c.lastSeenAt],
    // Last, so that readers of the columns before it read them as before.
    ['location', c => c.location],
  ];

export function csvHeader(): string {
  return `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;
}

export function csvRow(c: CertificateSummary): string {
  return `${CSV_COLUMNS.map(([, get]) => csvCell(get(c))).join(',')}\r\n`;
}
