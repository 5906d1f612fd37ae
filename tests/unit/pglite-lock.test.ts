import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '@/db/pglite-lock';

describe('PGlite data folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'runledger-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const holder = () => JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'));

  it('refuses a second holder while the first lives, and frees the folder on release', () => {
    const release = lockDataDir(dir);
    expect(holder().pid).toBe(process.pid);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir)();
  });

  it('takes over the lock of a process that is gone (kill -9)', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.kill(process.pid, "SIGKILL")']);
    expect(dead.signal).toBe('SIGKILL');
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: dead.pid, host: hostname(), startTime: '1', command: 'next start' }),
    );
    const release = lockDataDir(dir);
    expect(holder().pid).toBe(process.pid);
    release();
  });

  it('takes over a lock whose pid now belongs to another process (a different start time)', () => {
    // pid 1 is alive, but it is not the process that wrote this lock (start times come from /proc).
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: hostname(), startTime: 'not-its-start-time', command: 'next start' }),
    );
    lockDataDir(dir)();
  });

  it('takes over the lock of a killed process that is not reaped yet (a zombie)', async () => {
    // The shell kills its child with SIGKILL, then becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; kill -9 $!; exec sleep 60']);
    try {
      const pid = Number(
        await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))),
      );
      const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
      await vi.waitFor(() => expect(state()).toBe('Z'), { timeout: 10_000, interval: 20 });
      const startTime = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
      writeFileSync(
        path.join(dir, LOCK_FILE),
        JSON.stringify({ pid, host: hostname(), startTime, command: 'next start' }),
      );
      const release = lockDataDir(dir);
      expect(holder().pid).toBe(process.pid);
      release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('a live holder in another process is reported with its pid', () => {
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host: hostname(), startTime: null, command: 'next start' }),
    );
    const err = (() => {
      try {
        lockDataDir(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).holder.pid).toBe(process.ppid);
    // The refused process left the holder's lock in place.
    expect(holder().pid).toBe(process.ppid);
  });
});
