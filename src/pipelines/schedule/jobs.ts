/**
 * The job history (meta.job_runs, models/meta/schema.sql): one row per run of a job, written by
 * the lock holder. A run starts as 'running' and ends as succeeded, failed or interrupted (a
 * SIGINT/SIGTERM stopped it between files); a run killed outright stays 'running' until the next
 * lock holder finds its process gone and marks it 'interrupted'.
 */
import type {Warehouse} from "../warehouse.js";

export type JobName = "ingest" | "run" | "weekly-report" | "pull-api" | "demo";
export type JobTrigger = "manual" | "schedule" | "catch-up";
export type JobStatus = "running" | "succeeded" | "failed" | "interrupted";

export interface JobRun {
  run_id: number;
  job: string;
  trigger: string;
  detail: string | null;
  started_at: string;
  finished_at: string | null;
  status: JobStatus;
  files_loaded: number;
  files_skipped: number;
  files_failed: number;
  message: string | null;
}

export interface JobCounts {
  files_loaded?: number;
  files_skipped?: number;
  files_failed?: number;
}

export async function startJob(
  warehouse: Warehouse,
  run: {job: JobName; trigger: JobTrigger; detail?: string | null; pid: number; host: string; now: Date},
): Promise<number> {
  const row = await warehouse.one(
    `insert into meta.job_runs (run_id, job, trigger, detail, pid, host, started_at, status)
     values (nextval('meta.job_run_sequence')::integer, $job, $trigger, $detail, $pid, $host, $now::timestamptz, 'running')
     returning run_id`,
    {
      job: run.job,
      trigger: run.trigger,
      detail: run.detail ?? null,
      pid: run.pid,
      host: run.host,
      now: run.now.toISOString(),
    },
  );
  return Number(row!.run_id);
}

export async function finishJob(
  warehouse: Warehouse,
  runId: number,
  end: {status: Exclude<JobStatus, "running">; now: Date; message?: string | null} & JobCounts,
): Promise<void> {
  await warehouse.run(
    `update meta.job_runs set status = $status, finished_at = $now::timestamptz, message = $message,
       files_loaded = $loaded, files_skipped = $skipped, files_failed = $failed
     where run_id = $run_id`,
    {
      run_id: runId,
      status: end.status,
      now: end.now.toISOString(),
      message: end.message ?? null,
      loaded: end.files_loaded ?? 0,
      skipped: end.files_skipped ?? 0,
      failed: end.files_failed ?? 0,
    },
  );
}

/**
 * Marks as interrupted the runs still 'running' whose process is gone. Called by a lock holder, so
 * no other run can be in progress: every 'running' row of another process on this host is dead.
 */
export async function markInterrupted(
  warehouse: Warehouse,
  current: {pid: number; host: string; now: Date; isAlive: (pid: number) => boolean},
): Promise<number> {
  const running = await warehouse.all("select run_id, pid, host from meta.job_runs where status = 'running'");
  const dead = running.filter(
    (r) => !(r.host === current.host && (Number(r.pid) === current.pid || current.isAlive(Number(r.pid)))),
  );
  for (const r of dead)
    await finishJob(warehouse, Number(r.run_id), {
      status: "interrupted",
      now: current.now,
      message: "the process stopped before the run finished (killed or crashed)",
    });
  return dead.length;
}

/** The latest runs, newest first. */
export async function jobHistory(warehouse: Warehouse, limit = 20): Promise<JobRun[]> {
  return (await warehouse.all(
    `select run_id, job, trigger, detail,
        strftime(started_at, '%Y-%m-%d %H:%M:%S%z') as started_at,
        strftime(finished_at, '%Y-%m-%d %H:%M:%S%z') as finished_at,
        status, files_loaded, files_skipped, files_failed, message
     from meta.job_runs order by started_at desc, run_id desc limit $limit`,
    {limit},
  )) as unknown as JobRun[];
}

/** Whether a job with this detail (a report's week) has succeeded. */
export async function hasSucceeded(warehouse: Warehouse, job: JobName, detail: string): Promise<boolean> {
  const row = await warehouse.one(
    "select count(*)::integer as n from meta.job_runs where job = $job and detail = $detail and status = 'succeeded'",
    {job, detail},
  );
  return Number(row?.n ?? 0) > 0;
}
