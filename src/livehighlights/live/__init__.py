"""Following a LIVE while it runs: the video buffer (ingest), the event sources, the wall clock, the follower, the
automatic posts, the leases that give each LIVE to one worker, and the end of a LIVE.

Nothing is imported here: import the modules you need (``livehighlights.live.follower`` ...).
"""
