-- The 售后时效 page's job history: the 50 latest runs of Returnscope's jobs (ingest, run, weekly
-- report, API pull), so that a failed night is visible in the morning. Times are UTC in the table
-- and shown in Beijing time here. Only the first line of a message (the summary; later lines name
-- failed files). Grain: one row per run.
with runs as (
    select * from meta.job_runs
),

final as (
    select
        run_id,
        job,
        trigger,
        detail,
        strftime(started_at + interval 8 hour, '%Y-%m-%d %H:%M') as started_beijing,
        strftime(finished_at + interval 8 hour, '%Y-%m-%d %H:%M') as finished_beijing,
        round(date_diff('second', started_at, coalesce(finished_at, started_at)) / 60.0, 1) as minutes,
        status,
        files_loaded,
        files_failed,
        split_part(coalesce(message, ''), chr(10), 1) as message
    from runs
    order by started_at desc, run_id desc
    limit 50
)

select * from final;
