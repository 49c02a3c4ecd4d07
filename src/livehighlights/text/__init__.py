"""Understanding what the host says: selling points stated, merchant action cues, the catalog's words.

Importing this package loads no model; the embedder loads on first use.
"""

from .cues import BUYING_CUES, CUE_KINDS, CUE_PATTERNS, Cue, add_cue_patterns, find_action_cues
from .embed import EMBEDDERS, Embedder, embedder_error, get_embedder, register_embedder
from .normalize import normalise
from .selling_points import EMBED_THRESHOLD, FUZZY_THRESHOLD, MatchOptions, PointMatch, match_selling_points
from .vocabulary import Correction, correct_words, word_error_rate

__all__ = ["BUYING_CUES", "CUE_KINDS", "CUE_PATTERNS", "EMBEDDERS", "EMBED_THRESHOLD", "FUZZY_THRESHOLD", "Correction",
           "Cue", "correct_words", "word_error_rate",
           "Embedder", "MatchOptions", "PointMatch", "add_cue_patterns", "embedder_error", "find_action_cues",
           "get_embedder", "match_selling_points", "normalise", "register_embedder"]
