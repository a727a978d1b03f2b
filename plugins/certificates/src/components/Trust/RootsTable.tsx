import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import { TableColumn } from '@backstage/core-components';
import {
  TrustChange,
  TrustRoot,
} from '@kubecerts/backstage-plugin-certificates-common';
import { DateText } from '../common';
import { DenseTable } from '../common/DenseTable';

const SOURCES: Record<TrustRoot['source'], string> = {
  config: 'configuration',
  builtin: 'built-in CA',
  portal: 'approved in the portal',
};

export interface RootsTableProps {
  roots: TrustRoot[];
  changes: TrustChange[];
  /** Present when the user may ask for changes. */
  onRequestRemoval?: (root: TrustRoot) => void;
}

/** The approved roots, with any change waiting for approval. */
export const RootsTable = ({
  roots,
  changes,
  onRequestRemoval,
}: RootsTableProps) => {
  const pending = (root: TrustRoot) =>
    changes.find(
      c => c.state === 'pending' && c.fingerprint === root.fingerprint,
    );
  const columns: TableColumn<TrustRoot>[] = [
    { title: 'Subject', field: 'subject' },
    {
      title: 'Fingerprint (SHA-256)',
      field: 'fingerprint',
      render: r => (
        <code style={{ wordBreak: 'break-all' }}>{r.fingerprint}</code>
      ),
    },
    {
      title: 'Expires',
      field: 'notAfter',
      render: r => <DateText iso={r.notAfter} />,
    },
    { title: 'Source', field: 'source', render: r => SOURCES[r.source] },
    {
      title: 'Pending',
      render: r =>
        pending(r) ? (
          <Chip size="small" label={`${pending(r)!.action} pending`} />
        ) : (
          ''
        ),
    },
    {
      title: '',
      render: r =>
        onRequestRemoval && !pending(r) ? (
          <Button size="small" onClick={() => onRequestRemoval(r)}>
            Request removal
          </Button>
        ) : null,
    },
  ];
  return (
    <DenseTable<TrustRoot>
      title="Approved roots"
      columns={columns}
      data={roots}
    />
  );
};
