"""What a chat message is worth as a sign of excitement: one person reacting, not one bot shouting.

Raw message counts are easy to inflate: a bot floods, a viewer pastes the same text ten times, a
giveaway makes everyone type ``!enter``, a raid arrives saying hello. :class:`ChatFilter` looks at
each comment once, in time order, and says how it counts:

- ``chat``: 1 for a message that counts (its author's first within :data:`USER_COOLDOWN_S`, not a
  command or a giveaway entry, not a copy of a long text others just sent, not a greeting), else 0.
  Over a window this is about the number of distinct people talking.
- ``reactions``: 1 for a counted message that reacts (laughter in several languages and scripts,
  emoji, "omg", "wow", "clip it", "!!!", common Twitch emotes): the same reaction from many people
  is the best chat sign of a highlight.
- ``chat_spam``: 1 for a message that does not count (a repeat, a command, a copy-paste, a flood).
- ``greetings``: 1 for a greeting ("hi", "hello", "welcome", ...): not excitement.
- ``farewells``: 1 for a counted message that says goodbye ("bye", "gn", "see you tomorrow", "thanks for the
  live"). It still counts (chanted at a rival, "ADIOS" is a reaction), but a burst made mostly of them at a LIVE's
  end is the goodbye wave, not a highlight (see :mod:`livehighlights.detect.engagement`).

A chant (the same short text with a word or a number in it, not a question, suddenly from :data:`CHANT_USERS`
or more people within :data:`CHANT_WINDOW_S`: "322", "F", "Mau5", "GG") is the same reaction repeated across
people when its author already took part in the LIVE's chat, so it counts as a reaction; from an account never
seen before it is a flood (fresh bot accounts posting one emoji each, an entry wave) and does not count.

Memory is bounded: only authors and texts seen in the last minute are kept, and up to :data:`MAX_KNOWN`
authors who ever counted.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["CHANT_USERS", "COPY_MIN_CHARS", "ChatFilter", "ChatWeight", "MAX_KNOWN", "USER_COOLDOWN_S", "is_farewell",
           "is_greeting", "is_reaction", "normalise"]

USER_COOLDOWN_S = 10.0
"""A viewer's messages within this long after their last counted one do not count again."""
COPY_WINDOW_S = 60.0
"""A long text already sent by someone else within this long is a copy-paste."""
COPY_MIN_CHARS = 20
"""Texts at least this long (normalised) can be copy-pastes; short ones are reactions or chants."""
CHANT_USERS = 4
"""A short text that is not a reaction, sent by this many people within :data:`COPY_WINDOW_S`, is a
chant (see the module docstring: a reaction from a known author, a flood from a new one)."""
CHANT_WINDOW_S = 15.0
"""A chant is dense: :data:`CHANT_USERS` people sending the same short text within this long ("322" from five
people in 12 s), not a phrase that comes back now and then ("price?", "nice")."""
MAX_KNOWN = 200_000
"""Authors remembered as having taken part in the chat (beyond it new authors are not remembered: a chant
by them does not count)."""

_LAUGH = (r"l+o+l+|lmf?a+o+|rofl|ha(ha)+h?|he(he)+|hi(hi)+|ja(ja)+|je(je)+|k{4,}|w{3,}|5{3,}|x+d+|mdr+|"
          r"wk(wk)+|kek(w)?|lul|omegalul|pepelaugh|lulw|icant|dead|💀|4head|hahaa|elegiggle")
_HYPE = (r"omg|oh my (god|gosh)|wow+|wo+ah|wtf|no way|insane|holy|crazy|clip (it|that|this)|clipped|"
         r"pog(gers|champ|u)?|monkas|ez|gg|let'?s go+|no+o+|ayy+|sheesh|"
         r"dios mio|nossa|caramba|incroyable|waa+h|anjir|gila|"
         # Twitch emotes of shock, dismay and hype (typed by many people at once when something happens)
         r"wutface|biblethump|pepehands|feelsbadman|kreygasm|jebaited|osfrog|babyrage|notlikethis|monkaw|d:")
_WORDS = re.compile(rf"(?<![a-z0-9:])({_LAUGH}|{_HYPE})(?![a-z])", re.IGNORECASE)
_CJK_LAUGH = re.compile(r"[哈呵嘻]{2,}|笑|草|ㅋ{2,}|ㅎ{2,}|w{3,}|ｗ{2,}|555+")
_BANG = re.compile(r"[!?！？]{3,}")
_EMOJI = re.compile("[\U0001F602\U0001F923\U0001F62D\U0001F631\U0001F632\U0001F62E\U0001F92F\U0001F525"
                    "\U0001F44F\U0001F60D\U0001F929\U0001F633\U0001F480\U0001F606\U0001F605\U0001F4AF\U0001F640]")
"""Reaction emoji: laughing, crying-laughing, screaming, astonished, mind blown, fire, clapping, heart
eyes, star-struck, flushed, skull, 100."""
_COMMAND = re.compile(r"^\s*[!/][a-z0-9_]+", re.IGNORECASE)
_GREETING = re.compile(
    r"^\W*(hi+|hello+|hey+|hiya|yo|sup|hola|ola|olá|oi|bonjour|salut|ciao|hallo|halo|hai|konnichiwa|"
    r"こんにちは|안녕\w*|你好|good (morning|evening|afternoon|night)|welcome( back)?|heyguys|"
    r"peepohey|hi everyone|hello everyone|hi all)\b", re.IGNORECASE)
_FAREWELL = re.compile(
    r"(?<![a-z])(b+y+e+( ?b+y+e+)*|good ?bye|good ?night|g'?nite|gnight|nighty? ?night|cya|see (ya|u|you)( (all|"
    r"guys|everyone|tomorrow|tmrw|next (time|week|live|stream)|later|soon|then|again))?\W*$|take care|"
    r"until next time|thanks? (you )?(so much )?for (the |this )?(stream|live|show|broadcast)|"
    r"ty ?(so much )?for (the |this )?(stream|live)|tyfs|tyfts|tchau|adios|adiós|au revoir|tsch(ü|ue)ss|"
    r"sayonara|hasta (luego|mañana|la pr[oó]xima)|à bientôt|a bientot|bis bald|dadah|"
    r"拜拜|再见|晚安|じゃあね|おやすみ|잘\s?자|안녕히|바이)(?![a-z])|^\W*(gn|laters?|peace( out)?|night all)\W*$",
    re.IGNORECASE)
"""A farewell ('bye!', 'love u bye', 'gn', 'see you tomorrow', 'thanks for the live', 'tchau', '拜拜'): the
wave of goodbyes as a LIVE ends is the greeting burst's twin."""
_ENTRY = re.compile(r"giveaway|pick me|choose me|me me|^me+\W*$|^(i'?m )?in\W*$|sorteo|sorteio|gewinnspiel|"
                    r"concours|undian|\bentered\b|#ad\b", re.IGNORECASE)
"""Giveaway entries ('me!', 'pick me', 'giveaway 🙏', 'sorteo'): typed because of a prize, not excitement."""
_MAX_AUTHORS = 64
"""Authors remembered per text (enough to tell a copy or a chant)."""
_PRUNE_MIN = 4096
_WORDY = re.compile(r"\w")
"""A chant has a word or a number in it ("322", "F", "Mau5"); a wave of one emoji (🙋 for a giveaway, 👋 for a
raid, 🎁 from bots) is not one."""
_SQUEEZE = re.compile(r"(.)\1{2,}")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lowercase, runs of a character cut to two, spaces collapsed (so 'LOOOOL' == 'lool')."""
    return _SPACE.sub(" ", _SQUEEZE.sub(r"\1\1", text.lower())).strip()


def is_reaction(text: str) -> bool:
    """Whether a message reacts: laughter, shock, hype, emoji, '!!!', 'clip it'."""
    return bool(_WORDS.search(text) or _CJK_LAUGH.search(text) or _BANG.search(text) or _EMOJI.search(text))


def is_greeting(text: str) -> bool:
    """Whether a message is a greeting ('hi', 'hello from Ohio', 'welcome back', ...)."""
    return bool(_GREETING.search(text))


def is_farewell(text: str) -> bool:
    """Whether a (normalised) message says goodbye ('bye!', 'love u bye', 'gn', 'see you tomorrow', 'thanks for the
    live', 'tchau', '拜拜')."""
    return bool(_FAREWELL.search(text))


@lru_cache(maxsize=8192)
def _classify(text: str) -> tuple[str, bool, bool, bool, bool]:
    """``(normalised, command, greeting, reaction, farewell)`` of a text (chat repeats itself: cached)."""
    norm = normalise(text)
    return (norm, bool(_COMMAND.match(norm) or _ENTRY.search(norm)), is_greeting(norm), is_reaction(text),
            is_farewell(norm))


@dataclass(frozen=True, slots=True)
class ChatWeight:
    """How one comment counts (see the module docstring)."""

    chat: float
    reactions: float
    chat_spam: float
    greetings: float
    farewells: float = 0.0


_SPAM = ChatWeight(0.0, 0.0, 1.0, 0.0)
_GREET = ChatWeight(0.0, 0.0, 0.0, 1.0)
_COUNTED = ChatWeight(1.0, 0.0, 0.0, 0.0)
_REACTS = ChatWeight(1.0, 1.0, 0.0, 0.0)
_COUNTED_BYE = ChatWeight(1.0, 0.0, 0.0, 0.0, 1.0)
_REACTS_BYE = ChatWeight(1.0, 1.0, 0.0, 0.0, 1.0)


class ChatFilter:
    """Weighs comments one by one, in time order, with memory of the last minute only."""

    def __init__(self) -> None:
        self._last_counted: dict[str, float] = {}
        self._texts: dict[str, tuple[float, set[str]]] = {}
        self._prune_at = _PRUNE_MIN
        self._known: set[str] = set()
        self._chains: dict[str, deque[tuple[float, str]]] = {}

    def weigh(self, ts_s: float, text: str | None, user: str | None) -> ChatWeight:
        """How the comment ``text`` by ``user`` at ``ts_s`` (seconds) counts."""
        if len(self._last_counted) + len(self._texts) + len(self._chains) >= self._prune_at:
            self._prune(ts_s)
        norm, command, greeting, reaction, farewell = _classify(text or "")
        if command:
            return _SPAM
        last_counted = self._last_counted
        if user is not None:
            last = last_counted.get(user)
            if last is not None and ts_s - last < USER_COOLDOWN_S:
                return _SPAM
        if norm:
            texts = self._texts
            seen = texts.get(norm)
            who = user or f"anon{ts_s}"
            if seen is None or ts_s - seen[0] > COPY_WINDOW_S:
                authors: set[str] = set()
            else:
                authors = seen[1]
            if len(authors) < _MAX_AUTHORS:
                authors.add(who)
            texts[norm] = (ts_s, authors)
            others = len(authors) - (1 if who in authors else 0)
            if others >= 1 and len(norm) >= COPY_MIN_CHARS:
                return _SPAM  # a copy-paste of a long text
            chantable = not reaction and not greeting and "?" not in norm and _WORDY.search(norm) is not None
            if chantable:
                self._record(norm, who, ts_s)
            if others + 1 >= CHANT_USERS and not reaction and not greeting:
                if user is None or user not in self._known:
                    return _SPAM  # a flood: fresh accounts posting the same short text, an entry wave
                if not (chantable and self._chanted(norm, ts_s)):
                    return _SPAM  # a phrase many people use now and then ("price?", "nice"): not talk nor a reaction
                reaction = True  # a chant: the same reaction repeated across people who were here before
        if user is not None:
            last_counted[user] = ts_s
            if len(self._known) < MAX_KNOWN:
                self._known.add(user)
        if greeting:
            return _GREET
        if farewell:
            return _REACTS_BYE if reaction else _COUNTED_BYE
        return _REACTS if reaction else _COUNTED

    def _record(self, norm: str, who: str, ts_s: float) -> None:
        """Remember that ``who`` sent the short text ``norm`` at ``ts_s`` (its last sendings within
        :data:`CHANT_WINDOW_S` plus :data:`COPY_WINDOW_S`, at most ``2 * _MAX_AUTHORS + 1``; amortised O(1))."""
        chain = self._chains.get(norm)
        if chain is None:
            chain = self._chains[norm] = deque(maxlen=2 * _MAX_AUTHORS + 1)
        since = ts_s - CHANT_WINDOW_S - COPY_WINDOW_S
        while chain and chain[0][0] < since:
            chain.popleft()
        chain.append((ts_s, who))

    def _chanted(self, norm: str, ts_s: float) -> bool:
        """Whether ``norm`` is chanted at ``ts_s``: sent by :data:`CHANT_USERS` people within the last
        :data:`CHANT_WINDOW_S`, and sudden, a text that was rare in the :data:`COPY_WINDOW_S` before (a phrase of
        the room's everyday talk is not a chant however often it comes back). Asked only of a text that many
        people sent (see :meth:`weigh`)."""
        chain = self._chains.get(norm)
        if not chain:
            return False
        before = 0  # sendings before the window (the chain is in time order: oldest first)
        for t, _u in chain:
            if not ts_s - t > CHANT_WINDOW_S:
                break
            before += 1
            if before >= CHANT_USERS // 2:
                return False  # the text was already going round: everyday talk, not a sudden chant
        now: set[str] = set()
        for t, u in reversed(chain):
            if ts_s - t > CHANT_WINDOW_S:
                break
            now.add(u)
            if len(now) >= CHANT_USERS:
                return True
        return False

    def _prune(self, now: float) -> None:
        """Forget authors and texts older than the windows, once the tables have doubled (amortised O(1))."""
        if len(self._last_counted) + len(self._texts) + len(self._chains) < self._prune_at:
            return
        self._last_counted = {u: t for u, t in self._last_counted.items() if now - t < USER_COOLDOWN_S}
        self._texts = {k: v for k, v in self._texts.items() if now - v[0] <= COPY_WINDOW_S}
        self._chains = {k: v for k, v in self._chains.items() if now - v[-1][0] <= CHANT_WINDOW_S + COPY_WINDOW_S}
        self._prune_at = max(_PRUNE_MIN, 2 * (len(self._last_counted) + len(self._texts) + len(self._chains)))
