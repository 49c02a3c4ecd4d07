"""Word pools of the simulator: product templates, fictional brands, host lines, audience comments.

All brands and shop names are invented. Selling points are short so a host can say them verbatim.
"""

from __future__ import annotations

# (category, shape, title, price range USD, cost ratio, selling points)
PRODUCT_TEMPLATES: list[tuple[str, str, str, tuple[float, float], float, list[str]]] = [
    ("beauty", "bottle", "Glow Serum", (18, 39), 0.28, [
        "Hydrates for 24 hours", "Vitamin C brightening formula", "Vegan and cruelty free",
        "Absorbs in seconds", "Fragrance free for sensitive skin"]),
    ("beauty", "tube", "Daily Sun Cream SPF 50", (12, 26), 0.3, [
        "No white cast", "Water resistant for 80 minutes", "Works under makeup", "Reef friendly filters"]),
    ("beauty", "lipstick", "Velvet Matte Lipstick", (9, 22), 0.25, [
        "Lasts up to 12 hours", "Does not dry your lips", "Twelve bold shades", "Transfer proof finish"]),
    ("beauty", "jar", "Overnight Repair Cream", (22, 48), 0.27, [
        "Wake up with softer skin", "Ceramides and peptides", "Dermatologist tested", "One jar lasts three months"]),
    ("beauty", "perfume", "Amber Bloom Eau de Parfum", (35, 79), 0.22, [
        "Notes of amber and jasmine", "Lasts all day", "Travel size included", "Hand made in small batches"]),
    ("fashion", "shoe", "Cloud Runner Sneakers", (45, 99), 0.35, [
        "Memory foam insole", "Breathable knit upper", "Only 250 grams per shoe", "Machine washable"]),
    ("fashion", "bag", "City Tote Bag", (29, 69), 0.3, [
        "Fits a 15 inch laptop", "Water repellent canvas", "Hidden zip pocket", "Vegan leather straps"]),
    ("fashion", "watch", "Minimal Steel Watch", (39, 120), 0.3, [
        "Scratch resistant glass", "Waterproof to 50 meters", "Two year warranty", "Swap straps in seconds"]),
    ("fashion", "cap", "Everyday Cotton Cap", (15, 30), 0.3, [
        "One size fits all", "Organic cotton", "Sweat wicking band", "Six colors"]),
    ("home", "mug", "Thermo Travel Mug", (16, 34), 0.3, [
        "Keeps coffee hot for 6 hours", "Leak proof lid", "Fits every cup holder", "Dishwasher safe"]),
    ("home", "candle", "Soy Wax Candle", (14, 32), 0.25, [
        "Burns for 50 hours", "Natural soy wax", "Cotton wick, no smoke", "Calming lavender scent"]),
    ("home", "box", "Bamboo Storage Set", (19, 45), 0.32, [
        "Set of three sizes", "Stackable and foldable", "Sustainable bamboo lid", "Keeps closets tidy"]),
    ("home", "bottle", "Insulated Water Bottle", (15, 35), 0.3, [
        "Cold for 24 hours", "BPA free steel", "One liter capacity", "Leak proof cap"]),
    ("gadgets", "headphones", "Wireless Earbuds Pro", (29, 89), 0.4, [
        "Active noise cancelling", "30 hours battery", "Sweat proof for workouts", "Fast charging case"]),
    ("gadgets", "phone", "Shockproof Phone Case", (12, 29), 0.2, [
        "Survives a 3 meter drop", "Wireless charging ready", "Raised camera edge", "Slim grip design"]),
    ("gadgets", "box", "Mini Projector", (59, 149), 0.45, [
        "Full HD picture", "Built in speaker", "Fits in your hand", "Connects to your phone"]),
    ("gadgets", "tube", "LED Ring Light Stick", (19, 39), 0.35, [
        "Three color modes", "USB C charging", "Bendable arm", "Perfect for selfies"]),
    ("home", "jar", "Matcha Tea Powder", (17, 36), 0.3, [
        "Ceremonial grade", "Grown in the shade", "Thirty servings per jar", "No added sugar"]),
]

BRANDS: list[str] = [
    "Lumora", "Verdeli", "Koto", "Brisa", "Nuvani", "Solenne", "Mintly", "Aurel", "Peako", "Zendo",
    "Calyx", "Orvio", "Hazel & Hue", "Tamsin", "Qira", "Belvo", "Runa", "Fjelda", "Kindo", "Marlo",
]

SHOP_NAMES: list[str] = ["Sunny Picks LIVE", "Daily Deals Studio", "Glow Up Shop", "Cozy Corner LIVE", "Gadget Hour"]

INTRO_LINES = [
    "Hi everyone, welcome to the live!", "Welcome everyone, thanks for joining!",
    "Hello hello, we are live!", "Good to see you all, grab a seat!",
]
CHATTER_LINES = [
    "Let me know where you're watching from.", "Thanks for the follows, everyone!",
    "Don't forget to tap the heart if you like the show.", "I see a lot of new faces today.",
    "Drop a comment and say hi.", "We have so many deals coming up tonight.",
    "Share the live with a friend who loves deals.", "How is everyone doing today?",
    "I'm so happy you're here.", "Stay until the end for a surprise.",
    "Let me read some comments.", "Okay, let me get the next one ready.",
    "Tell me what you want to see next.", "Thank you for the gifts, you are amazing!",
]
COMMENT_REPLY = [
    "{user} says hi from Texas, hello!", "{user} asks about shipping, it ships in two days.",
    "{user} wants to see it again, sure!", "Thanks {user} for sharing the live!",
    "Welcome {user}, good to see you!", "{user} asks if there are more colors, yes there are.",
]
OUTRO_LINES = [
    "That's all for today, thank you so much!", "Thanks for watching, see you next time!",
    "Follow the shop so you don't miss the next live.", "Bye everyone, have a great night!",
]
FILLER_LINES = [
    "Look at this color.", "Let me show you up close.", "I use this every single day.",
    "You can see the quality right here.", "My friends keep asking me about this one.",
    "This one sold out last time.", "Feel how light it is.",
]
PITCH_QA = [
    "{user} asks if it ships fast, yes it does.", "{user} wants to know the size, it's right here.",
    "{user} asks if it's good for gifts, absolutely!", "Good question {user}, it comes with a warranty.",
    "{user} says she bought it last week and loves it!", "{user} asks about colors, we have three today.",
]
WEAK_CTA = ["Anyway, it's in the shop if you want it.", "So yeah, that's this one.", "It's in the cart somewhere."]
CTA_LINES = [
    "Tap the cart below, the link is pinned!", "Only today, so tap the cart now!",
    "The link is pinned, go go go!", "Limited stock, add it to your cart now!",
]
GIVEAWAY_LINES = [
    "Giveaway time, everyone!", "Comment me to enter the giveaway!",
    "I will pick a winner in one minute.", "Share the live for a bonus entry!",
    "Okay, I'm picking the winner now.", "Congratulations to our winner!",
]
RAID_LINES = [
    "Oh wow, we just got a raid!", "Welcome raiders, thank you for coming!",
    "So many new people, hello everyone!", "Thanks for the raid, that was so kind!",
]

COMMENTS_BASE = [
    "hi", "hello from Ohio", "hey!", "love your streams", "first time here", "what's next?",
    "❤️", "so cute", "where are you from?", "good evening", "hi from Manila", "😂", "yay",
    "can you show the last one again", "is shipping free?", "you're so funny", "👋",
]
COMMENTS_GOOD = [
    "how much?", "link pls", "I need this", "😍", "just ordered!", "omg want", "added to cart",
    "is it still on sale?", "what's the price?", "buying 2", "this is so good", "🔥🔥",
    "does it come in other colors?", "ordered one for my mom", "take my money",
]
COMMENTS_WEAK = ["hmm", "next", "show something else", "meh", "how much?", "ok", "is it good?"]
COMMENTS_GIVEAWAY = ["me!", "pick me", "giveaway!", "me me me", "🙋", "pick me please", "giveaway 🙏", "me!!"]
COMMENTS_RAID = ["hi from the raid!", "raid!!", "we're here!", "hello new friends", "👋👋", "raid train"]

NAME_PARTS_A = ["sunny", "lily", "max", "coco", "nova", "jay", "mia", "leo", "kiki", "sam", "ruby", "ash",
                "bella", "dino", "zoe", "rio", "luna", "milo", "ivy", "kai"]
NAME_PARTS_B = ["shop", "vibes", "_x", "love", "daily", "fan", "bear", "88", "99", "life", "_official", "2024",
                "moon", "cat", "star", "_k", "deals", "glow"]
