import 'server-only';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { addSection, createReport, updateReport } from '../reports';
import { type Rng, uuidFrom } from './random';
import { type DemoRun, EventLog, costUsd, endedRunUsage } from './stream';
import type { StepSpec, WorkflowSpec } from './workflow-content';

/** When each report and section was written (the domain stamps `now`; the demo moves them back). */
export type Stamp = { table: 'reports' | 'report_sections'; id: string; at: Date; updatedAt?: Date };

export type WorkflowRunSpec = {
  key: string;
  projectId: string;
  userId: string;
  startAt: Date;
  outcome: 'succeeded' | 'failed' | 'running';
};

/**
 * A workflow run: `data-step` chunks as each step starts and ends, a report with a section per finding
 * and one branch report per branch (created with the reports domain), and a `report-section` event at
 * the moment each section was written.
 */
export async function writeWorkflowRun(
  db: DbOrTx,
  rng: Rng,
  wf: WorkflowSpec,
  spec: WorkflowRunSpec,
): Promise<{ run: DemoRun; stamps: Stamp[] }> {
  const id = uuidFrom(`run:${spec.key}`);
  const log = new EventLog(rng, spec.startAt);
  const stamps: Stamp[] = [];
  await db.insert(runs).values({
    id,
    projectId: spec.projectId,
    kind: 'workflow',
    name: wf.name,
    status: 'running',
    userId: spec.userId,
    model: wf.model,
    tags: wf.tags,
    input: { workflow: wf.title },
    metadata: { source: 'demo', branches: wf.branches.map((b) => b.branch) },
    startedAt: spec.startAt,
    createdAt: spec.startAt,
    updatedAt: spec.startAt,
  });
  log.push('status', { status: 'running' }, [0, 0]);
  log.chunk({ type: 'start', messageId: `msg_${id.slice(0, 8)}` }, [10, 50]);

  const report = await makeReport(db, spec, id, `${spec.key}:report`, { title: wf.title }, log.now, stamps);
  let stepNo = 0;
  let failed = false;
  const allSteps = [
    ...wf.before.map((s) => ({ step: s, reportId: report, branch: undefined as string | undefined })),
    ...wf.branches.flatMap((b) => b.steps.map((s) => ({ step: s, reportId: '', branch: b.branch }))),
    ...wf.after.map((s) => ({ step: s, reportId: report, branch: undefined as string | undefined })),
  ];
  const branchReports = new Map<string, string>();
  const stopAfter = spec.outcome === 'running' ? Math.ceil(allSteps.length / 2) : allSteps.length;
  const failAt = spec.outcome === 'failed' ? wf.before.length + 1 : -1;

  for (const [i, item] of allSteps.entries()) {
    if (i >= stopAfter) break;
    const stepId = `step_${++stepNo}`;
    const data = { name: item.step.name, ...(item.branch ? { branch: item.branch } : {}) };
    log.chunk({ type: 'data-step', id: stepId, data: { ...data, status: 'running' } }, [400, 3000]);
    if (i === failAt) {
      const errorText = `Step "${item.step.name}" failed: rate limited by the search provider (429)`;
      log.chunk(
        { type: 'data-step', id: stepId, data: { ...data, status: 'failed', error: errorText } },
        [3000, 9000],
      );
      log.chunk({ type: 'error', errorText }, [10, 50]);
      failed = true;
      break;
    }
    let reportId = item.reportId;
    if (item.branch) {
      const branch = wf.branches.find((b) => b.branch === item.branch)!;
      reportId =
        branchReports.get(item.branch) ??
        (await makeReport(
          db,
          spec,
          id,
          `${spec.key}:branch:${item.branch}`,
          { title: branch.title, branch: item.branch, parentReportId: report },
          log.now,
          stamps,
        ));
      branchReports.set(item.branch, reportId);
    }
    await writeSections(db, spec.projectId, reportId, item.step, log, stamps);
    log.chunk({ type: 'data-step', id: stepId, data: { ...data, status: 'done' } }, [50, 400]);
  }

  const base = { id, projectId: spec.projectId, createdAt: spec.startAt };
  if (spec.outcome === 'running') {
    return { run: { row: { ...base, name: wf.name, updatedAt: log.now }, events: log.events }, stamps };
  }
  const inputTokens = rng.int(6000, 18000);
  const outputTokens = rng.int(1500, 4000);
  const cost = costUsd(wf.model, inputTokens, outputTokens);
  const status = failed ? 'failed' : 'succeeded';
  if (!failed) log.chunk({ type: 'finish', finishReason: 'stop' }, [20, 200]);
  log.push('usage', { inputTokens, outputTokens, model: wf.model, costUsd: cost }, [1, 5]);
  log.push('status', { status }, [1, 5]);
  const final = [report, ...branchReports.values()];
  for (const reportId of final) {
    if (!failed) await updateReport(db, spec.projectId, reportId, { status: 'final' });
    const stamp = stamps.find((s) => s.id === reportId);
    if (stamp) stamp.updatedAt = log.now;
  }
  const lastError = log.events.findLast((e) => e.type === 'error');
  const { totals, usage } = endedRunUsage({
    subject: spec.userId,
    model: wf.model,
    inputTokens,
    outputTokens,
    costUsd: cost,
    at: log.now,
  });
  return {
    run: {
      row: {
        ...base,
        name: wf.name,
        status,
        error: lastError ? { message: lastError.payload.errorText } : null,
        output: failed ? null : { reportId: report },
        ...totals,
      },
      events: log.events,
      usage,
    },
    stamps,
  };
}

async function makeReport(
  db: DbOrTx,
  spec: WorkflowRunSpec,
  runId: string,
  key: string,
  input: { title: string; branch?: string; parentReportId?: string },
  at: Date,
  stamps: Stamp[],
): Promise<string> {
  const { report } = await createReport(db, spec.projectId, runId, { id: uuidFrom(key), ...input });
  stamps.push({ table: 'reports', id: report.id, at, updatedAt: at });
  return report.id;
}

async function writeSections(
  db: DbOrTx,
  projectId: string,
  reportId: string,
  step: StepSpec,
  log: EventLog,
  stamps: Stamp[],
) {
  for (const s of step.sections) {
    const section = await addSection(db, projectId, reportId, s);
    const event = log.push('report-section', { reportId, sectionId: section.id }, [2000, 12000]);
    stamps.push({ table: 'report_sections', id: section.id, at: event.ts });
  }
}
