"""Hand-written prompts with good answers for the default preference set (see preference_data).

Each entry is ``(prompt, subject, answers)``: ``subject`` completes "I'm not sure about
..." for the polite abstentions. The answers are complete, relevant and fluent; they cover
how-to, explanation, advice, text-grounded and creative requests, so the RM sees more than
one-line facts.
"""

GENERAL_PROMPTS: list[tuple[str, str, list[str]]] = [
    ("How do I boil an egg?", "the best way to boil an egg", [
        "Put the egg in a pot, cover it with cold water, bring it to a boil, then simmer for 7 to 9 minutes. Cool it "
        "in cold water before peeling.",
        "Place the egg in boiling water for about 8 minutes for a firm yolk, then move it to cold water so it is "
        "easy to peel."]),
    ("How can I improve my sleep?", "how to improve your sleep", [
        "Keep a regular bedtime, avoid screens and caffeine in the evening, and keep your bedroom dark, quiet and "
        "cool.",
        "Go to bed and wake up at the same times every day, get daylight in the morning, and skip heavy meals and "
        "coffee late in the day."]),
    ("Explain what photosynthesis is.", "photosynthesis", [
        "Photosynthesis is how plants turn light into food: they use sunlight to combine carbon dioxide and water "
        "into sugar, releasing oxygen.",
        "In photosynthesis, plants, algae and some bacteria capture light energy and store it as sugar made from "
        "water and carbon dioxide, giving off oxygen."]),
    ("Why is the sky blue?", "why the sky is blue", [
        "Air molecules scatter short blue wavelengths of sunlight much more than red ones, so blue light reaches our "
        "eyes from every direction of the sky.",
        "Sunlight is scattered by the gases in the atmosphere, and blue light scatters most strongly, which makes "
        "the sky look blue."]),
    ("Write a haiku about the sea.", "a haiku about the sea", [
        "Grey waves fold and break,\nsalt wind carries gull voices,\nthe tide keeps its time.",
        "Moonlight on the swell,\nthe sea breathes in and breathes out,\nsand forgets our steps."]),
    ("Write a short poem about autumn.", "a poem about autumn", [
        "The maples burn in red and gold,\nthe mornings turn a little cold,\nand every leaf that drifts away\nmakes "
        "room for spring another day.",
        "Autumn hums a quiet tune,\nof amber light and harvest moon,\nof smoke that curls from chimney tops\nand "
        "apples waiting in the shops."]),
    ("Tell me a short story about a lost robot.", "a story about a lost robot", [
        "A small delivery robot took a wrong turn in the rain and rolled into a park. A girl dried its sensors with "
        "her scarf, read its address label and walked it home. From then on, it always paused at the park to blink "
        "its lights at her.",
        "Unit 7 lost its map when lightning hit the tower. It followed the smell of bread to a bakery, where the "
        "baker gave it a job sorting rolls until its friends found it a week later."]),
    ("Give me three tips for learning a new language.", "how to learn a new language", [
        "1. Practise a little every day instead of a lot once a week. 2. Speak with native speakers as early as you "
        "can. 3. Learn the most common words first and use them in sentences.",
        "Study daily in short sessions, listen to podcasts or shows in the language, and find a conversation "
        "partner so you practise speaking, not only reading."]),
    ("What should I pack for a weekend hiking trip?", "what to pack for a hike", [
        "Bring sturdy boots, layered clothing, a rain jacket, enough water, snacks, a map, a first-aid kit, sunscreen "
        "and a headlamp.",
        "Pack water, food, a warm layer, a waterproof jacket, a map or GPS, a small first-aid kit and a torch, and "
        "check the weather before you leave."]),
    ("How do I write a good cover letter?", "writing a cover letter", [
        "Address it to a person, open with why you want this specific job, give two or three concrete examples of "
        "what you achieved, and end by asking for an interview. Keep it to one page.",
        "Tailor it to the role: explain what draws you to the company, match your experience to the job's main "
        "requirements with examples, and close politely and briefly."]),
    ("Summarize: The city council voted on Tuesday to build a new library downtown. Construction "
     "starts next spring and should take two years.", "this text", [
        "The city council approved a new downtown library on Tuesday; building begins next spring and will take about "
        "two years.",
        "A new downtown library was approved by the council, with construction starting next spring and lasting two "
        "years."]),
    ("Summarize: Maria trained for six months and finished her first marathon in four hours, raising "
     "money for the local hospital.", "this text", [
        "After six months of training, Maria ran her first marathon in four hours and raised money for the local "
        "hospital.",
        "Maria completed her first marathon in four hours, after half a year of training, as a fundraiser for the "
        "hospital."]),
    ("What is a good way to start exercising?", "how to start exercising", [
        "Start small: walk 20 to 30 minutes a few times a week, add some simple strength exercises, and increase "
        "slowly so you stay consistent and avoid injury.",
        "Pick an activity you enjoy, schedule short sessions three times a week, and build up gradually. "
        "Consistency matters more than intensity at first."]),
    ("Explain recursion to a beginner.", "recursion", [
        "Recursion is when a function solves a problem by calling itself on a smaller version of the same problem, "
        "until it reaches a simple case it can answer directly.",
        "A recursive function breaks a task into a smaller copy of itself. For example, the factorial of 5 is 5 "
        "times the factorial of 4, down to the factorial of 1, which is just 1."]),
    ("How do I make a cup of tea?", "making tea", [
        "Boil fresh water, pour it over a tea bag or loose leaves in a cup, steep for three to five minutes, remove "
        "the tea, and add milk, lemon or sugar if you like.",
        "Heat water until it boils, let the tea steep in it for a few minutes, then take the leaves out and season "
        "it to taste."]),
    ("Suggest a name for a friendly cat.", "a name for a cat", [
        "How about Biscuit? It sounds warm and playful, which suits a friendly cat.",
        "Try Pumpkin, Mochi or Toffee: short, sweet names that are easy to call."]),
    ("What are the benefits of reading?", "the benefits of reading", [
        "Reading builds vocabulary and knowledge, improves focus and empathy, and is a relaxing way to reduce stress.",
        "Regular reading improves your writing and concentration, teaches you new ideas, and lets you see the world "
        "through other people's eyes."]),
    ("Describe a sunset in two sentences.", "a sunset", [
        "The sun sank behind the hills and set the clouds on fire in orange and pink. Then the colours faded slowly "
        "into a deep violet sky.",
        "Gold light spilled across the water as the sun touched the horizon. Minutes later only a red glow remained "
        "above the dark trees."]),
    ("How do I stay focused while studying?", "staying focused while studying", [
        "Put your phone in another room, study in 25-minute blocks with short breaks, set a clear goal for each "
        "session, and keep your desk tidy.",
        "Remove distractions, work in focused intervals with planned breaks, and start with the hardest task while "
        "your energy is highest."]),
    ("What is the difference between weather and climate?", "weather and climate", [
        "Weather is the state of the atmosphere on a given day, such as rain or sunshine; climate is the average "
        "pattern of weather in a place over many years.",
        "Weather changes hour to hour and day to day, while climate describes the long-term averages and extremes "
        "of a region."]),
    ("Write a limerick about a cat.", "a limerick about a cat", [
        "A cat with a taste for the cream\nwould plot and would scheme and would dream;\nshe'd leap on the shelf,\n"
        "help herself to herself,\nthen purr like a small steam machine.",
        "There once was a cat named Lou\nwho napped in a size-seven shoe;\nwhen the owner came by\nshe just winked "
        "one eye\nand said, \"It's my shoe now, not you.\""]),
    ("How do plants get water?", "how plants get water", [
        "Plants take in water through their roots, and it travels up through thin tubes called xylem to the stems and "
        "leaves.",
        "Roots absorb water from the soil, and the plant draws it upward as water evaporates from the leaves, a "
        "process called transpiration."]),
    ("Give me an idea for a birthday present for my dad.", "a present for your dad", [
        "If he likes cooking, a good knife or a cookbook from a cuisine he loves; if he likes the outdoors, a day "
        "trip together. Shared time often means the most.",
        "Consider a framed family photo, a book by his favourite author, or tickets to a game or concert you can go "
        "to together."]),
    ("What does a computer's CPU do?", "what a CPU does", [
        "The CPU is the processor that runs programs: it fetches instructions from memory, performs calculations and "
        "logic, and coordinates the other parts of the computer.",
        "The central processing unit executes the instructions of software, doing the arithmetic and decisions that "
        "make programs work."]),
    ("Translate 'good morning' into French.", "the French for good morning", [
        "'Good morning' in French is 'Bonjour'.",
        "You would say 'Bonjour', which is used for 'good morning' and 'hello' during the day."]),
    ("How can I save money on groceries?", "saving money on groceries", [
        "Plan meals for the week, shop with a list, buy store brands and seasonal produce, and avoid shopping when "
        "you are hungry.",
        "Make a list and stick to it, compare unit prices, cook in batches, and use up leftovers before buying more."]),
    ("Write one sentence encouraging a friend before an exam.", "encouragement before an exam", [
        "You've prepared well, so trust yourself, take a deep breath and show them what you know - good luck!",
        "You've worked hard for this, and I know you'll do great; go in calm and confident."]),
    ("What is gravity?", "gravity", [
        "Gravity is the force by which masses attract each other; it keeps us on the ground and holds the Moon in "
        "orbit around the Earth.",
        "Gravity is the attraction between objects with mass. The bigger the mass, the stronger the pull, which is "
        "why the Earth pulls things toward it."]),
    ("How do I apologize to a friend?", "how to apologize", [
        "Talk to them directly, say clearly what you did wrong, acknowledge how it made them feel, apologize without "
        "excuses, and ask how you can make it right.",
        "Be sincere and specific: name the mistake, take responsibility, say sorry, and show through your actions "
        "that it won't happen again."]),
    ("Explain what a budget is.", "budgets", [
        "A budget is a plan for your money: it lists your expected income and decides in advance how much goes to "
        "bills, savings and spending.",
        "A budget tracks what comes in and what goes out, so you can make sure you spend less than you earn and "
        "save for your goals."]),
]
