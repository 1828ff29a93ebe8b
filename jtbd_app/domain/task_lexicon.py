"""The words the task classifier knows: categories partners can match (each with its kind, its label and the nouns
that name it), the verbs that say what kind of work a task is, and the patterns of big multi-part outcomes.

Phrases are written as plain words; the classifier folds plurals on both sides, so "lightbulb" also matches
"lightbulbs". Data only: the scoring is in `task_routing`.
"""

from __future__ import annotations

from typing import Literal

PartnerKind = Literal["product", "digital", "local"]


def _listed(text: str, sep: str = ",") -> list[str]:
    return [w.strip() for w in text.split(sep) if w.strip()]


def _weights(text: str) -> dict[str, float]:
    """Verbs with their weights: "buy=2, get me=1.6" -> {"buy": 2.0, "get me": 1.6}."""
    pairs = (item.split("=") for item in text.split(","))
    return {verb.strip(): float(weight) for verb, weight in pairs}


def _pairs(text: str) -> dict[str, str]:
    pairs = (item.split("=") for item in text.split(","))
    return {key.strip(): value.strip() for key, value in pairs}


# slug -> (kind, label, the nouns and noun phrases that name it, comma-separated)
_CATEGORY_WORDS: dict[str, tuple[PartnerKind, str, str]] = {
    "groceries": (
        "product",
        "groceries",
        "grocery, groceries, milk, egg, bread, butter, cheese, yogurt, fruit, vegetable, banana, apple, orange, "
        "avocado, tomato, onion, potato, lettuce, spinach, carrot, berry, strawberry, blueberry, coffee, coffee bean, "
        "tea, rice, pasta, flour, sugar, salt, olive oil, cereal, oat, oatmeal, juice, orange juice, snack, chip, "
        "cracker, cookie, chicken, beef, pork, fish, salmon, meat, ham, bacon, sausage, tofu, bean, lentil, wine, "
        "beer, soda, sparkling water, bottled water, ice cream, frozen pizza, honey, jam, peanut butter, cream, sour "
        "cream, garlic, lemon, lime, herb, basil, spice, ketchup, mayo, mustard, hummus, bagel, tortilla, noodle, "
        "soup, broth, cake, birthday cake, produce, dinner ingredient, ingredient, almond milk, oat milk, creamer, "
        "whole food",
    ),
    "household": (
        "product",
        "household supplies",
        "lightbulb, light bulb, bulb, led bulb, battery, aa battery, aaa battery, toilet paper, paper towel, "
        "detergent, laundry detergent, dish soap, dishwasher tablet, dishwasher pod, sponge, trash bag, garbage bag, "
        "bin bag, cleaning supply, cleaning spray, bleach, soap, hand soap, shampoo, conditioner, toothpaste, "
        "toothbrush, tissue, kleenex, air filter, furnace filter, water filter, candle, hanger, coat hanger, kettle, "
        "vacuum cleaner, mop bucket, broom, smoke detector battery, extension cord, power strip, foil, aluminum foil, "
        "plastic wrap, ziploc, storage bag, storage bin, towel, bath towel, razor, deodorant, fabric softener, dryer "
        "sheet, air freshener, light bulb pack, household, household supply",
    ),
    "electronics": (
        "product",
        "electronics",
        "laptop, phone, smartphone, iphone, android phone, charger, phone charger, usb cable, cable, hdmi cable, "
        "hdmi, usb, usb-c, headphone, earbud, airpod, monitor, keyboard, mouse, webcam, router, wifi router, speaker, "
        "bluetooth speaker, camera, tablet, ipad, kindle, e-reader, power bank, adapter, smartwatch, sd card, memory "
        "card, hard drive, ssd, external drive, flash drive, television, game console, controller, printer, "
        "microphone, tripod, ring light, electronics, gadget",
    ),
    "office-supplies": (
        "product",
        "office supplies",
        "printer paper, copy paper, paper, ink, ink cartridge, toner, pen, pencil, notebook, notepad, stapler, "
        "staple, envelope, folder, sticky note, post-it, binder, tape, packing tape, label, marker, highlighter, "
        "stamp, postage stamp, paper clip, whiteboard, dry erase marker, office supply, office supplies, desk "
        "organizer, calendar, planner, shipping box, bubble wrap",
    ),
    "pet-supplies": (
        "product",
        "pet supplies",
        "dog food, cat food, cat litter, kitty litter, litter, pet food, dog treat, cat treat, treat, leash, collar, "
        "flea, flea treatment, chew toy, dog toy, cat toy, pet supply, fish food, bird seed, poop bag",
    ),
    "baby": (
        "product",
        "baby supplies",
        "diaper, nappy, baby wipe, wipe, baby formula, formula, pacifier, baby food, bottle nipple, baby bottle, "
        "onesie, teether",
    ),
    "health": (
        "product",
        "health and pharmacy",
        "vitamin, medicine, ibuprofen, tylenol, advil, aspirin, painkiller, bandage, band-aid, first aid kit, "
        "sunscreen, allergy pill, cough syrup, thermometer, contact lens solution, face mask, hand sanitizer, protein "
        "powder, supplement",
    ),
    "home-goods": (
        "product",
        "home goods",
        "sofa, mattress, office chair, lamp, desk lamp, rug, curtain, pillow, blanket, bedsheet, sheet, duvet, "
        "comforter, cushion, mirror, frame, picture frame, plant pot, houseplant, cookware, pan, frying pan, pot, "
        "knife, plate, mug, glass, cutlery, blender, toaster, coffee maker, air fryer, fan, space heater, humidifier, "
        "doormat, shoe rack",
    ),
    "gifts": (
        "product",
        "gifts",
        "gift, present, birthday present, birthday gift, gift card, flower, bouquet, wrapping paper, greeting card, "
        "birthday card, balloon, party supply, decoration",
    ),
    "clothing": (
        "product",
        "clothing",
        "shoe, sneaker, sock, shirt, t-shirt, jacket, coat, rain jacket, jean, pant, dress, underwear, hat, glove, "
        "scarf, umbrella, backpack, belt, swimsuit",
    ),
    "graphic-design": (
        "digital",
        "graphic design",
        "logo, logotype, brand identity, branding, business card, flyer, poster, brochure, banner, menu design, "
        "illustration, icon, infographic, mockup, book cover, album cover, packaging, label design, sticker design, "
        "t-shirt design, graphic, thumbnail, photoshop, canva, figma, ui design, ux, wireframe, photo editing, "
        "retouch, background removal, vector, invitation design, wedding invitation",
    ),
    "writing": (
        "digital",
        "writing",
        "blog post, blog, article, copy, copywriting, product description, resume, cv, cover letter, bio, about page, "
        "press release, newsletter, ebook, speech, toast, essay, proofreading, proofread, manuscript, grant proposal, "
        "proposal, case study, white paper, content, wedding speech, eulogy, linkedin profile, script, ghostwriting",
    ),
    "programming": (
        "digital",
        "programming",
        "code, bug, api, python, javascript, typescript, django, react, database, sql, excel macro, macro, "
        "spreadsheet formula, automation, zapier, integration, chrome extension, mobile app, ios app, android app, "
        "app, software, backend, frontend, server, github, algorithm, bot, discord bot, scraper, web scraper, plugin, "
        "program",
    ),
    "web-development": (
        "digital",
        "web development",
        "website, site, web site, webpage, web page, landing page, wordpress, shopify, squarespace, wix, host, web "
        "host, webflow, online store, e-commerce site, ecommerce site, domain, domain name, hosting, web hosting, "
        "ssl, html, css, homepage, portfolio site, booking page, contact form",
    ),
    "marketing": (
        "digital",
        "marketing",
        "seo, search engine optimization, google ad, facebook ad, instagram ad, ad campaign, adwords, social media, "
        "instagram, facebook, tiktok, linkedin, twitter, pinterest, email campaign, email marketing, mailchimp, "
        "marketing, marketing plan, keyword research, backlink, google business profile, analytics, google analytics, "
        "influencer, hashtag, ad copy, social post, content calendar",
    ),
    "video": (
        "digital",
        "video",
        "video, youtube video, youtube, reel, promo video, explainer video, animation, motion graphic, subtitle, "
        "caption, intro video, wedding video, video editing, footage, vlog, short, tiktok video, slideshow",
    ),
    "audio": (
        "digital",
        "audio",
        "podcast, podcast episode, voiceover, voice over, jingle, audio, mixing, mastering, song, beat, audiobook, "
        "sound",
    ),
    "translation": (
        "digital",
        "translation",
        "translation, spanish, french, german, italian, portuguese, chinese, japanese, korean, arabic, russian, "
        "dutch, english, language, localization, transcript, transcription",
    ),
    "admin-support": (
        "digital",
        "admin support",
        "data entry, inbox, email inbox, calendar management, virtual assistant, research, lead list, spreadsheet, "
        "excel, google sheet, csv, pdf, form, presentation, pitch deck, investor deck, sales deck, slide deck, slide, powerpoint, keynote, crm, contact "
        "list, receipt, online research",
    ),
    "accounting": (
        "digital",
        "accounting",
        "bookkeeping, tax return, taxes, tax, invoice, invoices, quickbooks, xero, payroll, expense report, financial "
        "model, budget spreadsheet, accounting",
    ),
    "furniture-assembly": (
        "local",
        "furniture assembly",
        "ikea, wardrobe, dresser, bookshelf, bookcase, bed frame, crib, desk, table, chair, furniture, shelving unit, "
        "cabinet, closet system, bunk bed, trampoline, grill, swing set, treadmill, exercise bike, flat-pack, flat "
        "pack, pax",
    ),
    "moving": (
        "local",
        "moving",
        "move, moving, mover, moving truck, piano, couch, boxes, storage unit, haul, junk, junk removal, heavy "
        "lifting, apartment move, u-haul, van, removal",
    ),
    "cleaning": (
        "local",
        "cleaning",
        "house, apartment, flat, kitchen, bathroom, carpet, window, oven, fridge, garage, gutter, deep clean, "
        "move-out clean, move-out cleaning, cleaning, cleaner, maid, housekeeping, laundry, ironing, dish, floor, "
        "upholstery, pressure wash, power wash",
    ),
    "handyman": (
        "local",
        "handyman",
        "tv, tv wall, shelf, shelves, picture, art, curtain rod, blind, door, door handle, drawer, hinge, lock, "
        "handyman, wall, hole in the wall, drywall patch, caulk, weatherstrip, baby gate, towel rack, mirror, "
        "doorbell, smart lock, thermostat, smoke detector, fence panel, screen door, squeaky door",
    ),
    "plumbing": (
        "local",
        "plumbing",
        "plumber, plumbing, sink, faucet, tap, toilet, drain, clogged drain, pipe, leak, leaking, water heater, "
        "shower, shower head, garbage disposal, bathtub, sewer, water pressure",
    ),
    "electrical": (
        "local",
        "electrical",
        "electrician, electrical, outlet, socket, light switch, switch, ceiling fan, light fixture, chandelier, "
        "wiring, breaker, circuit, ev charger, dimmer, pendant light, recessed light",
    ),
    "painting": (
        "local",
        "painting",
        "painter, painting, paint, wall paint, living room, bedroom, ceiling, fence, deck stain, trim, exterior, "
        "interior, wallpaper, accent wall",
    ),
    "yard-work": (
        "local",
        "yard work",
        "lawn, grass, yard, garden, hedge, hedges, tree, leaves, leaf, weed, weeds, snow, driveway, landscaping, lawn "
        "mower, bush, shrub, mulch, flower bed, sprinkler, stump",
    ),
    "home-improvement": (
        "local",
        "home improvement",
        "renovation, remodel, kitchen remodel, bathroom remodel, tile, tiling, backsplash, flooring, hardwood floor, "
        "laminate, roof, roofing, gutters, deck, patio, window replacement, insulation, hvac, air conditioner, "
        "furnace, contractor, countertop, cabinets, siding, basement, attic, drywall, stairs",
    ),
    "appliance-repair": (
        "local",
        "appliance repair",
        "washing machine, washer, dryer, dishwasher, refrigerator, microwave, stove, appliance, ice maker, freezer",
    ),
    "errands": (
        "local",
        "errands",
        "dry cleaning, errand, post office, pharmacy pickup, prescription, package, parcel, return, line, queue, "
        "delivery, courier, pet sitting, dog walking, dog, cat, plant watering, wait in line, key, car wash",
    ),
}
CATEGORIES: dict[str, tuple[PartnerKind, str, tuple[str, ...]]] = {
    slug: (kind, label, tuple(w.strip() for w in nouns.split(",")))
    for slug, (kind, label, nouns) in _CATEGORY_WORDS.items()
}


# Verbs and verb phrases that say what kind of work a task is, with how sure they make us (2 strong, 1 a hint,
# 0.5 ambiguous: the object decides). The first strong verb of a title counts twice.
VERBS: dict[PartnerKind, dict[str, float]] = {
    "product": _weights(
        "buy=2, order=1.6, purchase=2, get me=1.6, pick up=1.2, restock=2, reorder=2, shop for=2, stock up=2, "
        "grab=1.2, replenish=2, refill=1, need more=1.5, run out of=1.5, ran out of=1.5, out of=0.8, get=0.5, "
        "replace=0.5, pick out=1, shop=1.5, shopping=1.5, shopping list=2, grocery run=2"
    ),
    "digital": _weights(
        "design=2, redesign=2, write=1.6, rewrite=2, code=2, program=1.5, develop=1.5, edit=1.6, translate=2.5, "
        "proofread=2.5, transcribe=2.5, illustrate=2, animate=2, debug=2.5, optimize=1.2, automate=2, draft=1.2, "
        "copyedit=2.5, localize=2, subtitle=2, retouch=2, photoshop=2, record=0.8, build=0.6, create=0.6, make=0.3, "
        "set up=0.4, update=0.5, migrate=1.2, research=1, format=1, type up=1.5, digitize=1.5, scan=0.8, publish=1, "
        "post=0.4"
    ),
    "local": _weights(
        "assemble=2.5, mount=2, hang=1.5, move=0.9, clean=1.4, deep clean=2.5, fix=0.6, repair=0.8, install=0.7, "
        "plumb=2, paint=1.5, mow=2.5, rake=2.5, shovel=2.5, trim=1, prune=2, haul=2, vacuum=2, mop=2, scrub=2, "
        "declutter=2, unclog=2.5, replace=0.5, patch=1.2, caulk=2, tile=1.2, weed=1.5, plant=0.8, landscape=1.5, put "
        "together=2, carry=1.5, lift=1.2, deliver=1, drop off=1.5, power wash=2.5, pressure wash=2.5, wash=1, walk=1, "
        "hand out=2, distribute=1.5, babysit=1.5, organize=0.6, remodel=1.5, renovate=1.2, demolish=2, wire=1, "
        "unpack=1.5, pack=1, service=0.6, inspect=0.8, set up=0.3, put up=1.5, take down=1.2, remove=0.6"
    ),
}

# How each action verb is said as a noun in a search ("assemble" -> "assembly"), for the partner query.
VERB_NOUNS: dict[str, str] = _pairs(
    "design=design, redesign=redesign, write=writing, rewrite=rewriting, code=coding, program=programming, "
    "develop=development, edit=editing, translate=translation, proofread=proofreading, transcribe=transcription, "
    "illustrate=illustration, animate=animation, debug=debugging, automate=automation, copyedit=copy editing, "
    "assemble=assembly, mount=mounting, hang=hanging, move=moving, clean=cleaning, deep clean=deep cleaning, "
    "fix=repair, repair=repair, install=installation, plumb=plumbing, paint=painting, mow=mowing, rake=raking, "
    "shovel=shoveling, trim=trimming, prune=pruning, haul=hauling, vacuum=vacuuming, mop=mopping, unclog=unclogging, "
    "declutter=decluttering, caulk=caulking, put together=assembly, power wash=power washing, pressure wash=pressure "
    "washing, remodel=remodel, renovate=renovation, retouch=retouching, subtitle=subtitles, localize=localization, "
    "build=build, create=, make=, set up=setup, update=update"
)

# The category a verb implies when the task names no object we know ("Assemble the thing from the box").
VERB_CATEGORY: dict[str, str] = _pairs(
    "assemble=furniture-assembly, put together=furniture-assembly, mount=handyman, hang=handyman, patch=handyman, "
    "caulk=handyman, fix=handyman, repair=handyman, put up=handyman, take down=handyman, install=handyman, "
    "move=moving, haul=moving, carry=moving, lift=moving, unpack=moving, pack=moving, clean=cleaning, deep "
    "clean=cleaning, vacuum=cleaning, mop=cleaning, scrub=cleaning, declutter=cleaning, power wash=cleaning, pressure "
    "wash=cleaning, wash=cleaning, plumb=plumbing, unclog=plumbing, paint=painting, mow=yard-work, rake=yard-work, "
    "shovel=yard-work, prune=yard-work, weed=yard-work, landscape=yard-work, plant=yard-work, trim=yard-work, "
    "wire=electrical, remodel=home-improvement, renovate=home-improvement, demolish=home-improvement, "
    "tile=home-improvement, deliver=errands, drop off=errands, hand out=errands, distribute=errands, walk=errands, "
    "design=graphic-design, redesign=graphic-design, illustrate=graphic-design, retouch=graphic-design, "
    "photoshop=graphic-design, write=writing, rewrite=writing, proofread=writing, copyedit=writing, draft=writing, "
    "edit=writing, code=programming, program=programming, develop=programming, debug=programming, "
    "automate=programming, translate=translation, localize=translation, transcribe=translation, animate=video, "
    "subtitle=video, record=audio, research=admin-support, type up=admin-support, digitize=admin-support, "
    "scan=admin-support, format=admin-support"
)

# Rooms and places say where the work is, not what it is: they count for less.
CONTEXT_WORDS: frozenset[str] = frozenset(
    _listed(
        "apartment, app, attic, basement, bathroom, bedroom, cat, content, copy, dog, exterior, flat, floor, form, "
        "garage, home, house, interior, key, kitchen, line, living room, office, package, paper, program, return, "
        "room, site, sound, treat, wall"
    )
)

# Big multi-part outcomes: regular expressions over the lowercased text, with their weight and the problem's category.
PROBLEM_PATTERNS: tuple[tuple[str, float, str], ...] = (
    (r"\b(?:get|reach|hit|gain|attract|drive|grow\w* (?:to|by)|double|triple)\b[^.]{0,40}?\b\d[\d,.]*\s*[km+]?\s*"
     r"(?:\w+\s+){0,3}(?:visitors?|visits|followers?|subscribers?|sign-?ups?|signups?|customers?|clients?|users?|"
     r"downloads?|leads?|sales|orders|members|readers|listeners|views|installs|bookings|reviews|donors|students)\b",
     4.0, "growth"),
    (r"\b\d[\d,.]*\s*[km]?\+?\s*(?:new\s+|more\s+|monthly\s+|paying\s+|legit\s+|real\s+|website\s+)*"
     r"(?:visitors|followers|subscribers|sign-?ups|signups|customers|users|downloads|leads|members|readers|views)\b",
     3.0, "growth"),
    (r"\b(?:grow|increase|boost|double|triple|scale)\b[^.]{0,30}\b(?:traffic|sales|revenue|audience|following|"
     r"followers|subscribers|customers|business|membership|signups|sign-ups|user base|bookings)\b", 3.5, "growth"),
    (r"\bfirst page of google\b|\brank\w* (?:#?1|first|higher|on google)\b", 3.5, "growth"),
    (r"\blaunch\w*\b(?:\s+\w+){0,3}\s+(?:online store|store|shop|product|app|business|startup|brand|podcast|"
     r"channel|course|campaign|website|site|book|newsletter|line|restaurant|cafe|company|saas|clinic|service)\b",
     4.0, "launch"),
    (r"\b(?:start|open|set up|found|create)\w*\s+(?:a|an|my|our|the)?\s*(?:[\w'-]+\s+){0,2}"
     r"(?:business|company|startup|restaurant|cafe|coffee shop|bakery|food truck|nonprofit|non-profit|charity|"
     r"franchise|agency|clinic|studio|location|store)\b", 3.5, "launch"),
    (r"\b(?:plan(?:s|ned|ning)?|organi[sz]\w*|host(?:s|ed|ing)?|throw(?:ing)?|put on|run)\b(?:\s+[\w'-]+){0,4}\s+(?:wedding|conference|"
     r"festival|fundraiser|gala|retreat|offsite|off-site|reunion|summit|hackathon|trade show|wedding reception|"
     r"bachelor party|bachelorette party|baby shower|party|event|meetup|tour|trip|honeymoon|vacation|holiday|"
     r"run|race|marathon|tournament|concert|workshop|exhibition|camp|fair|launch party|open house)\b",
     3.5, "event"),
    (r"\b(?:wedding|honeymoon)\b", 1.0, "event"),
    (r"\b(?:relocat\w+|emigrat\w+|move (?:abroad|overseas|to (?:another|a new) (?:country|city|state)))\b", 3.5,
     "relocation"),
    (r"\b(?:move|moving) (?:our|the|my) (?:office|company|business|family)\b", 2.5, "relocation"),
    (r"\b(?:whole|entire|full|complete)\s+(?:house|home|apartment|flat|renovation|remodel|rebrand|overhaul|"
     r"makeover)\b", 2.5, "renovation"),
    (r"\b(?:renovate|remodel|restore|flip)\b[^.]{0,30}\b(?:house|home|property|building|apartment|flat)\b", 2.5,
     "renovation"),
    (r"\b(?:rebrand\w*|go to market|go-to-market|business plan|fundrais\w+|raise (?:a )?(?:seed|round|funding)|"
     r"get funded|get investors)\b", 3.5, "launch"),
    (r"\b(?:self-publish\w*|publish\w* (?:my|a|an|our|the) (?:\w+ )?(?:book|novel|cookbook|memoir|ebook|album))\b",
     3.5, "launch"),
    (r"\b(?:get|bring|attract|win|find|need)\b(?:\s+[\w'-]+){0,3}\s+more\s+(?:[\w'-]+\s+){0,2}(?:customers|clients|"
     r"visitors|traffic|sales|followers|subscribers|users|leads|bookings|patients|students|members|donors|buyers|"
     r"guests|reviews|ratings)\b",
     3.5, "growth"),
    (r"\b(?:from scratch|end to end|end-to-end|step by step|multi-?step|several parts|many parts)\b", 1.5,
     "project"),
    (r"\b(?:get|become|be)\s+(?:\w+\s+)?(?:certified|accredited|licensed|compliant|gdpr compliant)\b", 3.0,
     "project"),
    (r"\b(?:find|hire|build)\s+(?:a|an|my)?\s*(?:team|staff|employees|cofounder|co-founder)\b", 3.0, "project"),
)  # fmt: skip

PROBLEM_LABELS: dict[str, str] = {
    "growth": "a growth goal",
    "launch": "a launch",
    "event": "an event to organize",
    "relocation": "a relocation",
    "renovation": "a renovation",
    "project": "a project",
}

# The marketplace's own category (domain.marketplace.CATEGORIES) for a task posted here, by the task's category.
MARKETPLACE_CATEGORY: dict[str, str] = _pairs(
    "graphic-design=design, writing=writing, translation=writing, programming=software, web-development=software, "
    "marketing=marketing, video=video-audio, audio=video-audio, admin-support=admin-support, "
    "accounting=admin-support, furniture-assembly=home-repairs, handyman=home-repairs, plumbing=home-repairs, "
    "electrical=home-repairs, painting=home-repairs, home-improvement=home-repairs, appliance-repair=home-repairs, "
    "yard-work=home-repairs, moving=moving-delivery, errands=moving-delivery, cleaning=cleaning, event=events"
)

# Words a search does not need: requests, people, time, vague amounts.
FILLER: frozenset[str] = frozenset(
    _listed(
        "a also am an and anybody anyone asap away before best bought bunch buy buying by can cheap cheapest could "
        "couple day days decent do done due fast few find for friday get getting go going good got grab has have help "
        "helping hire i i'm it just let let's lets lot lots me monday month months more must my need needed needs new "
        "next nice of or order ordering our out pack packs pick please pls pm pro professional pros purchase quality "
        "quick quickly ran really reorder replenish restock run saturday shop shopping should some somebody someone "
        "soon stock sunday that the their these this those thursday to today tomorrow tonight tuesday until up urgent "
        "urgently us very want wanted we wednesday week weekend weeks while will with would you your we're i've "
        "we've it's im ive",
        " ",
    )
)

# A shopping list that names only this is not a list: the items are in the notes.
GENERIC_ITEMS: frozenset[str] = frozenset(
    _listed(
        "essentials, food, groceries, grocery, list, shop, shopping, stuff, supplies, things, weekly, run, trip", ", "
    )
)
