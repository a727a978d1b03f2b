import { useEffect, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Alert from '@material-ui/lab/Alert';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ApprovalsQuery, certificatesApiRef, DecisionKind } from '../../api';
import { RequestPanelDrawer, requestTitle } from '../Requests';
import { ApprovalFilters } from './ApprovalFilters';
import { ApprovalRow, ApprovalRowActions } from './ApprovalRow';
import { DecisionDialog } from './DecisionDialog';
import { bulkItemErrorMessage, decisionErrorMessage } from './errors';
import { announceApprovalsChanged } from './usePendingApprovalsCount';
import { QueueToolbar } from './QueueToolbar';
import { useApprovalQueue } from './useApprovalQueue';
import { splitApprovable, verdictOf } from './approvability';

interface Notice {
  severity: 'success' | 'error' | 'warning';
  text: string;
  details?: string[];
}

type Pending = { decision: DecisionKind; ids: string[] };

const HEADERS = [
  'Entity / team',
  'Names',
  'Certificate',
  'Requested by',
  'Issuer / delivery',
  'Justification',
  'Policy',
  'Actions',
];

// The same side padding as the rows (ApprovalRow).
const HEADER_STYLE = {
  whiteSpace: 'nowrap',
  paddingLeft: 8,
  paddingRight: 8,
} as const;

export interface ApprovalsQueueProps {
  /** Requests loaded at a time (default 100, at most 200). */
  pageSize?: number;
}

/**
 * The requests the signed-in user may decide, oldest first, a page at a
 * time, with single and bulk decisions.
 */
export const ApprovalsQueue = ({ pageSize }: ApprovalsQueueProps = {}) => {
  const api = useApi(certificatesApiRef);
  const [query, setQuery] = useState<ApprovalsQuery>({});
  const queue = useApprovalQueue(query, pageSize);
  const { items, error } = queue;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [opened, setOpened] = useState<string>();
  const rowElements = useRef(new Map<string, HTMLTableRowElement>());
  const focusIndex = useRef<number>();
  const issuers = useAsync(() => api.listIssuers(), [api]);

  // A reload keeps the selection of the rows still listed.
  useEffect(() => {
    setSelected(
      previous =>
        new Set((items ?? []).filter(r => previous.has(r.id)).map(r => r.id)),
    );
  }, [items]);

  const focusRow = (index: number) => {
    const id = items?.[index]?.id;
    if (id) rowElements.current.get(id)?.focus();
  };

  // The first load puts the keyboard on the oldest request, unless the user is elsewhere already.
  const loaded = Boolean(items);
  useEffect(() => {
    if (!loaded) return;
    const active = document.activeElement;
    if (!active || active === document.body) focusRow(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded]);

  // After a row leaves the queue, keep the keyboard on the row that took its place.
  useEffect(() => {
    if (focusIndex.current === undefined || !items) return;
    const index = Math.min(focusIndex.current, items.length - 1);
    focusIndex.current = undefined;
    if (index >= 0) focusRow(index);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items]);

  const byId = useMemo(
    () => new Map((items ?? []).map(r => [r.id, r])),
    [items],
  );

  const removeDecided = (ids: string[]) => {
    announceApprovalsChanged();
    const first = (items ?? []).findIndex(r => ids.includes(r.id));
    focusIndex.current = first >= 0 ? first : undefined;
    queue.remove(ids);
  };

  const decideOne = async (
    id: string,
    decision: DecisionKind,
    reason?: string,
  ) => {
    const title = byId.get(id) ? requestTitle(byId.get(id)!) : id;
    const verdict = byId.get(id) && verdictOf(byId.get(id)!);
    if (decision === 'approve' && verdict && !verdict.approvable) {
      setNotice({
        severity: 'warning',
        text: `${title} cannot be approved: ${verdict.reason}`,
      });
      return;
    }
    setBusy(true);
    try {
      await api.decide(id, { decision, reason });
      removeDecided([id]);
      setNotice({
        severity: 'success',
        text: `${decision === 'approve' ? 'Approved' : 'Denied'} ${title}.`,
      });
    } catch (e) {
      setNotice({
        severity: 'error',
        text: `${title}: ${decisionErrorMessage(e)}`,
      });
      // Whatever happened, the queue may have moved on: show it as it is now.
      await queue.reload();
    } finally {
      setBusy(false);
    }
  };

  const decideMany = async (
    ids: string[],
    decision: DecisionKind,
    reason?: string,
  ) => {
    // Requests that cannot be approved are not sent; the notice says why.
    const { send, skipped } =
      decision === 'approve'
        ? splitApprovable(ids, byId)
        : { send: ids, skipped: [] as string[] };
    const verb = decision === 'approve' ? 'Approved' : 'Denied';
    if (!send.length) {
      setNotice({
        severity: 'warning',
        text: `${verb} 0 of ${ids.length} requests.`,
        details: skipped,
      });
      return;
    }
    setBusy(true);
    try {
      const { results } = await api.bulkDecide({ ids: send, decision, reason });
      const done = results.filter(r => r.ok).map(r => r.id);
      const failed = results.filter(r => !r.ok);
      removeDecided(done);
      setNotice({
        severity: failed.length || skipped.length ? 'warning' : 'success',
        text: `${verb} ${done.length} of ${ids.length} requests.`,
        details: [
          ...skipped,
          ...failed.map(f => {
            const r = byId.get(f.id);
            return `${r ? requestTitle(r) : f.id}: ${bulkItemErrorMessage(
              f.error,
            )}`;
          }),
        ],
      });
      if (failed.length) await queue.reload();
    } catch (e) {
      setNotice({ severity: 'error', text: decisionErrorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (reason: string | undefined) => {
    if (!pending) return;
    const { ids, decision } = pending;
    setPending(undefined);
    if (ids.length === 1) await decideOne(ids[0], decision, reason);
    else await decideMany(ids, decision, reason);
  };

  const decideSelected = (decision: DecisionKind) => {
    if (selected.size) setPending({ decision, ids: [...selected] });
  };

  const toggle = (id: string) =>
    setSelected(previous => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // Row actions read the latest state through a ref, so their object stays
  // the same and memoised rows re-render only when their own props change.
  const current = {
    items,
    selected,
    toggle,
    decideOne,
    setPending,
    setOpened,
    setSelected,
    decideSelected,
    focusRow,
  };
  const latest = useRef(current);
  latest.current = current;
  const rowActions = useMemo<ApprovalRowActions>(
    () => ({
      toggle: id => latest.current.toggle(id),
      approve: id => latest.current.decideOne(id, 'approve'),
      deny: id => latest.current.setPending({ decision: 'deny', ids: [id] }),
      open: id => latest.current.setOpened(id),
      move: (id, delta) => {
        const index = (latest.current.items ?? []).findIndex(r => r.id === id);
        if (index >= 0) latest.current.focusRow(index + delta);
      },
      approveSelected: () => latest.current.decideSelected('approve'),
      denySelected: () => latest.current.decideSelected('deny'),
      toggleAll: () => {
        const all = latest.current.items ?? [];
        const everything =
          all.length > 0 && latest.current.selected.size === all.length;
        latest.current.setSelected(
          everything ? new Set() : new Set(all.map(r => r.id)),
        );
      },
      register: (id, element) => {
        if (element) rowElements.current.set(id, element);
        else rowElements.current.delete(id);
      },
    }),
    [],
  );

  if (error && !items)
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the approval queue"
      />
    );

  const list = items ?? [];
  const allSelected = list.length > 0 && selected.size === list.length;
  const titleOf = (id: string) => {
    const request = byId.get(id);
    return request ? requestTitle(request) : id;
  };
  const subject =
    pending?.ids.length === 1
      ? titleOf(pending.ids[0])
      : `${pending?.ids.length ?? 0} requests`;

  return (
    <Box>
      <ApprovalFilters
        value={query}
        onChange={setQuery}
        issuers={issuers.value ?? []}
        teams={queue.teams}
      />
      {notice && (
        <Alert
          severity={notice.severity}
          role="alert"
          onClose={() => setNotice(undefined)}
        >
          {notice.text}
          {notice.details?.map(d => (
            <div key={d}>{d}</div>
          ))}
        </Alert>
      )}
      <QueueToolbar
        total={queue.total}
        shown={list.length}
        selected={selected.size}
        busy={busy}
        onDecide={decideSelected}
      />
      {!items && <Progress />}
      {items && list.length === 0 && (
        <EmptyState
          missing="data"
          title="No requests waiting for you"
          description="Requests that policy does not approve automatically appear here for approvers."
        />
      )}
      {list.length > 0 && (
        <TableContainer component={Paper}>
          <Table size="small" aria-label="Requests waiting for approval">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={allSelected}
                    indeterminate={selected.size > 0 && !allSelected}
                    onChange={() =>
                      setSelected(
                        allSelected ? new Set() : new Set(list.map(r => r.id)),
                      )
                    }
                    inputProps={{ 'aria-label': 'Select all' }}
                  />
                </TableCell>
                {HEADERS.map(h => (
                  <TableCell key={h} style={HEADER_STYLE}>
                    {h}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {list.map(r => (
                <ApprovalRow
                  key={r.id}
                  request={r}
                  selected={selected.has(r.id)}
                  busy={busy}
                  actions={rowActions}
                />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <DecisionDialog
        decision={pending?.decision}
        subject={subject}
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={confirm}
      />
      {queue.hasMore && (
        <Box display="flex" justifyContent="center" my={1}>
          <Button
            variant="outlined"
            onClick={queue.loadMore}
            disabled={queue.loadingMore}
          >
            {queue.total > list.length
              ? `Show ${Math.min(
                  queue.pageSize,
                  queue.total - list.length,
                )} more (${queue.total - list.length} not shown)`
              : 'Show more'}
          </Button>
        </Box>
      )}
      <RequestPanelDrawer
        requestId={opened}
        request={opened ? byId.get(opened) : undefined}
        onClose={() => setOpened(undefined)}
      />
    </Box>
  );
};
