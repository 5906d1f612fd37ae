import { diffWords } from 'diff';

/** Two texts as one, words removed from A struck through in red and words added in B in green. */
export function WordDiff({ a, b }: { a: string; b: string }) {
  const parts = diffWords(a, b);
  return (
    <p className="whitespace-pre-wrap break-words text-sm leading-6" data-testid="answer-diff">
      {parts.map((part, i) => {
        const key = `${i}-${part.added ? 'a' : part.removed ? 'r' : 's'}`;
        if (part.added) {
          return (
            <ins key={key} className="bg-emerald-100 text-emerald-900 no-underline" data-testid="diff-added">
              {part.value}
            </ins>
          );
        }
        if (part.removed) {
          return (
            <del key={key} className="bg-red-100 text-red-900" data-testid="diff-removed">
              {part.value}
            </del>
          );
        }
        return <span key={key}>{part.value}</span>;
      })}
    </p>
  );
}
