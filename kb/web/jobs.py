"""Ingestion outside the request: a queue with one worker thread and its own
KnowledgeBase, so uploads never hold up searches. Jobs report their stage."""
from __future__ import annotations

import datetime as dt
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from kb import KBError, KnowledgeBase, Settings

STAGES = {
    "queued": "Waiting for the documents before it",
    "reading": "Reading the document and finding its learning points",
    "tagging": "Tagging themes and embedding the learning points",
    "saving": "Saving",
    "indexing": "Updating the search indexes",
    "done": "Done",
    "failed": "Failed",
}
WORKING_STAGES = ["reading", "tagging", "saving", "indexing"]  # the order KnowledgeBase.ingest_bytes reports


@dataclass
class Job:
    id: str
    filename: str
    user: str | None
    status: str = "queued"           # queued | working | done | failed
    stage: str = "queued"
    outcome: str | None = None       # ingested | replaced | unchanged | duplicate
    note: str | None = None          # why a duplicate was not ingested again
    document_id: str | None = None
    title: str | None = None
    points: int = 0
    primary_themes: list[str] = field(default_factory=list)
    error: str | None = None
    created: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @property
    def step(self) -> int:
        """How many of the working stages (reading … indexing) have begun."""
        return WORKING_STAGES.index(self.stage) + 1 if self.stage in WORKING_STAGES else 0

    @property
    def stage_text(self) -> str:
        return STAGES.get(self.stage, self.stage)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["stage_text"] = self.stage_text
        d["finished"] = self.finished
        return d


class IngestQueue:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._kb: KnowledgeBase | None = None

    def submit(self, data: bytes, filename: str, metadata: dict, user: str | None,
               replace: str | None = None) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], filename=filename, user=user)
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, data, metadata, replace)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: Job, data: bytes, metadata: dict, replace: str | None) -> None:
        job.status = "working"

        def stage(name: str) -> None:
            job.stage = name

        try:
            if self._kb is None:
                self._kb = KnowledgeBase(self.settings)
            outcome = self._kb.ingest_bytes(data, job.filename, [metadata], replace=replace, on_stage=stage)
            doc = self._kb.resolve(outcome.document_id)
            job.outcome, job.document_id, job.points = outcome.status, outcome.document_id, outcome.points
            job.note = "; ".join([outcome.reason or ""] + outcome.warnings).strip("; ") or None
            job.title, job.primary_themes = doc["title"], doc["primary_themes"]
            job.status = job.stage = "done"
        except KBError as exc:
            job.error = getattr(exc, "reason", None) or str(exc)
            job.status = job.stage = "failed"
        except Exception as exc:  # noqa: BLE001 - the job must end with a readable reason, whatever happened
            job.error = f"could not be ingested ({type(exc).__name__}: {exc}); nothing was changed"
            job.status = job.stage = "failed"

    def wait(self, timeout: float = 60) -> None:
        """Block until every job submitted so far has finished (tests, shutdown)."""
        self._pool.submit(lambda: None).result(timeout=timeout)
