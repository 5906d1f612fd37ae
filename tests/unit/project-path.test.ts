import { describe, expect, it } from 'vitest';
import { legacyRunId, projectPath, projectSlugOf, runIdOfPath, switchedPath } from '@/lib/project-path';

const id = '00000000-0000-4000-8000-000000000001';

describe('project paths', () => {
  it('builds /p/<slug>/… with each segment encoded, and reads the slug back', () => {
    expect(projectPath('demo', 'runs', id)).toBe(`/p/demo/runs/${id}`);
    expect(projectPath('demo', 'threads', 'a b/c')).toBe('/p/demo/threads/a%20b%2Fc');
    expect(projectSlugOf('/p/demo/settings/keys')).toBe('demo');
    expect(projectSlugOf('/p/demo')).toBe('demo');
    expect(projectSlugOf('/runs/x')).toBeNull();
    expect(projectSlugOf('/projects')).toBeNull();
  });

  it('reads the run id of a run page (/p/<slug>/runs/<id>), not of the list or the comparison', () => {
    expect(runIdOfPath(`/p/demo/runs/${id}`)).toBe(id);
    expect(runIdOfPath(`/p/demo/runs/${id}/`)).toBe(id);
    expect(runIdOfPath('/p/demo/runs/not-an-id')).toBe('not-an-id');
    expect(runIdOfPath('/p/demo/runs/%E0%A4%A')).toBe('');
    expect(runIdOfPath('/p/demo/runs/compare')).toBeNull();
    expect(runIdOfPath('/p/demo/runs')).toBeNull();
    expect(runIdOfPath(`/p/demo/runs/${id}/events`)).toBeNull();
    expect(runIdOfPath(`/runs/${id}`)).toBeNull();
  });

  it('finds the run id of an old /runs/<id> link, not of /runs/compare or /runs/export', () => {
    expect(legacyRunId(`/runs/${id}`)).toBe(id);
    expect(legacyRunId('/runs/compare')).toBeNull();
    expect(legacyRunId('/runs/export')).toBeNull();
    expect(legacyRunId('/runs')).toBeNull();
  });

  it.each([
    ['/p/a/runs', 'viewer', '/p/b/runs'],
    [`/p/a/runs/${id}`, 'viewer', '/p/b/runs'],
    ['/p/a/runs/compare', 'viewer', '/p/b/runs'],
    ['/p/a/threads/t1', 'viewer', '/p/b/runs'],
    ['/p/a/usage', 'viewer', '/p/b/usage'],
    ['/p/a/datasets', 'viewer', '/p/b/datasets'],
    ['/p/a/settings/keys', 'viewer', '/p/b/settings/keys'],
    ['/p/a/settings/members', 'owner', '/p/b/settings/members'],
    ['/p/a/settings/members', 'editor', '/p/b/runs'],
    ['/p/a/settings/audit', 'viewer', '/p/b/runs'],
    ['/settings/account', 'owner', '/p/b/runs'],
  ] as const)('the switcher goes from %s (as %s there) to %s', (from, role, to) => {
    expect(switchedPath(from, 'b', role)).toBe(to);
  });
});
