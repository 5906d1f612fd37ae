'use client';
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { deleteOwnScoreAction } from './actions';
import { type RunScoreView, scoreText } from './types';

/** Every score of the run: its target (a step links to its moment), value, author and comment. */
export function ScoreList({
  runId,
  scores,
  canScore,
  onSeekSeq,
}: {
  runId: string;
  scores: RunScoreView[];
  canScore: boolean;
  onSeekSeq: (seq: number) => void;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  if (scores.length === 0) return <p className="px-3 pb-3 text-xs text-zinc-400">No scores yet.</p>;
  const remove = (scoreId: string) =>
    start(async () => {
      const res = await deleteOwnScoreAction(null, { runId, scoreId });
      if (res.ok) router.refresh();
    });
  return (
    <ul className="divide-y divide-zinc-100 border-t border-zinc-100 text-xs" data-testid="score-list">
      {scores.map((s) => (
        <li key={s.id} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5 px-3 py-1.5">
          <span className="font-medium text-zinc-800">{s.name}</span>
          <span className="font-mono text-zinc-900">{scoreText(s)}</span>
          {s.seq !== null ? (
            <button type="button" className="text-blue-700 hover:underline" onClick={() => onSeekSeq(s.seq!)}>
              seq {s.seq}
            </button>
          ) : (
            <span className="text-zinc-400">{s.resultId ? 'result' : 'run'}</span>
          )}
          <span className="text-zinc-500">{s.author}</span>
          {s.mine && canScore && (
            <button
              type="button"
              disabled={pending}
              className="ml-auto text-zinc-400 hover:text-red-600"
              onClick={() => remove(s.id)}
              aria-label={`Remove my ${s.name} score`}
            >
              remove
            </button>
          )}
          {s.comment && <p className="w-full whitespace-pre-wrap text-zinc-600">{s.comment}</p>}
        </li>
      ))}
    </ul>
  );
}
