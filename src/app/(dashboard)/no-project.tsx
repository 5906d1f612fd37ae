import { Card, EmptyState } from '@/components/ui/card';

export function NoProject() {
  return (
    <Card>
      <EmptyState title="No project yet">
        Create one with{' '}
        <code className="rounded bg-zinc-100 px-1">npm run cli -- keys create --project my-app</code> and send
        runs with the key it prints.
      </EmptyState>
    </Card>
  );
}
