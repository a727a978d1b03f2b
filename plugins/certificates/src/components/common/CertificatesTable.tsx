import { useCallback, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
  TableProps,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CertificateListFilter,
  CertificateSummary,
  SortField,
} from '@internal/plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { CertificateStatusText } from './status';
import { FindingChips } from './findings';
import { TimeText } from './TimeText';

type RemoteData = Extract<
  TableProps<CertificateSummary>['data'],
  (...args: any[]) => any
>;
type Query = Parameters<RemoteData>[0];
type QueryResult = Awaited<ReturnType<RemoteData>>;

const SORTABLE: Record<string, SortField> = {
  commonName: 'commonName',
  cluster: 'cluster',
  notAfter: 'notAfter',
  status: 'status',
};

const MAX_SANS = 3;

function columns(showOwner: boolean): TableColumn<CertificateSummary>[] {
  const list: TableColumn<CertificateSummary>[] = [
    {
      title: 'Name',
      field: 'commonName',
      render: row => (
        <Typography variant="body2" component="span">
          {row.commonName ?? row.dnsNames[0] ?? row.secretName}
        </Typography>
      ),
    },
    {
      title: 'SANs',
      field: 'dnsNames',
      sorting: false,
      render: row =>
        row.dnsNames.length === 0
          ? '—'
          : `${row.dnsNames.slice(0, MAX_SANS).join(', ')}${
              row.dnsNames.length > MAX_SANS
                ? ` +${row.dnsNames.length - MAX_SANS} more`
                : ''
            }`,
    },
    {
      title: 'Location',
      field: 'cluster',
      render: row => (
        <>
          {row.cluster}
          <br />
          <Typography variant="caption" color="textSecondary">
            {row.namespace}/{row.secretName}
          </Typography>
        </>
      ),
    },
    {
      title: 'Issuer',
      field: 'issuer',
      sorting: false,
      render: row => row.issuer ?? '—',
    },
    {
      title: 'Expires',
      field: 'notAfter',
      defaultSort: 'asc',
      render: row => <TimeText value={row.notAfter} />,
    },
    {
      title: 'Status',
      field: 'status',
      render: row => <CertificateStatusText status={row.status} />,
    },
    {
      title: 'Findings',
      field: 'findings',
      sorting: false,
      render: row => <FindingChips findings={row.findings} />,
    },
  ];
  if (showOwner) {
    list.push({
      title: 'Owner',
      field: 'ownerRef',
      sorting: false,
      render: row =>
        row.ownerRef ? (
          <EntityRefLink entityRef={row.ownerRef} defaultKind="group" />
        ) : (
          '—'
        ),
    });
  }
  return list;
}

export interface CertificatesTableProps {
  /** The scope and user filter together; a new filter starts again at page 1. */
  filter: CertificateListFilter;
  onSelect?: (id: string) => void;
  title?: string;
  showOwner?: boolean;
  pageSize?: number;
  emptyContent?: JSX.Element;
}

const PagedTable = (props: CertificatesTableProps) => {
  const { filter, onSelect, title, showOwner = false, emptyContent } = props;
  const api = useApi(certificatesApiRef);
  const [error, setError] = useState<Error>();
  // The table shows no emptyContent for remote data, so the empty state is ours.
  const [empty, setEmpty] = useState(false);
  // cursors[sortKey][page] is the cursor that fetches that page.
  const cursors = useRef(new Map<string, Array<string | undefined>>());

  const load = useCallback(
    async (query: Query): Promise<QueryResult> => {
      const field = query.orderBy?.field as string | undefined;
      const sort = (field && SORTABLE[field]) || 'notAfter';
      const order = query.orderDirection === 'desc' ? 'desc' : 'asc';
      const sortKey = `${sort}:${order}:${query.pageSize}`;
      const known = cursors.current.get(sortKey) ?? [undefined];
      cursors.current.set(sortKey, known);
      try {
        // Walk forward from the last known page when jumping ahead.
        let page = Math.min(query.page, known.length - 1);
        for (;;) {
          const response = await api.listCertificates({
            ...filter,
            sort,
            order,
            limit: query.pageSize,
            cursor: known[page],
          });
          if (response.nextCursor) known[page + 1] = response.nextCursor;
          if (page >= query.page || !response.nextCursor) {
            setError(undefined);
            setEmpty(response.totalCount === 0 && page === 0);
            return {
              data: response.items,
              page,
              totalCount: response.totalCount,
            };
          }
          page += 1;
        }
      } catch (e) {
        setError(e as Error);
        return { data: [], page: 0, totalCount: 0 };
      }
    },
    [api, filter],
  );

  return (
    <>
      {error && <ResponseErrorPanel error={error} />}
      {empty && emptyContent && (
        <Paper variant="outlined" data-testid="certificates-empty">
          {title && (
            <Box px={2} pt={2}>
              <Typography variant="h6">{title}</Typography>
            </Box>
          )}
          {emptyContent}
        </Paper>
      )}
      <div style={{ display: empty && emptyContent ? 'none' : undefined }}>
        <Table<CertificateSummary>
          title={title}
          columns={columns(showOwner)}
          data={load}
          onRowClick={(_e, row) => row && onSelect?.(row.id)}
          options={{
            paging: true,
            pageSize: props.pageSize ?? 20,
            pageSizeOptions: [20, 50, 100],
            search: false,
            sorting: true,
            padding: 'dense',
            emptyRowsWhenPaging: false,
            thirdSortClick: false,
          }}
        />
      </div>
    </>
  );
};

/**
 * A page of the inventory at a time, fetched from the backend; the backend
 * pages with cursors, so the cursor of every page seen is kept to move back
 * and forth.
 */
export const CertificatesTable = (props: CertificatesTableProps) => {
  const key = JSON.stringify(props.filter);
  return <PagedTable key={key} {...props} />;
};
