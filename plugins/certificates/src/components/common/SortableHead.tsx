import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';

/** A column heading; `sort` makes it a sort control for that key. */
export interface SortableColumn<K extends string> {
  title: string;
  sort?: K;
  nowrap?: boolean;
}

/** A table's headings, the sorted one marked with its direction. */
export function SortableHead<K extends string>(props: {
  columns: SortableColumn<K>[];
  sortBy: K;
  order: 'asc' | 'desc';
  onSort: (key: K) => void;
  /** For headings that must not wrap (`nowrap`). */
  nowrapClassName?: string;
}) {
  const { columns, sortBy, order, onSort, nowrapClassName } = props;
  return (
    <TableHead>
      <TableRow>
        {columns.map(c => (
          <TableCell
            key={c.title}
            className={c.nowrap ? nowrapClassName : undefined}
            sortDirection={c.sort && sortBy === c.sort ? order : false}
          >
            {c.sort ? (
              <TableSortLabel
                active={sortBy === c.sort}
                direction={sortBy === c.sort ? order : 'asc'}
                onClick={() => onSort(c.sort!)}
              >
                {c.title}
              </TableSortLabel>
            ) : (
              c.title
            )}
          </TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}
