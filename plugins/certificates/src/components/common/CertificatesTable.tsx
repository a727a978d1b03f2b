import { memo, useCallback, useEffect, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CertificateListFilter,
  CertificateListResponse,
  CertificateSummary,
  SortField,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { CertificateStatusText } from './status';
import { FindingChips } from './findings';
import { TimeText } from './TimeText';
import { BreakableName } from './BreakableName';
import { SortableColumn, SortableHead } from './SortableHead';
import { whereText } from './location';

const MAX_SANS = 3;
const PAGE_SIZES = [25, 50, 100];

const useStyles = makeStyles(theme => ({
  row: { cursor: 'pointer' },
  cell: { verticalAlign: 'top' },
  // A status word broken over two lines reads badly.
  nowrapCell: { verticalAlign: 'top', whiteSpace: 'nowrap' },
  nowrapHead: { whiteSpace: 'nowrap' },
  progress: { height: 2 },
  progressSpace: { height: 2 },
  title: { padding: theme.spacing(2, 2, 1) },
}));

type Column = SortableColumn<SortField>;

const COLUMNS: Column[] = [
  { title: 'Name', sort: 'commonName' },
  { title: 'SANs' },
  { title: 'Location', sort: 'cluster' },
  { title: 'Issuer' },
  { title: 'Expires', sort: 'notAfter' },
  { title: 'Status', sort: 'status', nowrap: true },
  { title: 'Findings' },
];
const OWNER_COLUMN: Column = { title: 'Owner' };

export function sansText(dnsNames: string[]): string {
  if (dnsNames.length === 0) return '—';
  const shown = dnsNames.slice(0, MAX_SANS).join(', ');
  return dnsNames.length > MAX_SANS
    ? `${shown} +${dnsNames.length - MAX_SANS} more`
    : shown;
}

/** One certificate; rows only re-render when their certificate changes. */
const CertificateRow = memo(
  (props: {
    row: CertificateSummary;
    showOwner: boolean;
    onSelect?: (id: string) => void;
    classes: ReturnType<typeof useStyles>;
  }) => {
    const { row, showOwner, onSelect, classes } = props;
    const select = onSelect ? () => onSelect(row.id) : undefined;
    return (
      <TableRow
        hover
        className={select ? classes.row : undefined}
        onClick={select}
        onKeyDown={
          select
            ? e => {
                if (e.key === 'Enter') select();
              }
            : undefined
        }
        tabIndex={select ? 0 : undefined}
        data-testid="certificate-row"
      >
        <TableCell className={classes.cell}>
          <BreakableName
            text={row.commonName ?? row.dnsNames[0] ?? row.secretName}
          />
        </TableCell>
        <TableCell className={classes.cell}>
          <BreakableName text={sansText(row.dnsNames)} />
        </TableCell>
        <TableCell className={classes.cell}>
          {whereText(row)}
          <br />
          <Typography variant="caption" color="textSecondary">
            {row.namespace}/{row.secretName}
          </Typography>
        </TableCell>
        <TableCell className={classes.cell}>{row.issuer ?? '—'}</TableCell>
        <TableCell className={classes.cell}>
          <TimeText value={row.notAfter} />
        </TableCell>
        <TableCell className={classes.nowrapCell}>
          <CertificateStatusText status={row.status} />
        </TableCell>
        <TableCell className={classes.cell}>
          <FindingChips findings={row.findings} />
        </TableCell>
        {showOwner && (
          <TableCell className={classes.cell}>
            {row.ownerRef ? (
              <EntityRefLink entityRef={row.ownerRef} defaultKind="group" />
            ) : (
              '—'
            )}
          </TableCell>
        )}
      </TableRow>
    );
  },
);

export interface CertificatesTableProps {
  /** The scope and user filter together; a new filter starts again at page 1. */
  filter: CertificateListFilter;
  onSelect?: (id: string) => void;
  title?: string;
  showOwner?: boolean;
  /** Rows per page at first; the user can pick 25, 50 or 100. */
  pageSize?: number;
  emptyContent?: JSX.Element;
  /** Called with each first page the table receives. */
  onFirstPage?: (response: CertificateListResponse) => void;
}

interface Sort {
  field: SortField;
  order: 'asc' | 'desc';
}

interface Loaded {
  page: number;
  response: CertificateListResponse;
}

const PagedTable = (props: CertificatesTableProps) => {
  const { onSelect, title, showOwner = false, emptyContent } = props;
  // The table is remounted for another filter (see below): the first one holds.
  const [filter] = useState(props.filter);
  const api = useApi(certificatesApiRef);
  const classes = useStyles();
  const [sort, setSort] = useState<Sort>({ field: 'notAfter', order: 'asc' });
  const [pageSize, setPageSize] = useState(props.pageSize ?? PAGE_SIZES[0]);
  const [page, setPage] = useState(0);
  const [loaded, setLoaded] = useState<Loaded>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  // cursors[page] fetches that page for the current sort and page size.
  const cursors = useRef<Array<string | undefined>>([undefined]);

  const query = (cursor: string | undefined) =>
    api.listCertificates({
      ...filter,
      sort: sort.field,
      order: sort.order,
      limit: pageSize,
      cursor,
    });
  // The first page is asked for while the table renders, not after it has
  // committed: the request runs while the rest of the page renders.
  const [firstPage] = useState<{
    request?: Promise<CertificateListResponse>;
  }>(() => ({ request: query(undefined) }));

  useEffect(() => {
    let current = true;
    setLoading(true);
    const first = page === 0 && firstPage.request;
    // Later pages, orders and sizes are asked for anew.
    firstPage.request = undefined;
    (first || query(cursors.current[page])).then(
      response => {
        if (!current) return;
        cursors.current[page + 1] = response.nextCursor;
        setLoaded({ page, response });
        setError(undefined);
        setLoading(false);
        if (page === 0) props.onFirstPage?.(response);
      },
      e => {
        if (!current) return;
        setError(e as Error);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, filter, sort, pageSize, page]);

  // A new order or page size pages from the start again.
  const restart = useCallback(() => {
    cursors.current = [undefined];
    setPage(0);
  }, []);
  const onSort = (field: SortField) => {
    restart();
    setSort(s =>
      s.field === field
        ? { field, order: s.order === 'asc' ? 'desc' : 'asc' }
        : { field, order: 'asc' },
    );
  };

  const response = loaded?.response;
  const empty = !!response && response.totalCount === 0 && !error;
  if (empty && emptyContent) {
    return (
      <Paper variant="outlined" data-testid="certificates-empty">
        {title && (
          <Box px={2} pt={2}>
            <Typography variant="h6">{title}</Typography>
          </Box>
        )}
        {emptyContent}
      </Paper>
    );
  }

  const pageSizes = PAGE_SIZES.includes(pageSize)
    ? PAGE_SIZES
    : [pageSize, ...PAGE_SIZES].sort((a, b) => a - b);
  const columns = showOwner ? [...COLUMNS, OWNER_COLUMN] : COLUMNS;
  const rows = error ? [] : response?.items ?? [];
  return (
    <>
      {error && <ResponseErrorPanel error={error} />}
      <Paper>
        {title && (
          <Typography variant="h6" component="h2" className={classes.title}>
            {title}
          </Typography>
        )}
        {loading ? (
          <LinearProgress
            className={classes.progress}
            aria-label="Loading certificates"
          />
        ) : (
          <div className={classes.progressSpace} />
        )}
        <Box style={{ overflowX: 'auto' }}>
          <Table size="small" aria-label={title ?? 'Certificates'}>
            <SortableHead
              columns={columns}
              sortBy={sort.field}
              order={sort.order}
              onSort={onSort}
              nowrapClassName={classes.nowrapHead}
            />
            <TableBody>
              {rows.map(row => (
                <CertificateRow
                  key={row.id}
                  row={row}
                  showOwner={showOwner}
                  onSelect={onSelect}
                  classes={classes}
                />
              ))}
            </TableBody>
          </Table>
        </Box>
        {response && !error && (
          <TablePagination
            component="div"
            count={response.totalCount}
            page={loaded.page}
            rowsPerPage={pageSize}
            rowsPerPageOptions={pageSizes}
            onPageChange={(_e, next) => {
              // Cursors only lead forward one page at a time.
              if (next <= page || cursors.current[next] !== undefined) {
                setPage(next);
              }
            }}
            onRowsPerPageChange={e => {
              restart();
              setPageSize(Number(e.target.value));
            }}
            backIconButtonProps={{ disabled: loading || loaded.page === 0 }}
            nextIconButtonProps={{
              disabled: loading || !response.nextCursor,
            }}
          />
        )}
      </Paper>
    </>
  );
};

/**
 * A page of certificates at a time, fetched from the backend, which filters,
 * sorts and pages with cursors; the cursor of every page seen is kept to
 * move back and forth.
 */
export const CertificatesTable = (props: CertificatesTableProps) => {
  const key = JSON.stringify(props.filter);
  return <PagedTable key={key} {...props} />;
};
