"""The jobs: periodic work that ``yinsi jobs NAME`` and the scheduler inside ``yinsi serve`` run alike.

An entry point like the API and the CLI: each job parses its options, calls one service operation and says
what it did (counts, never PI). ``registry`` names them, ``runner`` runs one under its lease (one process at a
time across workers and machines), ``scheduler`` runs the due ones in a server's background thread.
"""

from yinsi.jobs.registry import JOBS, Job, JobContext
from yinsi.jobs.runner import JobBusy, JobRun, run_job

__all__ = ["JOBS", "Job", "JobBusy", "JobContext", "JobRun", "run_job"]
