import { useState } from 'react';
import Button from '@material-ui/core/Button';
import AddIcon from '@material-ui/icons/Add';
import { Entity } from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CertificateRequest,
  requestCreatePermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import { RequestPanelDrawer } from '../Requests/RequestPanelDrawer';
import { RequestDialog } from './RequestDialog';

export interface RequestCertificateButtonProps {
  entityRef: string;
  /** The entity itself, when at hand: the form then checks the policy locally as the user types. */
  entity?: Entity;
  /** Called with each request the user submits, e.g. to refresh a list. */
  onSubmitted?(request: CertificateRequest): void;
}

/**
 * "Request certificate": opens the request form; after submit, shows the
 * request's panel. Shown only to whom the permission policy lets request for
 * this entity; the backend decides again on submit.
 */
export const RequestCertificateButton = (
  props: RequestCertificateButtonProps,
) => {
  const { entityRef, onSubmitted } = props;
  const [open, setOpen] = useState(false);
  const [submittedId, setSubmittedId] = useState<string>();
  const { allowed } = usePermission({
    permission: requestCreatePermission,
    resourceRef: entityRef,
  });

  if (!allowed && !submittedId) return null;

  return (
    <>
      <Button
        color="primary"
        variant="contained"
        startIcon={<AddIcon />}
        onClick={() => setOpen(true)}
      >
        Request certificate
      </Button>
      <RequestDialog
        entityRef={entityRef}
        entity={props.entity}
        open={open}
        onClose={() => setOpen(false)}
        onSubmitted={request => {
          setOpen(false);
          setSubmittedId(request.id);
          onSubmitted?.(request);
        }}
      />
      <RequestPanelDrawer
        requestId={submittedId}
        onClose={() => setSubmittedId(undefined)}
      />
    </>
  );
};
