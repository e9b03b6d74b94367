"""Dutch demo text about Morocco, composed from word and sentence banks.

Pure Python, no database and no network: `DemoWriter(seed)` returns the same titles,
leads and bodies for the same seed, so a benchmark loads the same site every time.
`manage.py seed_demo` writes what it composes.
"""

import random
from dataclasses import dataclass

SECTIONS = [
    ("Politiek", "Regering, parlement en diplomatie in Marokko."),
    ("Economie", "Handel, investeringen, landbouw en werk."),
    ("Samenleving", "Onderwijs, zorg, wonen en het dagelijks leven."),
    ("Diaspora", "Marokkaanse Nederlanders en Belgen, hier en daar."),
    ("Sport", "De Atlas Leeuwen, de Botola en de atletiekbaan."),
    ("Cultuur", "Film, muziek, literatuur en erfgoed."),
    ("Wetenschap & Tech", "Onderzoek, energie, start-ups en AI."),
    ("Wereld", "Marokko in Afrika, Europa en de wereld."),
]

FIRST_NAMES = [
    "Samira", "Karim", "Fatima", "Youssef", "Nadia", "Mohamed", "Sanne", "Pieter",
    "Hanna", "Ilham", "Rachid", "Loubna", "Anouk", "Bram", "Yasmina", "Hamza",
    "Soufiane", "Meryem", "Omar", "Lotte", "Jeroen", "Khadija", "Ayoub", "Salma",
]  # fmt: skip
LAST_NAMES = [
    "El Idrissi", "Benali", "El Amrani", "Ait Lahcen", "Boukhris", "Ouali",
    "de Vries", "Jansen", "Bakker", "Chaouki", "Azzouzi", "Haddou", "Visser",
    "Mulder", "Tahiri", "El Khattabi", "Bennani", "Fassi", "Smits", "Zerrouki",
    "Lamrani", "Cherkaoui", "Moussaoui", "Achahbar",
]  # fmt: skip
BIOS = [
    "Verslaggever in Rabat; schrijft over politiek en diplomatie.",
    "Economieredacteur; volgt handel, landbouw en energie.",
    "Correspondent in Casablanca.",
    "Fotograaf; reist voor de redactie door het hele land.",
    "Schrijft over de Marokkaanse gemeenschap in Nederland en België.",
    "Sportverslaggever; volgt de Atlas Leeuwen sinds 2010.",
    "Cultuurredacteur; film, muziek en boeken.",
    "Eindredacteur van de nachtdienst.",
]

CITIES = [
    "Rabat", "Casablanca", "Marrakech", "Tanger", "Fès", "Agadir", "Oujda", "Nador",
    "Al Hoceima", "Tetouan", "Meknès", "Laâyoune", "Dakhla", "Essaouira",
    "Ouarzazate", "Kenitra", "Safi", "El Jadida", "Beni Mellal", "Errachidia",
]  # fmt: skip
COUNTRIES = [
    "Spanje", "Frankrijk", "Nederland", "België", "Senegal", "Nigeria", "Egypte",
    "Mauritanië", "Portugal", "Duitsland", "Italië", "de Verenigde Staten", "China",
    "Ivoorkust", "Tunesië", "Ghana",
]  # fmt: skip
INSTITUTIONS = [
    "De regering", "Bank Al-Maghrib", "Het ministerie van Landbouw", "OCP",
    "Het parlement", "De Hoge Planningscommissie", "Het ministerie van Onderwijs",
    "Royal Air Maroc", "De ONCF", "Het ministerie van Toerisme", "Masen",
    "Tanger Med", "Het ministerie van Gezondheid", "De gemeenteraad",
]  # fmt: skip
SECTORS = [
    "groene waterstof", "zonne-energie", "de auto-industrie", "toerisme",
    "de visserij", "ontzilting van zeewater", "de luchtvaartindustrie", "textiel",
    "de landbouw", "digitale diensten", "de havens", "sociale woningbouw",
]  # fmt: skip
BUILDINGS = [
    "ziekenhuis", "universiteitscampus", "ontziltingsfabriek", "treinstation",
    "stadion", "zonnepark", "haventerminal", "cultureel centrum", "bibliotheek",
]  # fmt: skip
SUBJECTS = [
    "de watervoorziening", "de prijzen van brood en olie", "het onderwijs",
    "de gezondheidszorg op het platteland", "de wederopbouw na de aardbeving",
    "jeugdwerkloosheid", "de visumregels", "de huurprijzen", "de pensioenen",
    "het WK van 2030", "digitale overheidsdiensten", "de droogte",
    "de hogesnelheidslijn", "de zomerse overtocht",
]  # fmt: skip
PRODUCTS = [
    "elektrische auto's", "batterijen", "vliegtuigonderdelen", "zonnepanelen",
    "kunstmest", "medicijnen", "kleding", "olijfolie", "arganolie",
]  # fmt: skip
EVENTS = [
    "het Gnaoua-festival", "het filmfestival van Marrakech", "Mawazine",
    "het festival van gewijde muziek in Fès", "de boekenbeurs van Rabat",
    "de dadeloogst in Erfoud", "het rozenfestival in Kelaat M'Gouna",
]  # fmt: skip
PEOPLE = [
    "koning Mohammed VI", "premier Aziz Akhannouch", "bondscoach Walid Regragui",
    "Achraf Hakimi", "de minister van Buitenlandse Zaken", "de burgemeester",
    "de gouverneur van de regio", "een woordvoerder van de regering",
]  # fmt: skip
ROLES = [
    "een landbouwer", "een docente", "een taxichauffeur", "een arts",
    "een studente", "een ondernemer", "een visser", "een winkelier", "een econoom",
    "een onderzoeker", "een verpleegkundige", "een gepensioneerde leraar",
]  # fmt: skip
KICKERS = ["Analyse", "Interview", "Achtergrond", "Reportage", "Column", "Update"]

TITLES = [
    "{institution} investeert {number} miljoen dirham in {sector}",
    "Koning Mohammed VI opent nieuw {building} in {city}",
    "Droogte treft boeren rond {city}: oogst {percent} procent lager",
    "Atlas Leeuwen winnen van {country} met {score}",
    "{country} en Marokko sluiten akkoord over {sector}",
    "Hogesnelheidslijn naar {city} vordert, opening verwacht in {year}",
    "Recordaantal toeristen in {city}: {number}.000 bezoekers in een maand",
    "Nieuwe fabriek voor {product} in {city} levert {number} banen op",
    "Studenten in {city} protesteren tegen plannen voor {subject}",
    "Marokkaanse Nederlanders bezorgd over {subject}",
    "{event} trekt bezoekers uit heel Afrika",
    "Parlement debatteert over {subject}",
    "Bank Al-Maghrib houdt rente op {rate} procent",
    "Stuwmeren rond {city} voor {percent} procent gevuld",
    "{person} bezoekt {city} voor de opening van een {building}",
    "Export van {product} naar {country} stijgt met {percent} procent",
    "Wat betekent {sector} voor de jongeren van {city}?",
    "Zo leven de inwoners van {city} met {subject}",
    "Marokkaanse start-up uit {city} haalt {number} miljoen op",
    "Inflatie daalt naar {rate} procent, maar {subject} blijft zorg",
    "Nieuwe regels voor {subject} gaan in {month} in",
    "Haven van {city} breidt uit: {number} hectare erbij",
    "Onderzoekers in {city} presenteren plan voor {sector}",
    "Gemeente {city} trekt {number} miljoen uit voor {subject}",
    "Marokko en {country} werken samen aan {sector}",
    "Aardbevingsgebied: wederopbouw in de Atlas gaat door, {number} huizen klaar",
    "Vrouwenteam verslaat {country} en plaatst zich voor de Afrika Cup",
    "Filmmaker uit {city} wint prijs op {event}",
]  # fmt: skip

LEADS = [
    "{institution} wil met het plan vooral {subject} verbeteren, zei "
    "{person} {day}.",
    "In {city} reageren inwoners verdeeld: sommigen zien kansen, anderen vrezen voor "
    "{subject}.",
    "Het gaat om een investering van {number} miljoen dirham, verdeeld over "
    "{years} jaar.",
    "Volgens de Hoge Planningscommissie groeit {sector} dit jaar met {percent} "
    "procent.",
    "De beslissing volgt op maanden van overleg tussen Rabat en {country}.",
    "Voor veel families in de regio rond {city} is het nieuws een opluchting.",
    "Critici wijzen erop dat {subject} al jaren op de agenda staat.",
]  # fmt: skip

SENTENCES = [
    "{role_cap} uit {city} zegt dat het leven het afgelopen jaar duurder is geworden.",
    "“We wachten al lang op dit besluit,” zegt {role} die anoniem wil blijven.",
    "{institution} maakte de cijfers {day} bekend tijdens een persconferentie in "
    "Rabat.",
    "Het project moet in {year} klaar zijn en zo'n {number} banen opleveren.",
    "Economen wijzen erop dat {sector} snel groeit, maar dat de lonen achterblijven.",
    "In de regio rond {city} viel dit jaar {percent} procent minder regen dan "
    "gemiddeld.",
    "{person_cap} noemde het plan ‘een stap in de goede richting’.",
    "Ook {country} toont belangstelling voor samenwerking op het gebied van {sector}.",
    "De oppositie in het parlement vraagt om meer duidelijkheid over de kosten.",
    "Volgens {role} is {subject} het belangrijkste onderwerp aan de keukentafel.",
    "Het ministerie belooft dat de eerste resultaten binnen {years} jaar zichtbaar "
    "zijn.",
    "In de medina van {city} is het rustiger dan gebruikelijk in deze tijd van het "
    "jaar.",
    "Marokko exporteert jaarlijks voor miljarden dirham aan {product} naar Europa.",
    "De vraag is of de plannen ook de kleinere steden zoals {city} bereiken.",
    "Jongeren uit {city} vertrekken nog altijd vaak naar Casablanca of naar het "
    "buitenland.",
    "De regering trekt in totaal {number} miljoen dirham uit voor het programma.",
    "Sinds de aardbeving in de Atlas is {subject} een gevoelig onderwerp.",
    "Internationale investeerders uit {country} kijken met interesse naar de markt.",
    "“Dit is pas het begin,” zei {person} bij de presentatie.",
    "Bewoners klagen al jaren over de staat van de wegen naar {city}.",
    "De komende maanden moet blijken of {subject} echt verbetert.",
    "Veel Marokkaanse Nederlanders volgen het nieuws op de voet, ook via sociale "
    "media.",
    "Het aantal aanvragen steeg vorig jaar met {percent} procent.",
    "Tijdens {event} kwamen dit jaar meer bezoekers dan ooit.",
    "Volgens de Wereldbank kan {sector} het land de komende tien jaar veel opleveren.",
    "De haven van Tanger Med is inmiddels een van de grootste van de Middellandse "
    "Zee.",
    "In de bergdorpen is de winter streng en de weg naar school lang.",
    "Op de markt van {city} kosten tomaten bijna twee keer zoveel als een jaar "
    "geleden.",
    "De vakbonden dreigen met acties als er voor de zomer geen akkoord ligt.",
    "{role_cap} vertelt dat de familie in Nederland elke maand geld stuurt.",
    "De plannen passen in de nationale strategie die tot {year} loopt.",
    "Het nieuwe beleid moet vooral de regio's buiten de grote steden helpen.",
    "Op sociale media werd het besluit met gemengde gevoelens ontvangen.",
    "{institution} erkent dat de uitvoering trager gaat dan gepland.",
    "Een delegatie uit {country} bracht vorige week een bezoek aan {city}.",
    "De opbrengst moet deels terugvloeien naar de lokale gemeenschappen.",
    "Volgens {role} is er vooral behoefte aan duidelijke informatie.",
    "Het budget voor het komende jaar is met {percent} procent verhoogd.",
    "In cafés in {city} werd de wedstrijd tot diep in de nacht nagepraat.",
    "Milieuorganisaties vragen aandacht voor het grondwater, dat snel daalt.",
    "De bouw van het {building} begon twee jaar geleden en liep vertraging op.",
    "Ook in Amsterdam, Rotterdam en Brussel werd het nieuws gevolgd.",
    "“We moeten de jongeren een reden geven om te blijven,” zegt {role}.",
    "De minister beloofde het parlement voor het eind van het jaar een evaluatie.",
    "Het is de eerste keer in {years} jaar dat de cijfers zo gunstig zijn.",
    "Deskundigen waarschuwen dat de gevolgen van de droogte nog jaren merkbaar zijn.",
    "De gemeente {city} heeft een meldpunt geopend voor vragen van inwoners.",
    "{institution} wil de resultaten elk halfjaar openbaar maken.",
]  # fmt: skip

SUBHEADINGS = [
    "Hoe nu verder?",
    "Kritiek uit de oppositie",
    "Wat zeggen de inwoners?",
    "De cijfers",
    "Europese belangstelling",
    "Een lange geschiedenis",
]

TICKER_LINES = [
    "{city}: {institution_lower} kondigt maatregelen aan tegen {subject}",
    "{person_cap} ontvangt delegatie uit {country}",
    "Atlas Leeuwen: selectie voor duel met {country} bekend",
    "Stuwmeren gemiddeld voor {percent} procent gevuld",
    "Verkeer rond {city} vast door werkzaamheden",
    "Bank Al-Maghrib: inflatie {rate} procent",
    "Export van {product} stijgt met {percent} procent",
    "Hevige regen in de regio {city}, scholen dicht",
    "{event} begint vandaag",
    "Nieuwe vluchten tussen {city} en Amsterdam aangekondigd",
]  # fmt: skip

TOPIC_TAGS = [
    "Marokko", "Economie", "Toerisme", "Landbouw", "Water", "Droogte", "Energie",
    "Zonne-energie", "Groene waterstof", "Onderwijs", "Gezondheidszorg", "Migratie",
    "Diaspora", "Mensenrechten", "Westelijke Sahara", "Handel", "Export",
    "Infrastructuur", "Hogesnelheidstrein", "WK 2030", "Afrika Cup", "Voetbal",
    "Atletiek", "Film", "Muziek", "Literatuur", "Ramadan", "Religie", "Klimaat",
    "Aardbeving", "Wederopbouw", "Tech", "AI", "Start-ups", "Onderzoek",
    "Europese Unie", "Afrikaanse Unie", "Algerije", "Inflatie", "Werkgelegenheid",
    "Wonen", "Visserij", "Havens", "Luchtvaart", "Auto-industrie", "Verkiezingen",
    "Koningshuis", "Parlement", "Justitie", "Corruptie", "Jongeren", "Vrouwenrechten",
    "Amazigh", "Erfgoed", "Festivals", "Atlas Leeuwen", "Botola",
]  # fmt: skip
PEOPLE_TAGS = [
    "Mohammed VI", "Aziz Akhannouch", "Walid Regragui", "Achraf Hakimi",
    "Nasser Bourita", "Yassine Bounou", "Soufiane El Bakkali", "Leila Slimani",
]  # fmt: skip


@dataclass(frozen=True)
class DemoArticleText:
    title: str
    kicker: str
    lead: str
    body: str


def tag_names():
    """Return every demo tag name: topics, people, cities, countries, events by year."""
    events = ["Gnaoua-festival", "Filmfestival Marrakech", "Mawazine", "Boekenbeurs"]
    yearly = [f"{event} {year}" for event in events for year in range(2019, 2027)]
    countries = [c for c in COUNTRIES if not c.startswith("de ")]
    return [*TOPIC_TAGS, *PEOPLE_TAGS, *CITIES, *countries, *yearly]


def author_names(count):
    """Return count distinct names, first and last names combined in a fixed order."""
    names = [f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES]
    random.Random(7).shuffle(names)
    return names[:count]


class DemoWriter:
    """Compose Dutch titles, leads, bodies and ticker lines; the same for one seed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def _slots(self):
        choice, rng = self.rng.choice, self.rng
        person = choice(PEOPLE)
        role = choice(ROLES)
        institution = choice(INSTITUTIONS)
        return {
            "city": choice(CITIES),
            "country": choice(COUNTRIES),
            "institution": institution,
            "institution_lower": institution[0].lower() + institution[1:],
            "sector": choice(SECTORS),
            "building": choice(BUILDINGS),
            "subject": choice(SUBJECTS),
            "product": choice(PRODUCTS),
            "event": choice(EVENTS),
            "person": person,
            "person_cap": person[0].upper() + person[1:],
            "role": role,
            "role_cap": role[0].upper() + role[1:],
            "number": rng.randint(2, 950),
            "percent": rng.randint(3, 85),
            "rate": f"{rng.randint(1, 6)},{rng.randint(0, 9)}",
            "score": f"{rng.randint(1, 4)}-{rng.randint(0, 2)}",
            "year": rng.randint(2026, 2032),
            "years": rng.randint(2, 8),
            "day": choice(["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"]),
            "month": choice(["januari", "maart", "juni", "september", "oktober"]),
        }

    def _fill(self, template, slots):
        text = template.format(**slots)
        return text[0].upper() + text[1:]

    def article(self):
        slots = self._slots()
        rng = self.rng
        title = self._fill(rng.choice(TITLES), slots)
        lead = " ".join(
            self._fill(template, slots) for template in rng.sample(LEADS, 2)
        )
        # Paragraphs of 3-5 sentences, no sentence twice in one article.
        sizes = [rng.randint(3, 5) for _ in range(rng.randint(6, 9))]
        sentences = iter(rng.sample(SENTENCES, sum(sizes)))
        parts = []
        for n, size in enumerate(sizes):
            if n == 3 and rng.random() < 0.5:
                parts.append(f"<h2>{rng.choice(SUBHEADINGS)}</h2>")
            text = " ".join(self._fill(next(sentences), slots) for _ in range(size))
            parts.append(f"<p>{_escape(text)}</p>")
        if rng.random() < 0.15:
            quote = self._fill(rng.choice(SENTENCES), slots)
            parts.insert(2, f"<blockquote><p>{_escape(quote)}</p></blockquote>")
        kicker = rng.choice(KICKERS) if rng.random() < 0.2 else ""
        return DemoArticleText(
            title=title[:200], kicker=kicker, lead=lead[:600], body="".join(parts)
        )

    def ticker_line(self):
        return self._fill(self.rng.choice(TICKER_LINES), self._slots())[:160]


def _escape(text):
    # The banks hold no markup; only the apostrophes and ampersands of names need it.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
