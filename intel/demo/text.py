"""Phrase banks and text composition for the demo roster: the talents, their captions and comments.

All text is fictional. A few captions and comments carry HTML-like strings on purpose (test data:
the UI must render them as plain text). Brands are invented; handles are not real accounts.
"""

from __future__ import annotations

import random
from typing import NamedTuple


class TalentSpec(NamedTuple):
    """One demo talent: identity, platforms (primary first) and the story the data tells."""

    name: str
    handle: str
    category: str
    tier: str
    platforms: tuple[str, ...]
    connected: bool = True
    controversy: bool = False


TALENTS: tuple[TalentSpec, ...] = (
    TalentSpec("Maya Chen", "mayaglowsup", "beauty", "macro", ("instagram", "tiktok", "youtube")),
    TalentSpec("Diego Alvarez", "diegoplays", "gaming", "mega", ("youtube", "tiktok")),
    TalentSpec("Priya Nair", "priyalifts", "fitness", "mid", ("instagram", "tiktok")),
    TalentSpec("Luca Romano", "lucacooks", "food", "macro", ("instagram", "youtube", "tiktok")),
    TalentSpec("Amara Okafor", "amarawanders", "travel", "mid", ("instagram", "youtube")),
    TalentSpec("Sam Whitfield", "samtechtalks", "tech", "macro", ("youtube", "tiktok")),
    TalentSpec("Jordan Blake", "jordanbits", "comedy", "mega", ("tiktok", "instagram", "youtube")),
    TalentSpec(
        "Sofia Marques", "sofiamarques.style", "fashion", "macro", ("instagram", "tiktok"), controversy=True
    ),
    TalentSpec("Kenji Watanabe", "kenjiframes", "photography", "micro", ("instagram", "youtube")),
    TalentSpec("Chloé Dubois", "chloebakes", "food", "micro", ("instagram", "tiktok")),
    TalentSpec("Marcus Reed", "marcusreedfit", "fitness", "micro", ("youtube", "instagram")),
    TalentSpec("Aisha Rahman", "aishareads", "books", "nano", ("tiktok", "instagram")),
    TalentSpec("Tyler Brooks", "tylerbrooksmusic", "music", "nano", ("tiktok", "instagram"), connected=False),
    TalentSpec("Elena Petrova", "elenapaints", "art", "micro", ("instagram",), connected=False),
)

BRANDS: tuple[str, ...] = (
    "@glowlab", "@northpeak_gear", "@urbanthread", "@pixelforge", "@greenbowl", "@fitfuel",
    "@wanderstay", "@lumacam", "@pagetrail", "@snackr",
)

# category -> (caption openers, hashtags, emoji)
CATEGORY_TEXT: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "beauty": (
        ("5-minute glass skin routine", "Testing the viral lip oil so you don't have to",
         "Soft glam for a rainy Tuesday", "My holy grail products this month",
         "Drugstore vs high-end: the foundation showdown", "GRWM: wedding guest edition",
         "Skincare mistakes I made in my 20s", "Trying the no-makeup makeup look"),
        ("#skincare", "#makeup", "#beautytips", "#glassskin", "#grwm", "#makeuptutorial", "#beauty"),
        ("✨", "💄", "💅", "🌸"),
    ),
    "gaming": (
        ("I beat the final boss with only a frying pan", "Ranked grind day 47",
         "This new update changes EVERYTHING", "Speedrun attempt: sub 2 hours?",
         "Ranking every map from worst to best", "We finally found the secret room",
         "1v5 clutch you have to see", "Playing the most hated game of the year"),
        ("#gaming", "#gamer", "#twitch", "#speedrun", "#esports", "#pcgaming", "#gameplay"),
        ("🎮", "🕹️", "👾", "🏆"),
    ),
    "fitness": (
        ("Full-body workout, no equipment needed", "Leg day never gets easier",
         "What I eat in a day to build muscle", "New deadlift PR!",
         "30-day plank challenge: day 30", "Mobility routine for desk workers",
         "Form check: the squat mistakes everyone makes", "Rest day is part of the plan"),
        ("#fitness", "#workout", "#gym", "#fitnessmotivation", "#homeworkout", "#strength", "#legday"),
        ("💪", "🏋️", "🔥", "🥇"),
    ),
    "food": (
        ("15-minute garlic butter pasta", "Nonna's Sunday ragù, finally on camera",
         "The croissant that took me 3 days", "Street food tour: best bites under $5",
         "One-pan dinner for busy weeknights", "Rating every pizza in the neighborhood",
         "Sourdough starter update", "Crispy chili oil eggs for breakfast"),
        ("#food", "#recipe", "#foodie", "#homecooking", "#easyrecipes", "#baking", "#pasta"),
        ("🍝", "🥐", "🍕", "😋"),
    ),
    "travel": (
        ("48 hours in Lisbon", "Hidden beach most tourists never find",
         "How I travel on a budget", "Sunrise hike above the clouds",
         "Night market crawl in Taipei", "Packing for 3 weeks in one carry-on",
         "Overrated vs underrated spots in Bali", "Road trip day 6: no signal, no problem"),
        ("#travel", "#wanderlust", "#travelgram", "#solotravel", "#budgettravel", "#explore", "#passport"),
        ("✈️", "🌍", "🏝️", "🗺️"),
    ),
    "tech": (
        ("I tested the new flagship for 30 days", "Budget laptop that punches above its weight",
         "My desk setup tour", "Is this the best mic under $100?",
         "Building a PC from scratch", "Phone camera blind test",
         "5 apps I use every single day", "Unboxing the weirdest gadget of the year"),
        ("#tech", "#gadgets", "#setup", "#pcbuild", "#review", "#techtok", "#unboxing"),
        ("💻", "📱", "⚡", "🎧"),
    ),
    "comedy": (
        ("When your mom finds your browser history", "POV: first day at a new job",
         "Types of people at the gym", "Me explaining my screen time to myself",
         "When the group chat goes silent", "Every family dinner ever",
         "Trying to act normal after saying 'you too' to the waiter", "Roommate chronicles part 12"),
        ("#comedy", "#funny", "#skit", "#relatable", "#pov", "#memes", "#lol"),
        ("😂", "🤣", "💀", "🙃"),
    ),
    "fashion": (
        ("Five ways to style one blazer", "Thrift flip: from oversized to perfect fit",
         "Capsule wardrobe for autumn", "Outfit of the day: city edition",
         "Try-on haul, honest thoughts", "Styling sneakers with everything",
         "Colour pairing cheat sheet", "What I wore this week"),
        ("#fashion", "#ootd", "#style", "#outfitinspo", "#streetstyle", "#thrifted", "#capsulewardrobe"),
        ("👗", "👠", "🖤", "✨"),
    ),
    "photography": (
        ("Golden hour in Kyoto", "One lens, one city, one day",
         "Behind the shot: rainy Shibuya crossing", "Editing this photo from start to finish",
         "Film vs digital: can you tell?", "My favorite frames this month",
         "Night photography tips", "Chasing fog at 5am"),
        ("#photography", "#streetphotography", "#filmphotography", "#lightroom", "#photooftheday",
         "#tokyo", "#35mm"),
        ("📷", "🌆", "🌫️", "🎞️"),
    ),
    "books": (
        ("Books that made me cry in public", "My 5-star reads this month",
         "Reading the most hyped fantasy series", "Cozy reading nook tour",
         "Annotating my favorite classic", "Books to read if you loved that ending",
         "Reading slump? Try these", "Unpopular book opinions"),
        ("#booktok", "#bookstagram", "#reading", "#booklover", "#fantasybooks", "#tbr", "#books"),
        ("📚", "📖", "☕", "🕯️"),
    ),
}

PLATFORM_TAGS: dict[str, tuple[str, ...]] = {
    "tiktok": ("#fyp", "#foryou", "#viral"),
    "reel": ("#reels", "#explore"),
    "short": ("#shorts",),
}

CAPTION_TAILS: tuple[str, ...] = (
    "", "", "", "Save this for later!", "Which one is your favorite?", "Tell me in the comments 👇",
    "Link in bio.", "Part 2?", "Honestly obsessed.", "Not sponsored, just love it.", "New video is up!",
)

HTML_CAPTIONS: tuple[str, ...] = (
    "when the code finally works <script>alert(1)</script>",
    "my bio now says <img src=x onerror=alert(1)> and nobody noticed",
    "<b>bold</b> claim: this is the best one yet </div>",
)

PRAISE: tuple[str, ...] = (
    "love this so much", "you always inspire me", "this is amazing", "best content on here honestly",
    "obsessed with this", "so beautiful", "you never miss", "this made my day", "wow just wow",
    "great video as always", "I love your energy", "perfect as always", "thank you for sharing this",
    "incredible work", "this is so helpful", "so talented", "love love love", "stunning",
    "this is exactly what I needed today", "you deserve way more followers", "so good",
    "happy to be here since day one", "absolutely gorgeous", "brilliant idea", "this is awesome",
)

QUESTIONS: tuple[str, ...] = (
    "where is this?", "what camera do you use?", "what's the song called?", "how long did this take?",
    "can you do a part 2?", "where did you get that?", "is this available in Europe?",
    "what brand is that?", "recipe?", "how tall are you?", "when is the next video?",
    "does this work on oily skin?", "what settings are you using?", "is it worth the price?",
)

NEUTRAL: tuple[str, ...] = (
    "first", "watching from Brazil", "who else is here after the update", "@{fan} look at this",
    "saved", "same", "here before 1M", "day 3 of asking for a collab with @{fan}",
    "ok but the background", "tagging my sister", "notification squad", "anyone else rewatching this",
)

COMPLAINTS: tuple[str, ...] = (
    "too many ads lately, it's annoying", "the audio is terrible in this one", "this is boring",
    "clickbait title, disappointed", "way too expensive, not worth it", "I hate this trend",
    "worst video you've made", "so fake", "this used to be good, sad to see", "the music is awful",
    "waste of time", "stop promoting stuff you don't even use", "ugly filter ruined it",
    "honestly a bad take", "this didn't work for me at all, terrible advice",
)

SPAM: tuple[str, ...] = (
    "follow me for free followers", "DM us to collab 💸 check our page",
    "earn $500/day from home 👉 link in bio", "free giftcards at www.free-gifts.example",
    "promote your page at promo-boost.example", "check my profile for crypto signals 🚀",
)

EMOJI_ONLY: tuple[str, ...] = (
    "😍😍", "🔥🔥🔥", "😡", "❤️", "👏👏", "😂😂😂", "💯", "👎", "🙄", "😭😭", "🤮", "🥰",
)

SLANG: tuple[str, ...] = (
    "this slaps", "mid", "no cap this is fire", "lowkey obsessed", "ate and left no crumbs",
    "it's giving main character", "bussin fr", "goated", "L take", "cringe", "W content", "yikes",
)

NON_ENGLISH: tuple[str, ...] = (
    "¡Me encanta! 😍", "qué bonito", "no me gustó nada", "que lindo!", "amei demais",
    "muito bom, parabéns", "trop bien !", "c'est nul", "かわいい！", "最高です", "すごい",
    "sehr cool", "bellissimo", "대박", "saludos desde México",
)

# Talents whose audience mostly or partly writes in their own language (by handle): (ISO 639-1 code, share of
# the fan comments). The rest follow the ordinary mix above. Japanese has no sentiment engine: its share is
# counted, its sentiment unavailable.
AUDIENCE_LANGUAGES: dict[str, tuple[str, float]] = {
    "sofiamarques.style": ("pt", 0.6), "diegoplays": ("es", 0.55), "chloebakes": ("fr", 0.45),
    "lucacooks": ("it", 0.35), "kenjiframes": ("ja", 0.3), "priyalifts": ("hi", 0.25), "aishareads": ("ar", 0.2),
}

# code -> (praise, questions, chatter, complaints), each as written by native speakers in comment sections.
LOCAL_BANKS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "pt": (
        ("amei demais", "que vídeo incrível", "você é maravilhosa", "perfeita como sempre", "muito bom, parabéns",
         "arrasou demais 😍", "que look mais lindo, amei", "adorei a dica, obrigada", "inspiração total",
         "que estilo, menina!"),
        ("onde você comprou esse vestido?", "qual é a marca da bolsa?", "você tem o link da jaqueta?",
         "quanto custou essa bolsa?", "vai ter parte 2? por favor"),
        ("assistindo do Brasil", "marcando a minha irmã", "salvei para depois", "alguém de Portugal por aqui?",
         "primeira vez que vejo o seu perfil"),
        ("muita publicidade ultimamente", "não gostei nada desse look", "que decepção", "o áudio está horrível",
         "muito caro, não vale a pena"),
    ),
    "es": (
        ("me encanta este video", "eres el mejor", "qué buen contenido", "increíble jugada", "buenísimo como siempre",
         "no puedo dejar de verlo 😂", "el mejor canal de gaming", "sigue así, crack", "qué risa, me encantó"),
        ("¿qué juego es este?", "¿cuándo sale la segunda parte?", "¿qué teclado usas?", "¿a qué hora es el directo?",
         "¿dónde compraste esa silla?"),
        ("saludos desde Argentina", "viendo desde el celular", "etiqueto a mi hermano", "aquí antes del millón",
         "saludos desde México"),
        ("hay demasiada publicidad últimamente", "el audio está fatal", "qué aburrido este video",
         "ya no es como antes", "el título es puro clickbait", "no me gustó nada"),
    ),
    "fr": (
        ("trop bon, merci pour la recette", "ça a l'air délicieux", "magnifique comme toujours",
         "j'adore tes vidéos", "tu es trop douée", "je vais tester ce week-end", "trop bien, j'adore !"),
        ("tu as mis combien de grammes de beurre ?", "c'est quelle farine ?", "combien de temps au four ?",
         "on peut la faire sans œufs ?"),
        ("coucou de Lyon", "je tague ma sœur", "enregistré pour dimanche", "qui est là depuis le début ?"),
        ("franchement, c'est nul", "beaucoup trop sucré pour moi", "ma pâte n'a pas levé, recette ratée",
         "trop de pubs en ce moment", "déçue par cette recette"),
    ),
    "it": (
        ("bellissimo", "che buono!", "sei un grande", "ricetta perfetta, grazie", "complimenti, bravissimo",
         "mi hai fatto venire fame"),
        ("quanto tempo di cottura?", "che farina usi?", "dove hai comprato la pentola?", "si può congelare?"),
        ("ciao da Milano", "salvato per domenica", "taggo mia madre", "chi guarda da Napoli?"),
        ("la carbonara non si fa con la panna", "che delusione", "troppa pubblicità ultimamente",
         "non mi piace per niente"),
    ),
    "ja": (
        ("素敵な写真ですね", "色がとても綺麗です", "最高です", "かっこいい！", "この雰囲気が大好きです"),
        ("どのレンズを使っていますか？", "これはどこで撮りましたか？", "編集はどのアプリですか？"),
        ("保存しました", "東京から見ています", "いつも楽しみにしています"),
        ("ちょっと暗すぎるかな", "前の作品の方が好きでした"),
    ),
    "hi": (
        ("bahut badhiya workout", "aap bahut inspire karti ho", "kya baat hai, superb", "mast video hai",
         "bahut accha laga dekh ke"),
        ("ye kitne din karna hai?", "diet plan kab aayega?", "kya ye ghar pe kar sakte hai?"),
        ("Delhi se dekh rahe hai", "save kar liya", "meri behen ko tag kar rahi hu"),
        ("bilkul bekaar video", "ye kaam nahi karta", "bahut bore kiya yaar"),
    ),
    "ar": (
        ("ما شاء الله، رائع", "أحببت هذا الكتاب كثيراً", "شكراً على الترشيح", "محتوى جميل جداً"),
        ("ما اسم هذا الكتاب؟", "هل توجد ترجمة عربية؟", "من أين اشتريته؟"),
        ("متابعة من الرياض", "حفظته لوقت لاحق"),
        ("الكتاب ممل جداً", "لم يعجبني أبداً"),
    ),
}
_LOCAL_WEIGHTS = (0.45, 0.15, 0.15, 0.25)  # praise, questions, chatter, complaints

HTML_COMMENTS: tuple[str, ...] = (
    "<script>alert(1)</script>", "nice <img src=x onerror=alert(1)>", "<b>hello</b> from the comments",
)

CONTROVERSY: tuple[str, ...] = (
    "unfollowing after this, so sad", "so disappointed in you", "this brand uses sweatshops, shame on you",
    "deleting comments won't fix this", "you lost a fan today, terrible look", "worst partnership ever",
    "never buying anything you promote again, you lied", "this is really bad, apologize", "😡",
    "greenwashing at its worst", "how can you support this? disgusting", "the silence is awful",
)

REPLIES: tuple[str, ...] = (
    "thank you so much! ❤️", "haha glad you liked it", "link is in my bio!", "yes, part 2 coming soon",
    "it's from {brand} 🙌", "appreciate you being here", "love this comment 😂",
    "thanks for the feedback, noted", "good question, video on that soon",
)

CONTROVERSY_REPLIES: tuple[str, ...] = (
    "I hear you all. A proper statement is coming.", "I'm reading every comment, give me a day",
)

# kind -> (bank, weight) for ordinary comments; talent replies are drawn separately.
COMMENT_KINDS: tuple[tuple[tuple[str, ...], float], ...] = (
    (PRAISE, 0.34), (QUESTIONS, 0.12), (NEUTRAL, 0.09), (COMPLAINTS, 0.15), (SPAM, 0.04),
    (EMOJI_ONLY, 0.09), (SLANG, 0.08), (NON_ENGLISH, 0.085), (HTML_COMMENTS, 0.005),
)
_BANKS = tuple(bank for bank, _ in COMMENT_KINDS)
_WEIGHTS = tuple(weight for _, weight in COMMENT_KINDS)
_PRAISE_TAILS: tuple[str, ...] = ("", "", "", "!", "!!", " ❤️", " 😍", " 🔥", " 🙌", " omg", " tbh")

FAN_FIRST: tuple[str, ...] = (
    "luna", "alex", "mia", "leo", "noah", "zoe", "kai", "ava", "sam", "nina", "omar", "lucia", "yuki",
    "ines", "tom", "emma", "raj", "sara", "ben", "ana", "joao", "lea", "max", "chloe", "dani",
)
FAN_SECOND: tuple[str, ...] = (
    "sky", "bakes", "runs", "reads", "fit", "vibes", "travels", "art", "plays", "eats", "style",
    "films", "moon", "wave", "pixel", "daily",
)
SPAM_AUTHORS: tuple[str, ...] = (
    "free_followers_4u", "promo.boost.official", "crypto.king.99", "giftcard.drop",
)


def fan_handles(rng: random.Random, count: int) -> list[str]:
    """`count` plausible fan handles like 'luna.sky92'."""
    seps = ("", ".", "_")
    return [
        f"{rng.choice(FAN_FIRST)}{rng.choice(seps)}{rng.choice(FAN_SECOND)}{rng.randint(1, 99)}"
        for _ in range(count)
    ]


def caption(
    rng: random.Random, category: str, platform: str, media_type: str, *, sponsored: bool, mention: str
) -> str:
    """A caption: opener, emoji, optional tail and @mention, hashtags; sponsored posts carry #ad."""
    openers, tags, emoji = CATEGORY_TEXT[category]
    if rng.random() < 0.006:
        head = rng.choice(HTML_CAPTIONS)
    else:
        head = f"{rng.choice(openers)} {rng.choice(emoji) * rng.randint(1, 2)}"
    parts = [head]
    tail = rng.choice(CAPTION_TAILS)
    if tail:
        parts.append(tail)
    if sponsored:
        parts.append(f"Thanks {rng.choice(BRANDS)} for partnering on this one!")
    elif rng.random() < 0.2:
        parts.append(f"with {mention}")
    hashtags = rng.sample(tags, rng.randint(2, 4))
    hashtags += PLATFORM_TAGS.get(platform if platform == "tiktok" else media_type, ())[: rng.randint(0, 2)]
    if sponsored:
        hashtags.insert(0, "#ad")
    return " ".join(parts) + "\n\n" + " ".join(hashtags)


def comment(rng: random.Random, fans: list[str], *, hostile: bool,
            language: tuple[str, float] | None = None) -> tuple[str, str]:
    """(author handle, text) of a fan comment; `hostile` draws from the controversy bank; `language` (code, share)
    writes that share of the other comments in the talent's language (LOCAL_BANKS)."""
    if hostile:
        return rng.choice(fans), rng.choice(CONTROVERSY)
    if language is not None and rng.random() < language[1]:
        return rng.choice(fans), rng.choice(rng.choices(LOCAL_BANKS[language[0]], _LOCAL_WEIGHTS)[0])
    bank = rng.choices(_BANKS, _WEIGHTS)[0]
    text = rng.choice(bank)
    if bank is SPAM:
        return rng.choice(SPAM_AUTHORS), text
    if bank is PRAISE:
        text += rng.choice(_PRAISE_TAILS)
    return rng.choice(fans), text.replace("{fan}", rng.choice(fans))


def reply(rng: random.Random, *, hostile: bool) -> str:
    """Text of a talent's reply under their own post."""
    if hostile:
        return rng.choice(CONTROVERSY_REPLIES)
    return rng.choice(REPLIES).replace("{brand}", rng.choice(BRANDS))
