import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { AuditAction, AuditRecord } from '@kubecerts/backstage-plugin-certificates-common';
import { AuditQuery, certificatesApiRef } from '../../api';
import { DateText } from '../Requests';

const ACTIONS: AuditAction[] = [
  'created',
  'approved',
  'denied',
  'cancelled',
  'issuing',
  'issued',
  'failed',
  'renewed',
  'revoked',
  'in-cluster-approved',
  'in-cluster-denied',
];

export interface AuditViewProps {
  /** Records per page (default 50). */
  pageSize?: number;
  /** Start filtered to one entity, e.g. on an entity page. */
  entityRef?: string;
}

interface Filters {
  entityRef: string;
  actor: string;
  action: string;
  from: string;
  to: string;
}

/** `datetime-local` value → ISO instant (the browser's zone), or undefined. */
const toIso = (local: string) =>
  local ? new Date(local).toISOString() : undefined;

const columns: TableColumn<AuditRecord>[] = [
  { title: 'When', render: r => <DateText iso={r.at} /> },
  { title: 'Action', field: 'action' },
  { title: 'Actor', field: 'actor' },
  { title: 'Entity', render: r => r.entityRef ?? '—' },
  { title: 'Request', render: r => r.requestId ?? '—' },
  { title: 'Outcome', field: 'outcome' },
  { title: 'Detail', render: r => r.detail ?? '' },
];

/** Every state change, filtered by entity, actor, action and time, newest first, page by page. */
export const AuditView = ({
  pageSize = 50,
  entityRef = '',
}: AuditViewProps) => {
  const api = useApi(certificatesApiRef);
  const [filters, setFilters] = useState<Filters>({
    entityRef,
    actor: '',
    action: '',
    from: '',
    to: '',
  });
  const [applied, setApplied] = useState(filters);
  // Cursors of the pages seen so far; the last one is the current page.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  useDebounce(
    () => {
      if (JSON.stringify(filters) === JSON.stringify(applied)) return;
      setApplied(filters);
      setCursors([undefined]);
    },
    300,
    [filters],
  );
  const cursor = cursors[cursors.length - 1];

  const page = useAsync(() => {
    const query: AuditQuery = {
      entityRef: applied.entityRef.trim() || undefined,
      actor: applied.actor.trim() || undefined,
      action: (applied.action || undefined) as AuditAction | undefined,
      from: toIso(applied.from),
      to: toIso(applied.to),
      limit: pageSize,
      cursor,
    };
    return api.listAudit(query);
  }, [api, applied, cursor, pageSize]);

  const set = (key: keyof Filters) => (e: { target: { value: string } }) =>
    setFilters(previous => ({ ...previous, [key]: e.target.value }));

  return (
    <Box>
      <Box
        display="flex"
        flexWrap="wrap"
        style={{ gap: 16 }}
        mb={2}
        role="search"
        aria-label="Audit filters"
      >
        <TextField
          id="audit-filter-entity"
          label="Entity"
          value={filters.entityRef}
          onChange={set('entityRef')}
          placeholder="component:default/payments"
        />
        <TextField
          id="audit-filter-actor"
          label="Actor"
          value={filters.actor}
          onChange={set('actor')}
          placeholder="user:default/alice"
        />
        <TextField
          id="audit-filter-action"
          select
          label="Action"
          value={filters.action}
          onChange={set('action')}
          style={{ minWidth: 160 }}
        >
          <MenuItem value="">All actions</MenuItem>
          {ACTIONS.map(a => (
            <MenuItem key={a} value={a}>
              {a}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          id="audit-filter-from"
          label="From"
          type="datetime-local"
          value={filters.from}
          onChange={set('from')}
          InputLabelProps={{ shrink: true }}
        />
        <TextField
          id="audit-filter-to"
          label="To"
          type="datetime-local"
          value={filters.to}
          onChange={set('to')}
          InputLabelProps={{ shrink: true }}
        />
      </Box>
      {page.error ? (
        <ResponseErrorPanel error={page.error} />
      ) : (
        <Table<AuditRecord>
          title="Audit trail"
          isLoading={page.loading}
          data={page.value?.items ?? []}
          columns={columns}
          options={{
            paging: false,
            search: false,
            padding: 'dense',
            sorting: false,
          }}
          emptyContent={<Box p={2}>No audit records match these filters.</Box>}
        />
      )}
      <Box
        display="flex"
        alignItems="center"
        justifyContent="flex-end"
        style={{ gap: 8 }}
        mt={1}
      >
        <Typography variant="body2">Page {cursors.length}</Typography>
        <Button
          aria-label="Previous page"
          disabled={cursors.length <= 1 || page.loading}
          onClick={() => setCursors(previous => previous.slice(0, -1))}
        >
          Previous
        </Button>
        <Button
          aria-label="Next page"
          disabled={!page.value?.nextCursor || page.loading}
          onClick={() =>
            setCursors(previous => [...previous, page.value?.nextCursor])
          }
        >
          Next
        </Button>
      </Box>
    </Box>
  );
};
