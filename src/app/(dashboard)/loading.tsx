export default function Loading() {
  return (
    <div className="animate-pulse" role="status" aria-busy aria-label="Loading">
      <div className="mb-5 h-7 w-48 rounded bg-zinc-200" />
      <div className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4">
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="h-6 rounded bg-zinc-100" />
        ))}
      </div>
    </div>
  );
}
