import Typography from '@material-ui/core/Typography';
import { Entity } from '@backstage/catalog-model';
import { KUBERNETES_ID_ANNOTATION } from './entityScope';

/** Why an entity has no certificates and how ownership is decided. */
export const NoCertificatesHelp = (props: { entity: Entity }) => {
  const { entity } = props;
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const id = entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION];
  if (kind === 'group') {
    return (
      <Typography variant="body2" component="div">
        No certificates found for the entities this team owns. A certificate
        belongs to a team through the entity that uses it: give the team's
        components the annotation <code>{KUBERNETES_ID_ANNOTATION}</code> and
        label their TLS Secrets (or cert-manager Certificates, or Ingresses)
        with the same value.
      </Typography>
    );
  }
  return (
    <Typography variant="body2" component="div">
      <p style={{ marginTop: 0 }}>No certificates found for this entity.</p>
      <p>
        A TLS Secret belongs to an entity when the Secret, the cert-manager
        Certificate that manages it or an Ingress that uses it carries the label{' '}
        <code>{KUBERNETES_ID_ANNOTATION}</code> with the value of the entity's
        annotation of the same name, or when it matches the entity's{' '}
        <code>backstage.io/kubernetes-label-selector</code>.
      </p>
      {id ? (
        <p>
          This entity has <code>{`${KUBERNETES_ID_ANNOTATION}: ${id}`}</code>:
          label your TLS Secrets{' '}
          <code>{`${KUBERNETES_ID_ANNOTATION}=${id}`}</code>.
        </p>
      ) : (
        <p>
          This entity has no such annotation yet. Add it to catalog-info.yaml:{' '}
          <code>{`metadata.annotations: { ${KUBERNETES_ID_ANNOTATION}: ${entity.metadata.name} }`}</code>
          , then label its TLS Secrets{' '}
          <code>{`${KUBERNETES_ID_ANNOTATION}=${entity.metadata.name}`}</code>.
        </p>
      )}
    </Typography>
  );
};
