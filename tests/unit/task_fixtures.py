"""To-do items as members type them, each with the kind of task it is (product, digital, local, problem), for the
offline classifier. Tricky ones say why they are what they are."""

from __future__ import annotations

from dataclasses import dataclass

from jtbd_app.domain.task_routing import TaskKind


@dataclass(frozen=True)
class Task:
    title: str
    kind: TaskKind
    notes: str = ""
    why: str = ""


TASKS: tuple[Task, ...] = (
    # product: things to buy
    Task("Buy lightbulbs", "product"),
    Task("Buy milk, eggs and bread", "product"),
    Task("order more printer paper", "product"),
    Task("Get me AA batteries", "product"),
    Task("Pick up groceries for the week", "product", notes="milk, bananas, oat milk, coffee beans"),
    Task("need new phone charger", "product", why="no verb: the object is a thing sold in shops"),
    Task("Restock dishwasher pods and paper towels", "product"),
    Task("Groceries", "product", notes="eggs\nspinach\nsalmon\nolive oil"),
    Task("Buy a birthday present for Sam", "product"),
    Task("Order cat litter and cat food", "product"),
    Task("Purchase a new office chair", "product"),
    Task("ran out of toothpaste", "product"),
    Task("Buy diapers + wipes", "product"),
    Task("shop for a rain jacket", "product"),
    Task("Get HDMI cable for the projector", "product"),
    Task("Buy ink cartridges and envelopes", "product"),
    Task("Order flowers for mom's birthday", "product"),
    Task("Stock up on vitamins and sunscreen", "product"),
    Task("Buy a kettle", "product", why="an object the lexicon does not know: the verb decides"),
    Task("Grab coffee beans on the way home", "product"),
    Task("Buy trash bags", "product"),
    Task("dog food running low", "product", why="no verb: a thing that runs out is bought again"),
    Task("Reorder Nespresso pods", "product"),
    Task("Buy bananas, apples & oranges", "product"),
    Task("Pick up a birthday cake for Saturday", "product", why="'pick up' a cake: bought, not an errand"),
    # digital: work a freelancer can do online
    Task("Design a logo for my bakery", "digital"),
    Task("Write a cover letter for the marketing job", "digital"),
    Task("Fix the bug in our checkout page", "digital", why="'fix' is ambiguous; a bug on a page is software"),
    Task("Translate my restaurant menu into Spanish", "digital"),
    Task("Edit my wedding video", "digital", why="a wedding is a problem, but editing its video is one deliverable"),
    Task("Build a landing page for the new app", "digital"),
    Task("Proofread my thesis", "digital"),
    Task(
        "Buy a domain and build a website",
        "digital",
        why="the domain is a step on the way to a website; no shop sells the website",
    ),
    Task("Set up Google Analytics on the site", "digital"),
    Task("Make a flyer for the garage sale", "digital", why="a flyer is graphic design even with 'garage' in it"),
    Task("Clean up my email inbox", "digital", why="'clean' usually means hands-on work, but an inbox is online"),
    Task("Move my blog to WordPress", "digital", why="'move' is moving work, except when what moves is a website"),
    Task("Transcribe the podcast interview", "digital"),
    Task("redesign business cards", "digital"),
    Task("Write product descriptions for 20 candles", "digital"),
    Task("Python script to rename photos", "digital"),
    Task("Do my bookkeeping for Q3", "digital", notes="about 200 receipts in a shared folder, QuickBooks"),
    Task("Create a slide deck for the investor meeting", "digital"),
    Task("Edit the podcast audio and add intro music", "digital"),
    Task("Design wedding invitations", "digital", why="'wedding' alone is not a plan: the invitations are one piece"),
    Task("Fix broken links on my site", "digital"),
    Task("Do my taxes", "digital"),
    Task("Translate birth certificate to English", "digital"),
    Task("Get a new resume written", "digital", why="'get' is not buying here: the resume is written for you"),
    # local: hands-on work at a place
    Task("Assemble IKEA wardrobe", "local"),
    Task("Mount the TV above the fireplace", "local"),
    Task("Fix the leaking kitchen faucet", "local"),
    Task("Deep clean the apartment before move-out", "local"),
    Task("Mow the lawn", "local"),
    Task("Help moving a couch to the 3rd floor", "local"),
    Task("Paint the living room", "local"),
    Task("Install a ceiling fan in the bedroom", "local"),
    Task("Unclog the bathroom sink", "local"),
    Task("Hang shelves and pictures in the hallway", "local"),
    Task("Pick up my dry cleaning", "local", why="'pick up' usually means buying; dry cleaning is an errand"),
    Task("Rake leaves and clean the gutters", "local"),
    Task("Put together the new crib", "local", why="a crib is sold in shops, but putting it together is work"),
    Task("Washing machine is leaking", "local", why="no verb: a broken appliance needs a repair visit"),
    Task("Shovel snow from the driveway", "local"),
    Task(
        "Buy paint and paint the fence", "local", why="the paint is bought on the way; the outcome is a painted fence"
    ),
    Task("Replace the light switch in the hallway", "local"),
    Task("Haul old furniture to the dump", "local"),
    Task("Power wash the deck", "local"),
    Task("Tile the kitchen backsplash", "local"),
    Task("Someone to walk my dog while I'm away", "local", notes="3 walks a day, in Austin"),
    Task("Assemble a desk", "local"),
    Task("Get rid of old couch", "local"),
    Task("Fix the dishwasher", "local"),
    Task("Set up the new bunk bed", "local"),
    Task("Plant tulips for the garden party", "local", why="a party is mentioned, but the work is planting"),
    Task("Install a smart thermostat", "local"),
    Task("Move the couch to the bedroom", "local", why="moving furniture inside a home is a moving job"),
    # problem: big multi-part outcomes
    Task("Launch my online store", "problem"),
    Task("Get 10K visitors to my bakery's website", "problem"),
    Task("Plan a wedding for 120 guests", "problem"),
    Task("Grow my Instagram to 5,000 followers", "problem"),
    Task("Start a food truck business", "problem"),
    Task("Organize a team offsite for 30 people in Denver", "problem"),
    Task("Self-publish my novel on Amazon", "problem", why="names a shop, but publishing a book has many parts"),
    Task("Renovate the whole house before we sell it", "problem"),
    Task("Get 500 sign-ups for our SaaS beta", "problem"),
    Task("Rank on the first page of Google for 'best bakery in Austin'", "problem"),
    Task("Relocate our office to Berlin", "problem", why="'move' work, but a whole office relocating has many parts"),
    Task("Double our monthly sales by the end of the year", "problem"),
    Task("Open a second location for my cafe", "problem"),
    Task(
        "Design a new website and hand out flyers around the neighborhood",
        "problem",
        why="online design work and hands-on distribution together: several kinds of work",
    ),
    Task("Organize a fundraiser gala for the school", "problem"),
    Task("Launch a podcast", "problem"),
    Task("Rebrand the company", "problem"),
    Task("Plan my daughter's 10th birthday party for 25 kids", "problem"),
    Task("Move to Lisbon", "problem", why="moving to another city, not moving a couch: a relocation"),
    Task("Get my restaurant more customers", "problem"),
    Task("Write, design and publish a cookbook", "problem", why="three kinds of work in one title"),
    Task("Plan our honeymoon in Japan", "problem"),
    Task("Set up a small online business selling candles", "problem"),
)
