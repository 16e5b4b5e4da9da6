"""RQ jobs for reminders, and the worker entry point of the Procfile.

`python -m jobs.reminders worker` runs an RQ worker (JSON serializer, with RQ's scheduler, which
runs the scheduled retries) on the reminder queue first and then the `default` one (RQ takes
the queues in that order, so a due reminder goes before any waiting PDF or export), plus a small
clock process that puts `dispatch_tick` on the reminder queue every REMINDER_DISPATCH_INTERVAL
seconds (and, once a day, the retention run of jobs.retention). The job id names the time slot
and is unique, so several workers (several clocks) give one tick per slot.

Why not `rq cron`: its CronJob enqueues with RQ's default (pickle) serializer, which a
`--serializer json` worker cannot read, and RQ calls it beta. A Redis flush loses nothing here:
the clock lives in a process, not in Redis, and the reminders live in the database.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import time
from collections.abc import Mapping
from typing import Any

from babel import Locale
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker
from rq.exceptions import DuplicateJobError
from rq.serializers import JSONSerializer
from rq.worker import BaseWorker, WorkerStatus

from app.queues import get_queue
from app.services.notifications.delivery import deliver as deliver_one
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.sweepers import sweep_leases, sweep_no_receipt
from jobs import _app, app_job, make_fork_safe

log = logging.getLogger("jobs.reminders")
# Seconds the worker waits before it tries Redis again after losing it.
REDIS_RETRY = 5


@app_job
def deliver(notification_id: str) -> str:
    return deliver_one(notification_id)


@app_job
def dispatch_tick() -> dict[str, Any]:
    """Sweep, then hand every due reminder to the queue."""
    leases = sweep_leases()
    no_receipt = sweep_no_receipt()
    result = dispatch_due()
    return {
        "leases": leases,
        "no_receipt": no_receipt,
        "created": result.created,
        "enqueued": result.enqueued,
        "deferred": result.deferred,
        "cancelled": dict(result.cancelled),
        "enqueue_failed": result.enqueue_failed,
    }


class ReminderWorker(Worker):
    """RQ's forking worker, except for the reminder queue: deliver() and dispatch_tick() run in
    the worker process itself, like RQ's SimpleWorker. Forking this app (~200 MB) costs more
    than a reminder does (bench/reminders.py: about 10x fewer sends per second), and these
    jobs need no isolation: they bound their own network calls, and a worker that dies mid-job
    leaves a `sending` row that the lease sweeper takes back. Other queues (PDF rendering)
    keep a fresh work horse per job."""

    in_process_queues: frozenset[str] = frozenset()
    # os.nice() increment for the work horse of a forked job (JOB_NICENESS).
    work_horse_niceness = 0

    def execute_job(self, job: Any, queue: Queue) -> None:
        if queue.name not in self.in_process_queues:
            super().execute_job(job, queue)
            return
        self.prepare_execution(job)
        self.perform_job(job, queue)
        self.set_state(WorkerStatus.IDLE)

    def main_work_horse(self, job: Any, queue: Queue) -> None:
        """In the forked work horse only: a print or an export gives way to page requests on a
        shared machine; the worker itself (and so every reminder) keeps its priority."""
        if self.work_horse_niceness:
            os.nice(self.work_horse_niceness)
        super().main_work_horse(job, queue)


def enqueue_tick(queue: Queue, interval: int, now: float | None = None) -> bool:
    """Put this time slot's dispatch_tick on the queue; False if another clock did already.
    By name: under `python -m jobs.reminders` this module is __main__, which RQ refuses."""
    slot = int((now if now is not None else time.time()) // interval)
    try:
        queue.enqueue(
            "jobs.reminders.dispatch_tick",
            job_id=f"reminders-dispatch-{slot}",
            unique=True,
            job_timeout=max(interval * 10, 300),
            result_ttl=interval * 4,
            failure_ttl=7 * 86400,
        )
    except DuplicateJobError:
        return False
    return True


def enqueue_retention(queue: Queue, now: float | None = None) -> bool:
    """Put today's retention run (jobs.retention) on the queue; False if a clock did already.
    The finished job is kept two days, so its id blocks a second run the same day."""
    day = int((now if now is not None else time.time()) // 86400)
    try:
        queue.enqueue(
            "jobs.retention.retention_tick",
            job_id=f"retention-{day}",
            unique=True,
            job_timeout=3600,
            result_ttl=2 * 86400,
            failure_ttl=7 * 86400,
        )
    except DuplicateJobError:
        return False
    return True


def run_clock(redis_url: str, queue_name: str, interval: int) -> None:
    logging.basicConfig(level=logging.INFO)
    queue = get_queue(queue_name, redis_url)
    while True:
        try:
            enqueue_tick(queue, interval)
            enqueue_retention(queue)
        except RedisError as exc:
            log.warning("reminders clock: Redis unavailable (%s); trying again next slot", exc)
        time.sleep(interval - time.time() % interval)


def warm_up() -> None:
    """Load what every deliver() needs once, before forking: each work horse starts from a copy
    of this process, so whatever is cold here is loaded again for every single job."""
    app = _app()
    for lang in ("nl", "en"):
        Locale.parse(lang).days  # noqa: B018 - loads the CLDR data
    app.jinja_env.get_template("email/reminder.html")


def run_worker(burst: bool = False, with_clock: bool = True, simple: bool = False) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Their INFO lines (plugin set-up, PDF render steps) drown the job log.
    for noisy in ("alembic", "weasyprint", "fontTools", "xmlschema"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    warm_up()
    make_fork_safe(_app())
    config = _app().config
    url, queue_name = config["REDIS_URL"], config["REMINDER_QUEUE"]
    clock = None
    if with_clock:
        clock = multiprocessing.Process(
            target=run_clock,
            args=(url, queue_name, config["REMINDER_DISPATCH_INTERVAL"]),
            name="reminders-clock",
            daemon=True,
        )
        clock.start()
    names = queue_names(config)
    niceness = int(config["JOB_NICENESS"])
    try:
        while True:
            # RQ's worker ends when Redis goes away; this one waits and starts again, so a Redis
            # outage delays reminders (requeued from the database) instead of stopping the worker.
            try:  # a new RQ worker talks to Redis already
                worker = _new_worker(names, url, queue_name, simple, niceness)
                worker.work(with_scheduler=True, burst=burst)
                return
            except RedisConnectionError as exc:
                log.warning(
                    "worker: Redis unavailable (%s); starting again in %s s", exc, REDIS_RETRY
                )
                time.sleep(REDIS_RETRY)
    finally:
        if clock is not None:
            clock.terminate()
            clock.join(5)


def queue_names(config: Mapping[str, Any]) -> list[str]:
    """The queues the worker listens to, in the order RQ takes them: reminders are time-critical
    (docs/design/reminders.md), so the reminder queue comes first and a long job on the default
    queue (a PDF, a data export) that waits is taken after a due reminder, not before it."""
    return list(dict.fromkeys([config["REMINDER_QUEUE"], config["JOB_QUEUE"]]))


def _new_worker(
    names: list[str], url: str, reminder_queue: str, simple: bool, niceness: int = 0
) -> BaseWorker:
    queues = [get_queue(name, url) for name in names]
    connection = queues[0].connection
    if simple:
        return SimpleWorker(queues, connection=connection, serializer=JSONSerializer)
    worker = ReminderWorker(queues, connection=connection, serializer=JSONSerializer)
    worker.in_process_queues = frozenset({reminder_queue})
    worker.work_horse_niceness = niceness
    return worker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m jobs.reminders")
    parser.add_argument("command", choices=["worker", "dispatch"])
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    parser.add_argument("--no-clock", action="store_true", help="no periodic dispatcher")
    parser.add_argument(
        "--simple",
        action="store_true",
        help="run jobs in the worker process (no fork per job): faster, less isolated",
    )
    args = parser.parse_args(argv)
    if args.command == "dispatch":
        with _app().app_context():
            print(dispatch_tick())
        return
    run_worker(burst=args.burst, with_clock=not args.no_clock, simple=args.simple)


if __name__ == "__main__":
    main()
