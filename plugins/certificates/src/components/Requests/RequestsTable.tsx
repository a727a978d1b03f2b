import { useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { SearchField, SortableColumn, SortableHead } from '../common';
import { DateText } from '../common/DateText';
import { describeDelivery, requestTitle } from './describe';
import { RequestStateChip } from './RequestStateChip';

const PAGE_SIZE = 20;

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    padding: theme.spacing(2, 2, 1),
  },
  row: { cursor: 'pointer' },
  cell: { verticalAlign: 'top' },
  nowrap: { verticalAlign: 'top', whiteSpace: 'nowrap' },
}));

type SortKey = 'title' | 'state' | 'requester' | 'issuer' | 'createdAt';

const COLUMNS: SortableColumn<SortKey>[] = [
  { title: 'Certificate', sort: 'title' },
  { title: 'DNS names' },
  { title: 'State', sort: 'state' },
  { title: 'Requester', sort: 'requester' },
  { title: 'Issuer', sort: 'issuer' },
  { title: 'Delivery' },
  { title: 'Submitted', sort: 'createdAt' },
];

const sortValue = (r: CertificateRequest, key: SortKey): string =>
  key === 'title' ? requestTitle(r) : String(r[key] ?? '');

/** Whether a request matches the search box: its names, requester or issuer. */
export function matchesSearch(r: CertificateRequest, term: string): boolean {
  const t = term.trim().toLowerCase();
  if (!t) return true;
  return [r.commonName ?? '', ...r.dnsNames, r.requester, r.issuer]
    .join(' ')
    .toLowerCase()
    .includes(t);
}

export interface RequestsTableProps {
  title: string;
  requests: CertificateRequest[];
  onSelect: (id: string) => void;
  emptyContent: JSX.Element;
}

/**
 * An entity's requests (at most a hundred), sorted, searched and paged in the
 * browser. Plain Material UI: the catalog's data table would load its own
 * bundle chunk on the entity page for this one list.
 */
export const RequestsTable = (props: RequestsTableProps) => {
  const { title, requests, onSelect, emptyContent } = props;
  const classes = useStyles();
  const [sort, setSort] = useState<{ key: SortKey; order: 'asc' | 'desc' }>({
    key: 'createdAt',
    order: 'desc',
  });
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);

  const rows = useMemo(() => {
    const found = requests.filter(r => matchesSearch(r, search));
    const sign = sort.order === 'asc' ? 1 : -1;
    return found.sort(
      (a, b) =>
        sign *
        sortValue(a, sort.key).localeCompare(sortValue(b, sort.key), 'en'),
    );
  }, [requests, search, sort]);
  const lastPage = Math.max(0, Math.ceil(rows.length / PAGE_SIZE) - 1);
  const shownPage = Math.min(page, lastPage);
  const shown =
    rows.length > PAGE_SIZE
      ? rows.slice(shownPage * PAGE_SIZE, (shownPage + 1) * PAGE_SIZE)
      : rows;

  const sortBy = (key: SortKey) =>
    setSort(s => ({
      key,
      order: s.key === key && s.order === 'asc' ? 'desc' : 'asc',
    }));

  return (
    <Paper>
      <Box className={classes.header}>
        <Typography variant="h6" component="h3">
          {title}
        </Typography>
        <SearchField
          value={search}
          onChange={q => {
            setSearch(q);
            setPage(0);
          }}
          placeholder="Name, requester, issuer"
          ariaLabel="Search requests"
        />
      </Box>
      <Table size="small" aria-label={title}>
        <SortableHead
          columns={COLUMNS}
          sortBy={sort.key}
          order={sort.order}
          onSort={sortBy}
        />
        <TableBody>
          {shown.length === 0 && (
            <TableRow>
              <TableCell colSpan={COLUMNS.length}>{emptyContent}</TableCell>
            </TableRow>
          )}
          {shown.map(r => (
            <TableRow
              key={r.id}
              hover
              className={classes.row}
              tabIndex={0}
              onClick={() => onSelect(r.id)}
              onKeyDown={e => {
                if (e.key === 'Enter') onSelect(r.id);
              }}
            >
              <TableCell className={classes.cell}>{requestTitle(r)}</TableCell>
              <TableCell className={classes.cell}>
                {r.dnsNames.join(', ')}
              </TableCell>
              <TableCell className={classes.nowrap}>
                <RequestStateChip state={r.state} />
              </TableCell>
              <TableCell className={classes.cell}>{r.requester}</TableCell>
              <TableCell className={classes.cell}>{r.issuer}</TableCell>
              <TableCell className={classes.cell}>
                {describeDelivery(r)}
              </TableCell>
              <TableCell className={classes.nowrap}>
                <DateText iso={r.createdAt} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {rows.length > PAGE_SIZE && (
        <TablePagination
          component="div"
          count={rows.length}
          page={shownPage}
          rowsPerPage={PAGE_SIZE}
          rowsPerPageOptions={[PAGE_SIZE]}
          onPageChange={(_, p) => setPage(p)}
        />
      )}
    </Paper>
  );
};
