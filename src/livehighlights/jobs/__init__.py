"""The per-moment path, shared by both clocks.

A confirmed moment becomes a job over one :class:`LiveContext`: place the window -> understand -> refine ->
check -> cut (-> remix when asked) (:mod:`.moment`). :func:`follow` runs the LIVE's events through the engine
and the online policy, storing every moment and job result as it goes (:mod:`.replay`); ``process`` replays a
recording through it as fast as the machine allows, the live follower runs it on the wall clock.
"""

from .context import Analysis, LiveContext, Progress
from .moment import Candidate, CutOutcome, check_window, cut_candidate, place, understand_window
from .records import options_key, recording_key
from .replay import FollowOutcome, OnCandidate, follow, follow_moments, noting_products
from .runner import JobRunner, WorkerConfig

__all__ = ["Analysis", "Candidate", "CutOutcome", "FollowOutcome", "JobRunner", "LiveContext", "Progress",
           "OnCandidate", "WorkerConfig", "check_window", "cut_candidate", "follow", "follow_moments",
           "noting_products", "options_key", "place", "recording_key", "understand_window"]
