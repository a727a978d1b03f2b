import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  AUDIT_ACTIONS,
  AuditAction,
  AuditRecord,
} from '@kubecerts/backstage-plugin-certificates-common';
import { AuditQuery, certificatesApiRef } from '../../api';
import { DateText, FlexRow, FormField, FormFieldProps } from '../common';

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

const DATE_FIELD: Partial<FormFieldProps> = {
  type: 'datetime-local',
  InputLabelProps: { shrink: true },
};

/** The filter fields, in the order shown. */
const FILTER_FIELDS: Array<{
  key: keyof Filters;
  id: string;
  label: string;
  props?: Partial<FormFieldProps>;
}> = [
  {
    key: 'entityRef',
    id: 'entity',
    label: 'Entity',
    props: { placeholder: 'component:default/payments' },
  },
  {
    key: 'actor',
    id: 'actor',
    label: 'Actor',
    props: { placeholder: 'user:default/alice' },
  },
  {
    key: 'action',
    id: 'action',
    label: 'Action',
    props: {
      minWidth: 160,
      options: [{ value: '', label: 'All actions' }, ...AUDIT_ACTIONS],
    },
  },
  { key: 'from', id: 'from', label: 'From', props: DATE_FIELD },
  { key: 'to', id: 'to', label: 'To', props: DATE_FIELD },
];

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
        {FILTER_FIELDS.map(f => (
          <FormField
            key={f.key}
            id={`audit-filter-${f.id}`}
            label={f.label}
            value={filters[f.key]}
            onChange={set(f.key)}
            {...f.props}
          />
        ))}
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
      <FlexRow justifyContent="flex-end" mt={1}>
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
      </FlexRow>
    </Box>
  );
};
