import { useCallback, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CertificateRequest,
  TERMINAL_REQUEST_STATES,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { RequestCertificateButton } from '../RequestDialog/RequestCertificateButton';
import { FlexRow, useReloading } from '../common';
import { RequestPanelDrawer } from './RequestPanelDrawer';
import { RequestsTable } from './RequestsTable';

export interface EntityRequestsListProps {
  entityRef: string;
  /** The entity itself, when at hand (the request form then checks the policy locally). */
  entity?: Entity;
  /** Show the "Request certificate" button above the list (default true). */
  showRequestButton?: boolean;
  pollIntervalMs?: number;
}

/** The certificate requests of an entity (or only the user's), each opening its panel. */
export const EntityRequestsList = (props: EntityRequestsListProps) => {
  const { entityRef, showRequestButton = true, pollIntervalMs = 5000 } = props;
  const api = useApi(certificatesApiRef);
  const [mine, setMine] = useState(false);
  const [items, setItems] = useState<CertificateRequest[]>();
  const [selected, setSelected] = useState<string>();

  const { error, reload } = useReloading(
    useCallback(async () => {
      const page = await api.listRequests({ entityRef, mine, limit: 100 });
      setItems(page.items);
    }, [api, entityRef, mine]),
  );

  const active = items?.some(r => !TERMINAL_REQUEST_STATES.includes(r.state));
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(reload, pollIntervalMs);
    return () => clearInterval(timer);
  }, [active, reload, pollIntervalMs]);

  // An entity nobody requested a certificate for yet gets one line, not an
  // empty table above its certificates.
  const none = !mine && !error && items?.length === 0;

  return (
    <Box>
      <FlexRow justifyContent="space-between" mb={1}>
        {!items && !error && <span />}
        {none && (
          <Typography variant="body2" color="textSecondary">
            No certificate requests for this entity yet.
          </Typography>
        )}
        {(items || error) && !none && (
          <FormControlLabel
            control={
              <Switch
                checked={mine}
                onChange={e => setMine(e.target.checked)}
              />
            }
            label="Only my requests"
          />
        )}
        {showRequestButton && (
          <RequestCertificateButton
            entityRef={entityRef}
            entity={props.entity}
            onSubmitted={() => reload()}
          />
        )}
      </FlexRow>
      {error && !items && <ResponseErrorPanel error={error} />}
      {items && !none && (
        <RequestsTable
          title="Certificate requests"
          requests={items}
          onSelect={setSelected}
          emptyContent={<Box p={1}>You have no requests for this entity.</Box>}
        />
      )}
      <RequestPanelDrawer
        requestId={selected}
        onClose={() => {
          setSelected(undefined);
          reload();
        }}
      />
    </Box>
  );
};
