import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useApi } from '@backstage/core-plugin-api';
import { CertificateListFilter } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { useBusyAction } from '../common/useBusyAction';

/** Downloads the filtered list as CSV, with the user's credentials. */
export const ExportCsvButton = (props: { filter: CertificateListFilter }) => {
  const api = useApi(certificatesApiRef);
  const { busy, error, run } = useBusyAction(e => (e as Error).message);

  const exportCsv = () =>
    run(async () => {
      const blob = await api.exportCsv(props.filter);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'certificates.csv';
      a.click();
      URL.revokeObjectURL(url);
    });

  return (
    <>
      <Button
        variant="outlined"
        size="small"
        startIcon={<GetAppIcon />}
        disabled={busy}
        onClick={exportCsv}
      >
        Export CSV
      </Button>
      {error && (
        <Typography variant="caption" color="error" role="alert">
          Export failed: {error}
        </Typography>
      )}
    </>
  );
};
