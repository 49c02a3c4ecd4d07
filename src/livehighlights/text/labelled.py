"""A small labelled set of live-shopping pitches with stated and unstated selling points.

Used to choose the matching thresholds of :mod:`.selling_points` and by ``bench/speech.py`` to
measure precision and recall. Each item: what the host says, the catalog selling points that the
pitch states (``lit``: in the catalog's words or nearly; ``para``: a paraphrase), and catalog points
of the same product that it does *not* state. The last items are Spanish and Indonesian pitches of an
English catalog (the embedding model is multilingual; fuzzy matching cannot cross languages).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pitch:
    script: str
    stated: list[tuple[str, str]]
    """(selling point, ``"lit"`` or ``"para"``)."""
    unstated: list[str] = field(default_factory=list)
    language: str = "en"


PITCHES: list[Pitch] = [
    Pitch("This serum hydrates for twenty four hours. It has hyaluronic acid. Only today, thirty percent off.",
          [("24-hour hydration", "lit"), ("with hyaluronic acid", "lit")],
          ["fragrance free", "dermatologist tested"]),
    Pitch("Look at this jacket. You can wear it in the pouring rain and you stay completely dry. "
          "And it folds into its own pocket, so it fits in any bag.",
          [("waterproof", "para"), ("packable into its own pocket", "lit")],
          ["breathable fabric", "machine washable"]),
    Pitch("These earbuds play music for eight hours on a single charge. The case gives you three more charges. "
          "Tap the cart below!",
          [("8 hours of playtime", "para"), ("charging case with 3 extra charges", "lit")],
          ["active noise cancelling", "sweat resistant"]),
    Pitch("This pan is nonstick, nothing sticks, watch the egg slide off. You can put it straight in the dishwasher.",
          [("non-stick coating", "lit"), ("dishwasher safe", "para")],
          ["oven safe up to 260 degrees", "induction compatible"]),
    Pitch("Our lipstick stays on all day, even after you eat and drink. It comes in twelve shades.",
          [("long-lasting wear", "para"), ("12 shades", "lit")],
          ["vegan formula", "with vitamin E"]),
    Pitch("The blender crushes ice in seconds with a twelve hundred watt motor. The jar is made of glass, "
          "not plastic.",
          [("1200 W motor", "lit"), ("glass jar", "lit")],
          ["quiet operation", "self-cleaning program"]),
    Pitch("These leggings don't go see-through when you squat, I promise. And they have a pocket for your phone.",
          [("squat-proof, not see-through", "para"), ("side phone pocket", "lit")],
          ["high waist", "moisture wicking"]),
    Pitch("This power bank charges your phone three times over. It is so small and light, it fits in your palm.",
          [("charges a phone 3 times", "lit"), ("compact and lightweight", "para")],
          ["fast charging 20 W", "two USB-C ports"]),
    Pitch("The sunscreen is SPF fifty and it doesn't leave any white cast on your skin.",
          [("SPF 50", "lit"), ("no white cast", "lit")],
          ["water resistant for 80 minutes", "reef safe"]),
    Pitch("This vacuum runs for forty minutes without recharging, and it's so quiet my baby kept sleeping.",
          [("40 minutes of runtime", "para"), ("low noise", "para")],
          ["HEPA filter", "LED headlight"]),
    Pitch("The mattress topper is memory foam. It molds to your body and you wake up without back pain.",
          [("memory foam", "lit"), ("relieves back pain", "para")],
          ["cooling gel layer", "removable washable cover"]),
    Pitch("These sneakers weigh only two hundred grams each. The sole grips on wet floors too.",
          [("ultra-light, 200 g", "para"), ("anti-slip sole", "para")],
          ["breathable mesh upper", "wide fit available"]),
    Pitch("The water bottle keeps drinks cold for twenty four hours and hot for twelve. It never leaks.",
          [("keeps cold 24 h, hot 12 h", "para"), ("leak-proof lid", "para")],
          ["BPA free", "fits cup holders"]),
    Pitch("This shampoo is sulfate free, and after two weeks my hair fall really went down.",
          [("sulfate-free", "lit"), ("reduces hair fall", "para")],
          ["for color-treated hair", "with argan oil"]),
    Pitch("The phone case survived a drop from two meters. It also supports wireless charging.",
          [("drop protection up to 2 m", "para"), ("wireless charging compatible", "lit")],
          ["raised camera lip", "antibacterial coating"]),
    Pitch("Este sérum hidrata tu piel durante veinticuatro horas. Tiene ácido hialurónico. Solo hoy, treinta por "
          "ciento de descuento.",
          [("24-hour hydration", "para"), ("with hyaluronic acid", "para")],
          ["fragrance free", "dermatologist tested"], "es"),
    Pitch("Esta chaqueta es impermeable, puedes caminar bajo la lluvia y no te mojas. Se dobla en su propio "
          "bolsillo.",
          [("waterproof", "para"), ("packable into its own pocket", "para")],
          ["breathable fabric", "machine washable"], "es"),
    Pitch("Audífonos con cancelación de ruido, no escuchas nada del metro. La batería dura ocho horas.",
          [("active noise cancelling", "para"), ("8 hours of playtime", "para")],
          ["sweat resistant", "charging case with 3 extra charges"], "es"),
    Pitch("Serum ini melembapkan kulit selama dua puluh empat jam. Tidak ada pewangi sama sekali. Hanya hari ini "
          "diskon tiga puluh persen.",
          [("24-hour hydration", "para"), ("fragrance free", "para")],
          ["with hyaluronic acid", "dermatologist tested"], "id"),
    Pitch("Wajan ini anti lengket, telurnya langsung meluncur. Bisa dipakai di kompor induksi juga.",
          [("non-stick coating", "para"), ("induction compatible", "para")],
          ["dishwasher safe", "oven safe up to 260 degrees"], "id"),
]
