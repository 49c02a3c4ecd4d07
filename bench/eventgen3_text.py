"""Chat of ``eventgen3``: what viewers of a live-shopping LIVE write, in several languages, with emoji.

Phrases by category (greetings, small talk, questions, buying, reactions to a fun moment, giveaway commands,
flash-sale countdowns, bot adverts, copy-paste chains) and language (English, Spanish, Indonesian, Vietnamese,
Thai, Portuguese, Tagalog). :func:`phrase` picks one and varies it the way people type: emoji, repeated letters
and exclamation marks, case. Giveaway commands and chains are returned exactly (many people, one text).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CATEGORIES", "LANGS", "chain_text", "command_text", "phrase", "user_names"]

LANGS: tuple[str, ...] = ("en", "es", "id", "vi", "th", "pt", "tl")

_P: dict[str, dict[str, tuple[str, ...]]] = {
    "greet": {
        "en": ("hi", "hello everyone", "hey from texas", "just joined", "good evening", "hi host", "first time here"),
        "es": ("hola", "buenas noches", "saludos desde mexico", "hola a todos", "recien llego"),
        "id": ("halo kak", "hai kak", "assalamualaikum", "baru join kak", "salam dari bandung"),
        "vi": ("chao shop", "xin chao", "em moi vao", "chao ca nha"),
        "th": ("สวัสดีค่ะ", "หวัดดีค่ะแม่ค้า", "มาแล้วค่ะ"),
        "pt": ("oi", "boa noite", "ola do brasil", "cheguei"),
        "tl": ("hello po", "magandang gabi po", "present po", "hi ate"),
    },
    "chat": {
        "en": ("love your hair", "what song is this", "the lighting is nice today", "ok", "nice", "i have this one",
               "watching from work", "my order came yesterday", "so cute", "thank u"),
        "es": ("que bonito", "me encanta", "ya lo tengo", "si", "gracias", "que lindo color"),
        "id": ("bagus kak", "cakep", "aku udah punya", "makasih kak", "lucu banget", "iya kak"),
        "vi": ("dep qua", "xinh qua shop", "ok shop", "cam on shop"),
        "th": ("สวยมากค่ะ", "น่ารัก", "ขอบคุณค่ะ"),
        "pt": ("que lindo", "amei", "ja tenho", "obrigada"),
        "tl": ("ganda po", "ang cute", "salamat po", "meron na ako"),
    },
    "question": {
        "en": ("how much?", "price pls", "is there size M?", "do you ship to canada", "what colour is that",
               "is it waterproof?", "link?", "how long is shipping", "does it come in black"),
        "es": ("cuanto cuesta?", "precio?", "hay talla M?", "envian a peru?", "que color es?"),
        "id": ("berapa kak?", "harganya kak?", "ada ukuran L?", "bisa cod?", "warna lain ada?"),
        "vi": ("gia bao nhieu shop?", "size M con khong?", "co mau den khong?"),
        "th": ("ราคาเท่าไหร่คะ", "มีไซส์ M ไหมคะ", "ส่งฟรีไหม"),
        "pt": ("quanto custa?", "tem tamanho M?", "qual o preco?"),
        "tl": ("hm po?", "magkano po?", "may size M po?", "pa mine po"),
    },
    "buy": {
        "en": ("just bought", "ordered!", "got 2", "added to cart", "checked out", "mine", "bought it!!",
               "done paying", "sold", "i got the last one"),
        "es": ("ya lo compre", "listo comprado", "lo pedi", "me lo llevo"),
        "id": ("udah co kak", "checkout kak", "sudah bayar", "aku ambil 2", "keep kak"),
        "vi": ("da dat", "chot don", "lay 1 cai", "da thanh toan"),
        "th": ("ซื้อแล้วค่ะ", "cf ค่ะ", "จ่ายแล้ว"),
        "pt": ("comprei", "ja paguei", "quero 2", "peguei"),
        "tl": ("mine po", "check out na po", "bayad na", "mine 2 po"),
    },
    "react": {
        "en": ("hahaha", "lmaooo", "LOL", "omg", "im crying", "clip it", "no way", "😂😂😂", "dead 💀", "HAHAHA",
               "stop 🤣", "omg the dog", "best live ever", "!!!"),
        "es": ("jajaja", "jajajaja", "me muero", "no puedo 😂", "que risa", "JAJAJA"),
        "id": ("wkwkwk", "wkwkwkwk", "ngakak", "astaga 🤣", "lucu bgt", "WKWKWK"),
        "vi": ("hahaha", "buon cuoi qua", "=)))", "chet cuoi"),
        "th": ("555", "55555", "5555555", "ขำมาก"),
        "pt": ("kkkkk", "kkkkkkk", "rsrsrs", "morri 😂", "KKKKK"),
        "tl": ("hahaha", "HAHAHAHA", "grabe 😂", "nakakatawa"),
    },
    "countdown": {
        "en": ("ready", "3", "2", "1", "go go go", "waiting", "ready!!"),
        "es": ("listo", "3", "2", "1", "vamos"),
        "id": ("siap kak", "3", "2", "1", "gas"),
        "vi": ("san sang", "3", "2", "1"),
        "th": ("พร้อม", "3", "2", "1"),
        "pt": ("pronta", "3", "2", "1", "bora"),
        "tl": ("ready na po", "3", "2", "1"),
    },
}
CATEGORIES: tuple[str, ...] = tuple(_P)
"""Categories :func:`phrase` knows."""

_COMMANDS: dict[str, tuple[str, ...]] = {
    "en": ("WANT", "giveaway", "#giveaway", "me please", "1"),
    "es": ("QUIERO", "sorteo", "yo", "1"),
    "id": ("MAU", "mau kak", "giveaway kak", "1"),
    "vi": ("MUON", "em muon", "1"),
    "th": ("เอา", "อยากได้", "1"),
    "pt": ("EU QUERO", "sorteio", "1"),
    "tl": ("MINE", "sali po", "1"),
}
_CHAINS: tuple[str, ...] = (
    "type 1 if you want the host to do a free giveaway next LIVE 🎁🎁 share this!!",
    "copy this message so the host sees it ❤️ we love you ❤️ we love you ❤️",
    "🔥🔥 SALE SALE SALE 🔥🔥 everyone type SALE 🔥🔥",
    "ketik 1 kalau mau giveaway lagi kak 🙏🙏",
)
_BOTS: tuple[str, ...] = (
    "free followers at boost-fans dot com 💯",
    "earn $500 a day from home, DM me",
    "check my profile for cheap iphones 📱",
    "win a gift card: tap the link in my bio",
)
_EMOJI: tuple[str, ...] = ("😍", "❤️", "🔥", "👍", "😂", "🥰", "👏", "💕", "😮", "🙏", "✨", "🤣")


def _vary(rng: np.random.Generator, text: str) -> str:
    """Type it like a person: sometimes longer laughter, more ``!``, capitals or an emoji."""
    u = rng.random()
    if u < 0.15 and text[-1:].isalpha():
        text = text + text[-1] * int(rng.integers(1, 4))
    elif u < 0.25:
        text = text + "!" * int(rng.integers(1, 4))
    elif u < 0.32:
        text = text.upper()
    if rng.random() < 0.3:
        text = f"{text} {_EMOJI[int(rng.integers(len(_EMOJI)))] * int(rng.integers(1, 4))}"
    return text


def phrase(rng: np.random.Generator, category: str, lang: str) -> str:
    """One message of ``category`` in ``lang`` (falls back to English where a language has none)."""
    if category == "emoji":
        return "".join(_EMOJI[int(i)] for i in rng.integers(len(_EMOJI), size=int(rng.integers(1, 5))))
    if category == "bot":
        return _BOTS[int(rng.integers(len(_BOTS)))]
    pool = _P[category].get(lang) or _P[category]["en"]
    return _vary(rng, pool[int(rng.integers(len(pool)))])


def command_text(rng: np.random.Generator, lang: str) -> str:
    """The exact command a host asks the audience to type to enter a giveaway."""
    pool = _COMMANDS.get(lang, _COMMANDS["en"])
    return pool[int(rng.integers(len(pool)))]


def chain_text(rng: np.random.Generator) -> str:
    """A message that is copied and pasted by several viewers."""
    return _CHAINS[int(rng.integers(len(_CHAINS)))]


def user_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct handles of mixed styles (``maria.lopez92``, ``user8812734``, ``kak_rina``...)."""
    stems = ("maria", "ana", "rina", "linh", "joy", "sam", "dewi", "carla", "mai", "kim", "nina", "lee", "bea",
             "ploy", "tia", "jo", "vic", "ayu", "thu", "fer")
    out = []
    for i in range(n):
        style = int(rng.integers(4))
        stem = stems[int(rng.integers(len(stems)))]
        if style == 0:
            out.append(f"user{int(rng.integers(10**6, 10**7))}{i}")
        elif style == 1:
            out.append(f"{stem}.{i}{int(rng.integers(10, 99))}")
        elif style == 2:
            out.append(f"{stem}_{i:x}")
        else:
            out.append(f"{stem}{stem[:2]}{i}")
    return out
