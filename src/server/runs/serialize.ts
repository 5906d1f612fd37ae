import type { Run, RunResult } from '@/db/schema';
import type { ResultDto, RunDto } from '@/lib/contract';
import { iso } from '@/lib/time';

export function toRunDto(run: Run): RunDto {
  return {
    id: run.id,
    projectId: run.projectId,
    kind: run.kind,
    name: run.name,
    status: run.status,
    threadId: run.threadId,
    parentRunId: run.parentRunId,
    userId: run.userId,
    model: run.model,
    input: (run.input ?? null) as RunDto['input'],
    output: (run.output ?? null) as RunDto['output'],
    error: (run.error ?? null) as RunDto['error'],
    metadata: run.metadata as RunDto['metadata'],
    tags: run.tags,
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    eventCount: run.eventCount,
    lastSeq: run.lastSeq,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    totalTokens: run.totalTokens,
    costUsd: run.costUsd,
    datasetId: run.datasetId,
    datasetVersion: run.datasetVersion,
    targetType: run.targetType,
    targetId: run.targetId,
    totalItems: run.totalItems,
    succeededCount: run.succeededCount,
    failedCount: run.failedCount,
  };
}

export function toResultDto(r: RunResult): ResultDto {
  return {
    id: r.id,
    runId: r.runId,
    itemId: r.itemId,
    itemVersion: r.itemVersion,
    input: (r.input ?? null) as ResultDto['input'],
    output: (r.output ?? null) as ResultDto['output'],
    groundTruth: (r.groundTruth ?? null) as ResultDto['groundTruth'],
    latencyMs: r.latencyMs,
    error: (r.error ?? null) as ResultDto['error'],
    startedAt: iso(r.startedAt),
    completedAt: iso(r.completedAt),
    retryCount: r.retryCount,
    createdAt: iso(r.createdAt),
  };
}
