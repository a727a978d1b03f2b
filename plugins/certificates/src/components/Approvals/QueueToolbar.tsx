import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { DecisionKind } from '../../api';

export interface QueueToolbarProps {
  /** Requests waiting, on every page. */
  total: number;
  /** Rows loaded so far. */
  shown: number;
  selected: number;
  busy: boolean;
  onDecide(decision: DecisionKind): void;
}

/** Counts, bulk decisions and the keys of the queue. */
export const QueueToolbar = (props: QueueToolbarProps) => {
  const { total, shown, selected, busy, onDecide } = props;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: 8 }}
      my={1}
    >
      <Typography
        variant="body2"
        aria-live="polite"
        style={{ whiteSpace: 'nowrap' }}
      >
        {total} pending
        {shown < total ? `, ${shown} shown` : ''}
        {selected ? `, ${selected} selected` : ''}
      </Typography>
      <Button
        variant="contained"
        color="primary"
        disabled={!selected || busy}
        onClick={() => onDecide('approve')}
        style={{ whiteSpace: 'nowrap' }}
      >
        Approve selected
      </Button>
      <Button
        variant="outlined"
        disabled={!selected || busy}
        onClick={() => onDecide('deny')}
        style={{ whiteSpace: 'nowrap' }}
      >
        Deny selected
      </Button>
      <Typography variant="caption" color="textSecondary">
        Keys on a row: a approve · d deny · x select · enter details · ↑↓ move ·
        A / D approve / deny selected · X select all
      </Typography>
    </Box>
  );
};
