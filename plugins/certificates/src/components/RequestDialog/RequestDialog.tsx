import useAsync from 'react-use/esm/useAsync';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { RequestForm } from './RequestForm';

export interface RequestDialogProps {
  entityRef: string;
  /** The entity itself, when the caller has it (enables the local policy check). */
  entity?: Entity;
  open: boolean;
  onClose(): void;
  onSubmitted(request: CertificateRequest): void;
}

/** Loads the policy that applies to the entity, then lets the user fill in a request within it. */
export const RequestDialog = (props: RequestDialogProps) => {
  const { entityRef, open, onClose, onSubmitted } = props;
  const api = useApi(certificatesApiRef);
  const policy = useAsync(
    async () => (open ? api.getPolicy(entityRef) : undefined),
    [api, entityRef, open],
  );

  let content;
  if (policy.loading) {
    content = <Progress />;
  } else if (policy.error) {
    content = <ResponseErrorPanel error={policy.error} />;
  } else if (policy.value && !policy.value.policy) {
    content = (
      <Alert severity="error">
        No certificate policy applies to this entity
        {policy.value.reason ? `: ${policy.value.reason}` : '.'}
      </Alert>
    );
  } else if (policy.value) {
    content = (
      <RequestForm
        entityRef={entityRef}
        entityName={parseEntityRef(entityRef).name}
        policy={policy.value}
        entity={props.entity}
        onCancel={onClose}
        onSubmitted={onSubmitted}
      />
    );
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="certificate-request-title"
    >
      <DialogTitle id="certificate-request-title">
        Request a certificate
      </DialogTitle>
      <DialogContent>{content}</DialogContent>
    </Dialog>
  );
};
