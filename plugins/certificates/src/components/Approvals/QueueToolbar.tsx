import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { DecisionKind } from '../../api';
import { FlexRow } from '../common';

export interface QueueToolbarProps {
  /** Requests waiting, on every page. */
  total: number;
  /** Rows loaded so far. */
  shown: number;
  selected: number;
  busy: boolean;
  onDecide(decision: DecisionKind): void;
}

const BULK: ReadonlyArray<{
  decision: DecisionKind;
  label: string;
  variant: 'contained' | 'outlined';
  color?: 'primary';
}> = [
  {
    decision: 'approve',
    label: 'Approve selected',
    variant: 'contained',
    color: 'primary',
  },
  { decision: 'deny', label: 'Deny selected', variant: 'outlined' },
];

/** Counts, bulk decisions and the keys of the queue. */
export const QueueToolbar = (props: QueueToolbarProps) => {
  const { total, shown, selected, busy, onDecide } = props;
  return (
    <FlexRow flexWrap="wrap" my={1}>
      <Typography
        variant="body2"
        aria-live="polite"
        style={{ whiteSpace: 'nowrap' }}
      >
        {total} pending
        {shown < total ? `, ${shown} shown` : ''}
        {selected ? `, ${selected} selected` : ''}
      </Typography>
      {BULK.map(b => (
        <Button
          key={b.decision}
          variant={b.variant}
          color={b.color}
          disabled={!selected || busy}
          onClick={() => onDecide(b.decision)}
          style={{ whiteSpace: 'nowrap' }}
        >
          {b.label}
        </Button>
      ))}
      <Typography variant="caption" color="textSecondary">
        Keys on a row: a approve · d deny · x select · enter details · ↑↓ move ·
        A / D approve / deny selected · X select all
      </Typography>
    </FlexRow>
  );
};
