-- Issue 9. Runs: a parent must be a run of the same project (the next migration adds the foreign key);
-- parents that name no run of the run's project are cleared.
UPDATE runs r SET parent_run_id = NULL
WHERE r.parent_run_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM runs p WHERE p.id = r.parent_run_id AND p.project_id = r.project_id);
--> statement-breakpoint
-- Usage: every window of every subject and metric is counted from now on, with or without a quota.
-- Every open hold names the four windows of its instant ...
UPDATE usage_reservations r SET windows = (
  SELECT jsonb_agg(jsonb_build_object('window', p.period,
           'windowStart', to_char(date_trunc(p.period, r.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         ORDER BY p.n)
  FROM (VALUES (1, 'minute'), (2, 'hour'), (3, 'day'), (4, 'month')) AS p(n, period)
)
WHERE r.status = 'held';
--> statement-breakpoint
-- ... and the counters are rebuilt from the ledger and the open holds.
DELETE FROM usage_counters;
--> statement-breakpoint
INSERT INTO usage_counters (project_id, subject, metric, period, window_start, used)
SELECT a.project_id, a.subject, a.metric, p.period::quota_window,
       date_trunc(p.period, a.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', sum(a.amount)
FROM (
  SELECT project_id, subject, metric, amount, occurred_at AS at FROM usage_events
  UNION ALL
  SELECT project_id, subject, metric, amount, created_at FROM usage_reservations WHERE status = 'held'
) a
CROSS JOIN (VALUES ('minute'), ('hour'), ('day'), ('month')) AS p(period)
GROUP BY 1, 2, 3, 4, 5;
