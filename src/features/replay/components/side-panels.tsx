'use client';
import type { ReactNode } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import type { ReportDto } from '@/lib/contract/reports';
import { EventInspector } from './event-inspector';
import { ReportsPanel } from './reports-panel';
import type { ReplayStore } from './store';

/** Beside the transcript: the run's reports (sections appear with their events) and the raw events. */
export function SidePanels({
  store,
  reports,
  cutSeq,
  count,
  position,
  onSeek,
  loading,
  total,
  scoring,
}: {
  store: ReplayStore;
  reports: ReportDto[];
  cutSeq: number;
  /** The events to list (the store's length when the replay rendered). */
  count: number;
  /** The replay position's index (null: the complete run). */
  position: number | null;
  onSeek: (index: number) => void;
  loading: boolean;
  total: number;
  /** The scoring panel, on top. */
  scoring?: ReactNode;
}) {
  return (
    <div className="flex min-w-0 flex-col gap-5">
      {scoring}
      {reports.length > 0 && (
        <Card>
          <CardHeader title="Reports" />
          <div className="p-3">
            <ReportsPanel reports={reports} sectionSeqs={store.sectionSeqs} cutSeq={cutSeq} />
          </div>
        </Card>
      )}
      <Card>
        <CardHeader title="Events" />
        <EventInspector
          store={store}
          count={count}
          position={position}
          onSeek={onSeek}
          loading={loading}
          total={total}
          start={store.start}
        />
      </Card>
    </div>
  );
}
