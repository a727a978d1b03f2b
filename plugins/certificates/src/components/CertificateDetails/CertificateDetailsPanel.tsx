import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { StatusError, StatusOK } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { CertificateDetailsWithActions, certificatesApiRef } from '../../api';
import {
  CertificateStatusText,
  FlexRow,
  TimeText,
  downloadPem,
  explainFinding,
} from '../common';
import { ValidityBar } from './ValidityBar';
import { Field, Section } from './Section';
import {
  HISTORY_EVENTS,
  OWNERSHIP_RULES,
  describeAlgorithm,
  describeKey,
  formatFingerprint,
} from './describe';
import { CertManagerSection, UsageSection } from './ClusterSections';
import { CertificateActions } from './CertificateActions';
import { EndpointSection } from './EndpointSection';

function chainRole(index: number, isCA: boolean): string {
  if (index === 0) return 'Leaf';
  return isCA ? 'CA' : 'Certificate';
}

/** Everything known about one certificate, in reading order: what, is it fine, where, history. */
export const CertificateDetailsPanel = (props: {
  certificate: CertificateDetailsWithActions;
  /** After a renewal or revocation, to read the certificate again. */
  onChanged?: () => void;
}) => {
  const { certificate: c } = props;
  const api = useApi(certificatesApiRef);
  const leaf = c.leaf;
  const name = c.commonName ?? c.dnsNames[0] ?? c.secretName;
  const sans = leaf
    ? [
        ...leaf.dnsNames.map(n => `DNS:${n}`),
        ...leaf.ipAddresses.map(n => `IP:${n}`),
        ...leaf.uris.map(n => `URI:${n}`),
        ...leaf.emails.map(n => `email:${n}`),
      ]
    : c.dnsNames.map(n => `DNS:${n}`);

  return (
    <Box>
      <FlexRow justifyContent="space-between" mb={2} flexWrap="wrap">
        <Box>
          <Typography variant="h5" component="h2">
            {name}
          </Typography>
          <CertificateStatusText status={c.status} />
        </Box>
        <CertificateActions
          id={c.id}
          name={name}
          actions={c.actions}
          onChanged={props.onChanged}
        />
      </FlexRow>

      <Section title="Validity">
        <ValidityBar
          notBefore={c.notBefore}
          notAfter={c.notAfter}
          status={c.status}
        />
        <Field label="Not before">
          <TimeText value={c.notBefore} inline />
        </Field>
        <Field label="Not after">
          <TimeText value={c.notAfter} inline />
        </Field>
      </Section>

      <Section title="Findings">
        {c.findings.length === 0 ? (
          <Typography variant="body2">No findings: nothing to fix.</Typography>
        ) : (
          <List dense disablePadding>
            {c.findings.map(kind => {
              const { message, remedy } = explainFinding(
                kind,
                c.findingDetails,
              );
              return (
                <ListItem key={kind} disableGutters>
                  <ListItemText
                    primary={message}
                    secondary={remedy ? `What to do: ${remedy}` : undefined}
                  />
                </ListItem>
              );
            })}
          </List>
        )}
        {c.parseError && (
          <Typography variant="body2" color="error">
            Could not be parsed: {c.parseError}
          </Typography>
        )}
      </Section>

      <Section title="Certificate">
        <Field label="Subject">{leaf?.subject ?? '—'}</Field>
        <Field label="Issuer">{leaf?.issuer ?? c.issuer ?? '—'}</Field>
        <Field label="Names (SANs)">
          {sans.length === 0 ? 'none' : sans.map(s => <div key={s}>{s}</div>)}
        </Field>
        <Field label="Key">
          {leaf ? describeKey(leaf) : c.keyAlgorithm ?? '—'}
        </Field>
        <Field label="Signature">
          {leaf ? describeAlgorithm(leaf.signatureAlgorithm) : '—'}
        </Field>
        <Field label="Serial">{leaf?.serialNumber ?? '—'}</Field>
        <Field label="SHA-256 fingerprint">
          {c.fingerprintSha256 ?? leaf?.fingerprintSha256
            ? formatFingerprint(
                (c.fingerprintSha256 ?? leaf?.fingerprintSha256)!,
              )
            : '—'}
        </Field>
        {leaf?.subjectKeyId && (
          <Field label="Subject key id">{leaf.subjectKeyId}</Field>
        )}
        {leaf?.authorityKeyId && (
          <Field label="Authority key id">{leaf.authorityKeyId}</Field>
        )}
      </Section>

      <Section title="Chain">
        {c.chain.length === 0 ? (
          <Typography variant="body2">No chain could be read.</Typography>
        ) : (
          <List dense disablePadding>
            {c.chain.map((entry, i) => (
              <ListItem key={`${entry.fingerprintSha256}-${i}`} disableGutters>
                <ListItemText
                  primary={
                    <>
                      {chainRole(i, entry.isCA)}: {entry.subject}{' '}
                      {entry.trusted ? (
                        <StatusOK>trusted</StatusOK>
                      ) : (
                        <StatusError>not trusted</StatusError>
                      )}
                    </>
                  }
                  secondary={
                    <>
                      Issued by {entry.issuer}; expires{' '}
                      <TimeText value={entry.notAfter} inline />
                    </>
                  }
                />
              </ListItem>
            ))}
          </List>
        )}
        <Button
          size="small"
          onClick={async () =>
            downloadPem(
              `${c.secretName}-chain.pem`,
              await api.getCertificateChainPem(c.id),
            )
          }
        >
          Download chain (PEM)
        </Button>
      </Section>

      {c.location === 'endpoint' && <EndpointSection certificate={c} />}
      <Section title="Where it lives">
        {c.location !== 'endpoint' && (
          <>
            <Field label="Cluster">{c.cluster}</Field>
            <Field label="Secret">
              {c.namespace}/{c.secretName}
            </Field>
          </>
        )}
        <Field label="Entity">
          {c.ownership.entityRef ?? c.entityRef ? (
            <EntityRefLink
              entityRef={(c.ownership.entityRef ?? c.entityRef)!}
            />
          ) : (
            'none (unowned)'
          )}
        </Field>
        <Field label="Owner">
          {c.ownership.ownerRef ?? c.ownerRef ? (
            <EntityRefLink
              entityRef={(c.ownership.ownerRef ?? c.ownerRef)!}
              defaultKind="group"
            />
          ) : (
            '—'
          )}
        </Field>
        {c.ownership.rule && (
          <Field label="Owner decided by">
            {OWNERSHIP_RULES[c.ownership.rule]}
          </Field>
        )}
        {c.requestId && <Field label="Portal request">{c.requestId}</Field>}
      </Section>

      <UsageSection usedBy={c.usedBy} />
      <CertManagerSection certManager={c.certManager} />

      <Section title="History">
        <List dense disablePadding>
          {c.history.map((h, i) => (
            <ListItem key={`${h.at}-${i}`} disableGutters>
              <ListItemText
                primary={
                  <>
                    {HISTORY_EVENTS[h.event] ?? h.event}:{' '}
                    <TimeText value={h.at} inline />
                  </>
                }
                secondary={h.detail}
              />
            </ListItem>
          ))}
          {c.history.length === 0 && (
            <ListItem disableGutters>
              <ListItemText
                primary={
                  <>
                    First seen: <TimeText value={c.firstSeenAt} inline />
                  </>
                }
              />
            </ListItem>
          )}
        </List>
        <Field label="Last seen">
          <TimeText value={c.lastSeenAt} inline />
          {!c.goneAt && c.cluster && (
            <Typography variant="caption" color="textSecondary" display="block">
              Updated when the Secret changes, and otherwise every few hours.
              Its removal from the cluster shows here as soon as discovery sees
              it.
            </Typography>
          )}
        </Field>
        {c.goneAt && (
          <Field label="Gone since">
            <TimeText value={c.goneAt} inline />
          </Field>
        )}
      </Section>
    </Box>
  );
};
