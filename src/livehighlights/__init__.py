"""livehighlights: turn the best moments of a live-shopping LIVE into short, compliant, shoppable clips.

Data flows one way: ``sources`` -> ``signals`` -> ``detect`` -> ``plan`` -> ``render``.
All times inside the system are integer milliseconds from the LIVE's start (see :mod:`.timebase`).
Nothing heavy is imported here; import the stage you need.
"""

__version__ = "0.1.0"
