import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import CloseIcon from '@material-ui/icons/Close';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { certificatesApiRef } from '../../api';
import { CertificateDetailsPanel } from './CertificateDetailsPanel';

const Loaded = (props: { id: string }) => {
  const api = useApi(certificatesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getCertificate(props.id),
    [api, props.id],
  );
  // Read again after an action: the panel (and its message) stays meanwhile.
  if (loading && !value) return <Progress />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  return <CertificateDetailsPanel certificate={value} onChanged={retry} />;
};

/** The details of the selected certificate, over the page from the right. */
export const CertificateDetailsDrawer = (props: {
  id?: string;
  onClose: () => void;
}) => (
  <Drawer anchor="right" open={!!props.id} onClose={props.onClose}>
    <Box
      width={{ xs: '100vw', md: 720 }}
      p={3}
      role="region"
      aria-label="Certificate details"
    >
      <Box display="flex" justifyContent="flex-end">
        <IconButton aria-label="Close details" onClick={props.onClose}>
          <CloseIcon />
        </IconButton>
      </Box>
      {props.id && <Loaded id={props.id} />}
    </Box>
  </Drawer>
);
