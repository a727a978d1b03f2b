import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  CertManagerInfo,
  CertificateUsage,
} from '@kubecerts/backstage-plugin-certificates-common';
import { TimeText } from '../common';
import { Field, Section } from './Section';

export const UsageSection = (props: { usedBy: CertificateUsage[] }) => (
  <Section title="Used by">
    {props.usedBy.length === 0 ? (
      <Typography variant="body2">
        No Ingress or Gateway references this Secret.
      </Typography>
    ) : (
      <List dense disablePadding>
        {props.usedBy.map(u => (
          <ListItem key={`${u.kind}/${u.namespace}/${u.name}`} disableGutters>
            <ListItemText
              primary={`${u.kind} ${u.namespace}/${u.name}`}
              secondary={
                u.hosts.length ? `Hosts: ${u.hosts.join(', ')}` : undefined
              }
            />
          </ListItem>
        ))}
      </List>
    )}
  </Section>
);

function Condition(props: {
  condition?: { status: string; reason?: string; message?: string };
}) {
  const c = props.condition;
  if (!c) return <>unknown</>;
  return (
    <>
      {c.status}
      {c.reason ? ` (${c.reason})` : ''}
      {c.message ? `: ${c.message}` : ''}
    </>
  );
}

export const CertManagerSection = (props: {
  certManager?: CertManagerInfo;
}) => {
  const cm = props.certManager;
  return (
    <Section title="cert-manager">
      {!cm ? (
        <Typography variant="body2">
          No cert-manager Certificate manages this Secret.
        </Typography>
      ) : (
        <>
          <Field label="Certificate">
            {cm.namespace}/{cm.name}
          </Field>
          <Field label="Issuer">
            {cm.issuerRef.kind} {cm.issuerRef.name}
            {cm.issuerRef.group ? ` (${cm.issuerRef.group})` : ''}
          </Field>
          <Field label="Ready">
            <Condition condition={cm.ready} />
          </Field>
          <Field label="Issuing">
            <Condition condition={cm.issuing} />
          </Field>
          {cm.renewalTime && (
            <Field label="Renews">
              <TimeText value={cm.renewalTime} inline />
            </Field>
          )}
        </>
      )}
    </Section>
  );
};
