export default function Loading() {
  return (
    <div
      className="flex max-w-7xl animate-pulse flex-col gap-5"
      role="status"
      aria-busy
      aria-label="Loading usage"
    >
      <div className="h-7 w-32 rounded bg-zinc-200" />
      <div className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="h-8 rounded bg-zinc-100" />
        ))}
      </div>
      <div className="grid grid-cols-1 gap-5 xl:grid-cols-2">
        <div className="h-64 rounded-lg border border-zinc-200 bg-white" />
        <div className="h-64 rounded-lg border border-zinc-200 bg-white" />
      </div>
    </div>
  );
}
