"""Benchmark (not a test): people search (services.people.search) on 1,000,000 people in PostgreSQL, against
the bare indexed SQL it boils down to, and again on 1,000 people to see whether it stays flat as data grows.
Run with `make bench` or `python -m tests.bench.bench_people_search`.

For each size it creates a fresh database, builds the schema with the migrations, and loads with COPY people
whose names are drawn from several origins (accents included, a few very common names and a long tail),
name_key computed by domain.identity.name_key, PNC ids on about 70%; one Checkpoint referral per ten people
(about 2% awaiting a navigator), contracts for most of them among 40 navigators. Then it times, alternately
and BENCH_RUNS times each:
  - service: people.search(...) plus the flush of its audit row (rolled back after each call);
  - bare: the SELECT the search needs, without ORM, audit or need to know, through the same engine;
for a manager (sees everyone) and a navigator (need to know), prints the medians, their ratio, the plans of
the bare queries and of the navigator's real statements, and the big ÷ small ratio of the service medians.
Environment: BENCH_PEOPLE (1000000), BENCH_PEOPLE_SMALL (1000), BENCH_RUNS (15), BENCH_POSTGRES_URL.
"""
from __future__ import annotations

import bisect
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import sqlalchemy as sa

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "1000000"))
PEOPLE_SMALL = int(os.environ.get("BENCH_PEOPLE_SMALL", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
NAVIGATORS = 40
MANAGER_ID = NAVIGATORS + 1
STAMP = datetime(2026, 6, 30, 12, tzinfo=timezone.utc)
SEED = 20261126  # the same names at every size: the rare surname searched for is the same one

# --- Names ---------------------------------------------------------------------------------------------
# origin: (share of people, ethnicity codes, family names most common first, female given, male given,
#          long-tail surnames as "stems|middles|endings" combined, or "")
ORIGINS = {
    "british": (58, "white_british white_british white_british mixed_other white_other", """Smith Jones Williams
        Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes
        Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker
        Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly
        Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis
        Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills
        Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Fletcher
        Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole
        Atkinson Bradley Spencer Dawson Ball Burton Watts Rose Booth Perry Grant Wells Armstrong Francis Rees Hayes
        Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone
        Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Williamson Bird Gardner Dean Lane Cooke
        Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Hamilton
        Sutton McDonald Yates Hodgson Robson Curtis Hopkins Harper Coleman Watkins Moss Chambers Griffin Sharp Hardy
        Wheeler Potter Osborne Johnston Gordon Wallace Smithson Goldsmith Smithers Sykes Naylor Ashworth Llewellyn
        MacLeod Mackenzie Ap-Rhys""",
        """Olivia Amelia Isla Ava Emily Sophie Grace Mia Poppy Ella Lily Evie Jessica Chloe Zoë Chloé Charlotte Ruby
        Megan Holly Lauren Hannah Amy Rebecca Sarah Emma Laura Gemma Kirsty Leanne Stacey Danielle Jade Kayleigh
        Natalie Nicola Samantha Michelle Karen Tracey Julie Lisa Joanne Claire Helen Susan Siân Ffion Rhiannon Eilidh
        Mhairi Renée""",
        """Jack Thomas James Daniel Joshua Oliver Harry George Charlie Jacob Alfie Samuel Joseph Ryan Liam Connor
        Callum Jordan Kieran Lewis Jamie Luke Matthew Adam Ben Craig Lee Dean Darren Wayne Gary Paul Mark David
        Andrew Michael John Peter Stephen Kevin Christopher Robert Richard Anthony Jason Scott Shaun Nathan Aaron
        Kyle Reece Tyler Mason Rhys Dylan Ioan Dafydd Llŷr Iain Hamish Ruairidh""",
        "Ash Brad Craw Dun Elm Farn Gold Hath Kings Lang Mar Nor Pen Rad Shel Thorn Wal Whit Brom Cal Dray Fen Hal "
        "Hux Kel Lud Ock Pres Ram Sand Stan Tad Wen Yard Bark Birk Blen Brack Chad Cod Cress Dal Den Edge Fair Grim "
        "Harl Hen Kirk Lid Lox Maid Mel Ot Pad Pick Red Rid Rox Sel Ship Sil Strat Tid Trow War Wix Wool|"
        " en er ing s e|ton ley well ford field worth by ham wood hurst dale combe stead croft thwaite more brook "
        "cote bury land shaw"),
    "irish": (5, "white_irish white_irish white_irish white_gypsy_irish_traveller", """Murphy Kelly O'Sullivan Walsh
        O'Brien Byrne Ryan O'Connor O'Neill O'Reilly Doyle McCarthy Gallagher O'Doherty Kennedy Lynch Quinn
        McLoughlin O'Carroll Connolly Daly O'Connell Ó Súilleabháin Ó Briain Mac Cárthaigh Ó Néill Ó Ceallaigh
        Nic Giolla Phádraig""",
        "Siobhán Aoife Niamh Róisín Caoimhe Saoirse Ciara Orla Sinéad Clodagh Gráinne Áine Bríd Máire Deirdre Eimear",
        "Seán Pádraig Ciarán Cian Oisín Darragh Eoin Conor Liam Ronan Declan Diarmuid Tadhg Colm Éamon Cathal Séamus",
        "O'|Mal Dea Fla Gorm Hanr Kee Lorc Mul Rour Tier Dono Cona Flan Gall Mora|han ley ney gan van y"),
    "caribbean": (3, "black_caribbean black_caribbean mixed_white_black_caribbean", """Campbell Brown Williams
        Thompson Gordon Grant Clarke Francis Morrison Henry Samuels Barrett Christie Bailey McKenzie Johnson Forbes
        Reid Bennett Lindo Wint Facey Gayle Powell Spence Beckford Ellis Richards""",
        "Shanice Tanisha Keisha Aaliyah Jada Chantelle Marcia Paulette Beverley Sonia Danielle Kemi",
        "Jermaine Tyrone Delroy Winston Leroy Marlon Kemar Andre Devon Rohan Jaden Nathaniel Dwayne", ""),
    "south_asian": (8, "asian_pakistani asian_pakistani asian_indian asian_bangladeshi asian_other", """Khan Ahmed
        Ali Hussain Patel Begum Akhtar Iqbal Rahman Shah Mahmood Ahmad Mohammed Islam Uddin Miah Bibi Kaur Singh
        Sharma Chowdhury Malik Rashid Aziz Siddiqui Qureshi Butt Chaudhry Mirza Sheikh Anwar Javed Saleem Riaz Nawaz
        Zaman Karim Haque Desai Mistry Joshi Gupta Kumar Parmar Chauhan Solanki Gill Sandhu Dhillon Sidhu Grewal
        Bains Johal Bhatti""",
        "Aisha Fatima Ayesha Zainab Maryam Amina Hafsa Sana Noor Khadija Priya Anjali Simran Harpreet Nadia Parveen",
        "Mohammed Muhammad Ali Bilal Hamza Ibrahim Yusuf Omar Usman Zain Imran Asif Tariq Amir Arjun Rahul Ravi "
        "Sanjay Harjit Gurpreet Raj Vikram Abdul",
        "Bhar Chan Dhar Gan Jag Kap Lal Mah Nar Pras Sab Tri Wad|a|dwaj wani gar wal deep endra ani"),
    "west_african": (5, "black_african black_african black_african mixed_white_black_african", """Okafor Okonkwo
        Adeyemi Adebayo Nwosu Eze Okeke Nkemelu Chukwu Obi Mensah Asante Boateng Owusu Osei Adjei Ogunleye Babatunde
        Olawale Afolabi Akinola Ibekwe Nwachukwu Ojo Bello Abubakar Kamara Conteh Sesay Bangura Diallo Traoré Koné""",
        "Chiamaka Ngozi Adaeze Funmilayo Abimbola Oluwaseun Folake Yetunde Ama Akosua Efua Abena Chidinma Blessing "
        "Precious Mariama Fatoumata Aminata",
        "Chinedu Emeka Oluwaseun Tunde Olumide Kwame Kofi Kwabena Yaw Kojo Chukwuemeka Ifeanyi Obinna Segun Femi "
        "Adewale Emmanuel Ibrahim Mamadou",
        "Ade Ola Oke Chi Nwa Obi Oku Ezi Olu Aki Ogu Oni Abi Ifa Ama|"
        "|yemi bayo nwa deji kwu ofor chukwu bunmi tunde kemi nna sanya wale dele gbola"),
    "polish": (4, "white_other", """Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński
        Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Pawłowski
        Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski Jaworski Wróbel Pawlak
        Walczak Stępień Górski Sikora Baran Duda Szewczyk Bąk Włodarczyk Sokołowski Kaźmierczak Głowacki Ziółkowski""",
        "Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Magdalena Joanna Zofia Żaneta Aleksandra Monika Dorota "
        "Beata Weronika Natalia Wiktoria",
        "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Grzegorz Mateusz Adam Marek Bartłomiej "
        "Wojciech Kamil Dawid Przemysław Łukasz Zbigniew Jarosław Rafał Maciej Sebastian",
        "Brzez Chmiel Czarn Gaw Jur Kacz Łęcz Mił Nied Ols Przyb Rut Sęk Ślęz Trzc Wąs Żół Zdun Gór Dęb|"
        " ow ew in|ski cki icz czyk ak ek"),
    "romanian": (3, "white_other white_roma", """Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei
        Ciobanu Rusu Munteanu Lungu Moldovan Constantin Ștefănescu Dobre Mihai Florea Marin Tudor Toma Nistor Țurcan
        Sârbu Vlădescu Drăgulescu""",
        "Maria Elena Ioana Andreea Alexandra Mihaela Cristina Ana Gabriela Raluca Bianca Ștefania Denisa",
        "Andrei Alexandru Ionuț Mihai Florin Ștefan Gheorghe Constantin Cristian Marius Bogdan Vasile Răzvan",
        "Bălan Cost Drăg Ghiț Iord Mărg Nicul Pătr Răd Stăn Vlăd Zamfir||escu eanu"),
    "turkish": (1.5, "white_other other_any", """Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir
        Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Güneş Erdoğan""",
        "Ayşe Fatma Emine Hatice Zeynep Elif Özge Çağla Büşra Gülşen Merve",
        "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Ömer Gökhan Emre Murat Yusuf Burak Serkan",
        "Kara Ak Öz Demir Yıl Tek Gül|can|oğlu soy türk han"),
    "lithuanian": (1, "white_other", """Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus
        Paulauskas Urbonas Kavaliauskas Šimkus Navickas Ramanauskas Savickas Rimkus""",
        "Rūta Eglė Ieva Gabija Austėja Jurgita Laura",
        "Jonas Tomas Mantas Lukas Dovydas Žygimantas Arūnas Darius Gintaras", ""),
    "iberian": (2, "white_other white_other other_any", """García Martínez Rodríguez Fernández López González Pérez
        Sánchez Gómez Silva Santos Ferreira Pereira Oliveira Costa Gonçalves Rodrigues Almeida Sousa Carvalho Peña
        Muñoz""",
        "Sofía María Inês Beatriz Ana Mariana Catarina Conceição Leonor",
        "José João António Luís Joaquín Raúl Ángel Iñaki Sebastián", ""),
    "east_asian": (2, "asian_chinese asian_chinese asian_other", """Li Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu
        Sun Ma Zhu Hu Lin Ng Wong Chan Cheung Lau Leung Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Đặng Bùi Đỗ""",
        "Jing Xin Hui Ling Yan Mei Thảo Linh Hương Anh Thu Lan",
        "Wei Jun Hao Lei Ming Tao Yi Bo Minh Dũng Tuấn Quang Hùng", ""),
    "germanic_nordic": (1.5, "white_other", """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz
        Hoffmann Schröder Strauß Jørgensen Søndergaard Andersen Nielsen Hansen Johansson Lindqvist Öberg""",
        "Anja Katrin Åsa Maja Jördis Frauke", "Jürgen Björn Søren Lukas Jonas Felix Jörg Henrik", ""),
    "arab": (1.5, "other_arab", """Al-Hassan Haddad Mansour Khalil Nasser Saleh Hamdan Farouk Abboud El-Sayed
        Youssef Aziz""",
        "Layla Rania Noura Yasmin Dalia Hala", "Ahmad Mahmoud Khaled Omar Yousef Hassan", ""),
}


class Names:
    """Draws (given, family, gender, ethnicity) tuples: origin first, names by rank (Zipf-like), a long tail of
    surnames made from stems, some double-barrelled surnames and some given names from another origin."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.origins = list(ORIGINS)
        self.origin_cum = _cumulative([ORIGINS[o][0] for o in self.origins])
        self.family, self.female, self.male, self.ethnicity = {}, {}, {}, {}
        for origin, (_share, ethnicities, family, female, male, tail) in ORIGINS.items():
            head = family.split() if "Ó " not in family else _gaelic_split(family)
            tail_names = _tail(tail, rng, exclude=set(head))
            # The long tail holds up to 60% of an origin's people, less when it has few names (each stays rare).
            head_share = 1 - 0.6 * min(1.0, len(tail_names) / 5000)
            head_sum, tail_sum = _harmonic(len(head), 0.6), _harmonic(len(tail_names), 0.6)
            weights = [head_share * r ** -0.6 / head_sum for r in range(1, len(head) + 1)]
            weights += [(1 - head_share) * r ** -0.6 / tail_sum for r in range(1, len(tail_names) + 1)]
            self.family[origin] = (head + tail_names, _cumulative(weights))
            for table, names in ((self.female, female), (self.male, male)):
                names = names.split()
                table[origin] = (names, _cumulative([r ** -0.8 for r in range(1, len(names) + 1)]))
            self.ethnicity[origin] = ethnicities.split()

    def _pick(self, table: tuple[list[str], list[float]]) -> str:
        names, cum = table
        return names[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def _origin(self) -> str:
        return self.origins[bisect.bisect(self.origin_cum, self.rng.random() * self.origin_cum[-1])]

    def person(self) -> tuple[str, str, str, str]:
        rng, origin = self.rng, self._origin()
        roll = rng.random()
        gender = "male" if roll < 0.72 else "female" if roll < 0.99 else "not_stated"
        given_origin = self._origin() if rng.random() < 0.06 else origin
        given = self._pick((self.female if gender == "female" else self.male)[given_origin])
        family = self._pick(self.family[origin])
        if origin == "polish" and gender == "female" and family.endswith(("ski", "cki")):
            family = family[:-1] + "a"  # Wiśniewski, Wiśniewska
        if rng.random() < 0.03:  # double-barrelled: Chloé O'Sullivan-Nkemelu
            family = f"{family}-{self._pick(self.family[self._origin()])}"
        if "'" in family and rng.random() < 0.25:
            family = family.replace("'", "\u2019")  # a typographic apostrophe, as pasted from a document
        ethnicity = "not_stated" if rng.random() < 0.1 else rng.choice(self.ethnicity[origin])
        return given, family, gender, ethnicity


def _gaelic_split(text: str) -> list[str]:
    """Family names one a word, except the Gaelic ones whose particle (Ó, Mac, Nic Giolla) is a word of its own."""
    words, names = text.split(), []
    while words:
        word = words.pop(0)
        while word in ("Ó", "Mac", "Nic", "Nic Giolla") and words:
            word = f"{word} {words.pop(0)}"
        names.append(word)
    return names


def _tail(spec: str, rng: random.Random, exclude: set[str]) -> list[str]:
    if not spec:
        return []
    stems, middles, endings = (part.split(" ") if " " in part else [part] for part in spec.split("|"))
    names = sorted({(stem + middle + ending).capitalize() if not stem.endswith("'") else stem + middle.capitalize()
                    + ending for stem in stems if stem for middle in middles for ending in endings} - exclude)
    rng.shuffle(names)
    return names


def _harmonic(n: int, s: float) -> float:
    return sum(r ** -s for r in range(1, n + 1))


def _cumulative(weights: list[float]) -> list[float]:
    total, cum = 0.0, []
    for weight in weights:
        total += weight
        cum.append(total)
    return cum


# --- Seeding -------------------------------------------------------------------------------------------

PNC_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
FIRST_REFERRAL, LAST_REFERRAL = date(2016, 1, 1), date(2026, 6, 30)
# Referral statuses with their share; "contracted" ones get a contract.
STATUSES = (("contracted", 0.85), ("ineligible", 0.08), ("declined", 0.03), ("awaiting_navigator", 0.02),
            ("awaiting_approval", 0.01), ("not_approved", 0.01))
OFFENCES = ("theft", "criminal_damage", "common_assault", "public_order", "drugs_possession", "fraud")


def _people_rows(count: int, rng: random.Random):
    from diversion.domain.identity import name_key

    key = lru_cache(maxsize=None)(name_key)  # computed once per distinct (given, family), by the app's function
    names = Names(rng)
    for n in range(1, count + 1):
        given, family, gender, ethnicity = names.person()
        pnc = None
        if rng.random() < 0.7:
            serial = (n * 7919 + 12345) % 10_000_000  # distinct for every n below ten million
            year = str(rng.randrange(1995, 2026))
            pnc = f"{year if rng.random() < 0.9 else year[2:]}/{serial:07d}{PNC_LETTERS[serial % 23]}"
        born = date(1946, 1, 1) + timedelta(days=rng.randrange(21915))  # sixty years
        yield (n, given, family, key(given, family), born, gender, ethnicity, pnc, STAMP, STAMP, 1)


def _referral_and_contract_rows(people: int, rng: random.Random):
    """One referral per ten people (some people have two), dated evenly over ten years; contracts for the
    contracted ones, spread over the navigators. Yields ("referral", row) and ("contract", row)."""
    referrals = max(1, people // 10)
    span = (LAST_REFERRAL - FIRST_REFERRAL).days
    numbers: dict[int, int] = {}
    statuses, cum = [s for s, _ in STATUSES], _cumulative([w for _, w in STATUSES])
    for n in range(1, referrals + 1):
        day = FIRST_REFERRAL + timedelta(days=(n - 1) * span // referrals)
        numbers[day.year] = numbers.get(day.year, 0) + 1
        status = statuses[bisect.bisect(cum, rng.random() * cum[-1])]
        person = rng.randint(1, people)
        yield "referral", (n, f"CP-{day.year}-{numbers[day.year]:05d}", person, "{}", "new", status, day,
                           OFFENCES[n % 6], "Benchmark offence", day - timedelta(days=3), False, "admitted", True,
                           False, False, False, False, False, False, 0, status != "ineligible", 3, "[]", "[]",
                           STAMP, STAMP, 1)
        if status == "contracted":
            start = day + timedelta(days=rng.randrange(10))
            ended = start + timedelta(days=130) <= LAST_REFERRAL
            breached = ended and rng.random() < 0.05
            yield "contract", (n, n, person, rng.randint(1, NAVIGATORS),
                               "breached" if breached else "completed" if ended else "active", start,
                               start + timedelta(days=122), True, True,
                               (start + timedelta(days=40 if breached else 125)) if ended else None,
                               "reoffended" if breached else None, breached, STAMP, STAMP, 1)


PEOPLE_COLUMNS = ("id, given_name, family_name, name_key, date_of_birth, gender, ethnicity, pnc_id, created_at, "
                  "updated_at, version")
REFERRAL_COLUMNS = ("id, reference, person_id, person_as_recorded, identity_match, status, referral_date, "
                    "offence_category, offence_description, offence_date, hate_crime, interview, evidential_test_met, "
                    "court_order, on_bail, co_accused, detained_mental_health, has_victim, victim_wishes_restorative, "
                    "previous_convictions, eligible, offence_age_limit_months, reasons, possible_duplicates, "
                    "created_at, updated_at, version")
CONTRACT_COLUMNS = ("id, referral_id, person_id, navigator_id, status, start_date, deadline, participant_consent, "
                    "warning_given, outcome_date, outcome_reason, prosecution_referred, created_at, updated_at, "
                    "version")
USERS = """
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at, version)
SELECT n, CASE WHEN n = :manager THEN 'manager' ELSE 'navigator' || n END || '@bench.example',
       CASE WHEN n = :manager THEN 'Manager' ELSE 'Navigator ' || n END,
       CASE WHEN n = :manager THEN 'manager' ELSE 'navigator' END, 'x', true, now(), now(), now(), 1
FROM generate_series(1, :manager) AS n
"""


def seed(engine, count: int) -> dict[str, float]:
    """Load `count` people and their cases with COPY; returns the seconds each step took."""
    rng, took = random.Random(SEED), {}
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(sa.text(USERS), {"manager": MANAGER_ID})
    raw = engine.raw_connection()
    try:
        pg = raw.driver_connection  # psycopg 3
        with pg.cursor() as cursor:
            with cursor.copy(f"COPY people ({PEOPLE_COLUMNS}) FROM STDIN") as copy:
                for row in _people_rows(count, rng):
                    copy.write_row(row)
            took["people (names, name_key, COPY)"] = time.perf_counter() - started
            mark = time.perf_counter()
            cases = list(_referral_and_contract_rows(count, rng))
            for kind, table, columns in (("referral", "checkpoint_referrals", REFERRAL_COLUMNS),
                                         ("contract", "contracts", CONTRACT_COLUMNS)):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row_kind, row in cases:
                        if row_kind == kind:
                            copy.write_row(row)
            for table in ("users", "people", "checkpoint_referrals", "contracts"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        pg.commit()
        took["referrals and contracts (COPY)"] = time.perf_counter() - mark
    finally:
        raw.close()
    mark = time.perf_counter()
    # VACUUM as well as ANALYZE: it also empties the trigram index's pending list, as autovacuum would have.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
    took["VACUUM ANALYZE"] = time.perf_counter() - mark
    took["total"] = time.perf_counter() - started
    return took


# --- Measuring -----------------------------------------------------------------------------------------

def _cases(connection, count: int) -> list[tuple[str, str, date | None, bool]]:
    """(label, what is typed, date of birth, also as a navigator): the same searches at every size."""
    rare = Names(random.Random(SEED)).family["british"][0][-1]  # the rarest surname of the long tail
    middle = {"mid": count // 2}
    pnc = connection.execute(sa.text("SELECT pnc_id FROM people WHERE id >= :mid AND pnc_id IS NOT NULL "
                                     "ORDER BY id LIMIT 1"), middle).scalar_one()
    reference = connection.execute(sa.text("SELECT reference FROM checkpoint_referrals WHERE id >= :mid / 10 "
                                           "ORDER BY id LIMIT 1"), middle).scalar_one()
    born = connection.execute(sa.text("SELECT date_of_birth FROM people WHERE family_name = 'Smith' "
                                      "ORDER BY id LIMIT 1")).scalar() or date(1980, 1, 1)
    return [("rare name, other order, no accents", "wisniewski lukasz", None, True),
            (f"rare surname ({rare})", rare.lower(), None, False),
            ("common surname", "smith", None, True),
            ("accents, one-letter word", "siobhan o suilleabhain", None, False),
            ("two-letter surname (no trigram)", "li", None, True),
            ("common surname + date of birth", "smith", born, False),
            ("PNC id", pnc, None, True),
            ("case reference", reference.lower().replace("-", " "), None, False)]


def _bare(q: str, born: date | None) -> tuple[str, dict]:
    """The WHERE clause services.people.matching builds, as plain SQL, without need to know."""
    from diversion.domain.identity import SHORT_WORD, query_words
    from diversion.domain.people import PNC_PATTERN, normalise_pnc
    from diversion.services.references import parse_reference

    where, params = ["merged_into_id IS NULL"], {}
    if born is not None:
        where.append("date_of_birth = :born")
        params["born"] = born
    reference = parse_reference(q)
    if reference is not None:
        where.append("id IN (SELECT person_id FROM checkpoint_referrals WHERE reference = :reference)")
        params["reference"] = reference[1]
    elif PNC_PATTERN.match(normalise_pnc(q)):
        where.append("pnc_id = :pnc")
        params["pnc"] = normalise_pnc(q)
    else:
        for i, word in enumerate(query_words(q)):
            if len(word) >= SHORT_WORD:
                where.append(f"name_key LIKE :w{i}")
                params[f"w{i}"] = f"%{word}%"
            else:  # a short word starts the first or the last name, as the service asks
                where.append(f"(name_key LIKE :w{i} OR name_key LIKE :v{i})")
                params[f"w{i}"], params[f"v{i}"] = f"{word}%", f"% {word}%"
    return " WHERE " + " AND ".join(where), params


def _timed(first, second, tidy_first, tidy_second) -> tuple[float, float]:
    """Medians in ms of RUNS alternate calls of each (after one warming call each); the tidy-ups are not timed."""
    calls = ((first, tidy_first), (second, tidy_second))
    times: tuple[list, list] = ([], [])
    for run in range(-1, RUNS):
        for which in ((0, 1) if run % 2 == 0 else (1, 0)):
            work, tidy = calls[which]
            started = time.perf_counter()
            work()
            elapsed = time.perf_counter() - started
            tidy()
            if run >= 0:
                times[which].append(elapsed)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def _plan(connection, statement: str, params, *, driver: bool = False) -> list[str]:
    explain = "EXPLAIN (ANALYZE, BUFFERS) " + statement
    rows = connection.exec_driver_sql(explain, params) if driver else connection.execute(sa.text(explain), params)
    plan = [row[0] for row in rows]
    connection.rollback()
    return plan


def _plan_summary(label: str, plan: list[str]) -> str:
    """The plan's first line, whether the trigram index is used, each scan with the rows it gave, the buffers."""
    scans = []
    for line in plan:
        if "Scan" in line:
            node = line.strip().removeprefix("->").strip().split("  (")[0]
            actual = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", line)
            if actual:
                node += f" (rows={int(actual[1]):,}" + (f" x {actual[2]} loops" if actual[2] != "1" else "") + ")"
            scans.append(node)
        elif "Rows Removed by" in line:
            scans[-1:] = [f"{scans[-1]} [{line.strip().removeprefix('Rows ').lower()}]"] if scans else []
    buffers = next((line.strip() for line in plan if "Buffers:" in line), "")
    total = next((line.strip() for line in plan if line.startswith("Execution Time")), "")
    trigram = "yes" if any("ix_people_name_key_trgm" in line for line in plan) else "NO"
    return (f"  {label}\n      {plan[0].strip()}\n      trigram index used: {trigram}; "
            + "\n        ".join(["scans:"] + scans) + f"\n      {buffers}; {total}")


def _compare(connection, viewer, q: str, born: date | None, select: str, params: dict):
    """Service and bare timed alternately: (service ms, bare ms, rows each returned, the service's SELECT)."""
    from diversion.extensions import db
    from diversion.services import people

    rows, statements = {}, []

    def service():
        rows["service"] = len(people.search(q, viewer, date_of_birth=born))
        db.session.flush()  # the audit row's INSERT, as the request's commit would send it

    def bare():
        rows["bare"] = len(connection.execute(sa.text(select), params).all())

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().startswith("SELECT") and "FROM people" in statement:
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        service()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
        db.session.rollback()
    service_ms, bare_ms = _timed(service, bare, db.session.rollback, connection.rollback)
    return service_ms, bare_ms, rows["service"], rows["bare"], statements[-1]


def _caseload(connection, navigator_id: int) -> int:
    return connection.execute(sa.text(
        "SELECT count(*) FROM people p WHERE EXISTS (SELECT 1 FROM checkpoint_referrals r WHERE r.person_id = p.id "
        "AND r.status = 'awaiting_navigator') OR EXISTS (SELECT 1 FROM contracts c WHERE c.person_id = p.id "
        "AND c.navigator_id = :navigator)"), {"navigator": navigator_id}).scalar_one()


def measure(count: int) -> dict:
    from diversion.extensions import db
    from diversion.models import User

    viewers = {role: db.session.get(User, user_id) for role, user_id in (("manager", MANAGER_ID), ("navigator", 1))}
    for viewer in viewers.values():
        db.session.expunge(viewer)  # plain loaded objects: a rollback does not send them back to the database
    results, bare_plans, service_plans = {}, [], []
    with db.engine.connect() as connection:
        print(f"navigator 1 may see {_caseload(connection, 1):,} of {count:,} people (their contracts and the queue)")
        for label, q, born, as_navigator in _cases(connection, count):
            where, params = _bare(q, born)
            select = f"SELECT id, given_name, family_name, date_of_birth, pnc_id FROM people{where} " \
                     "ORDER BY name_key, id LIMIT 50"
            matches = connection.execute(sa.text("SELECT count(*) FROM people" + where), params).scalar_one()
            bare_plans.append(_plan_summary(f"{label}: {q!r}", _plan(connection, select, params)))
            for role in ("manager", "navigator") if as_navigator else ("manager",):
                *timings, statement = _compare(connection, viewers[role], q, born, select, params)
                results[(label, role)] = (*timings, matches)
                if role == "navigator":
                    service_plans.append(_plan_summary(f"{label}: {q!r} as a navigator",
                                                       _plan(connection, *statement, driver=True)))
    return {"results": results, "bare_plans": bare_plans, "service_plans": service_plans}


def report(count: int, measured: dict) -> None:
    print(f"\nPeople search on {count:,} people: medians of {RUNS} alternate runs (service = people.search() and the "
          f"flush of its audit row, then rolled back untimed; bare = the SELECT alone, no ORM, audit or need to know)")
    print(f"{'query':42s} {'viewer':9s} {'matches':>8s} {'rows':>9s} {'service ms':>11s} {'bare ms':>8s} {'ratio':>6s}")
    for (label, role), (service_ms, bare_ms, rows, bare_rows, matches) in measured["results"].items():
        print(f"{label:42s} {role:9s} {matches:8,d} {f'{rows}/{bare_rows}':>9s} {service_ms:11.2f} {bare_ms:8.2f} "
              f"{service_ms / bare_ms:5.2f}x")
    print("(rows: returned by the service / by the bare query, at most 50)")
    print(f"\nPlans of the bare queries ({count:,} people), EXPLAIN (ANALYZE, BUFFERS):")
    print("\n".join(measured["bare_plans"]))
    print(f"\nPlans of the service's own SELECT for a navigator ({count:,} people):")
    print("\n".join(measured["service_plans"]))


def flatness(small: int, big: int, measured: dict[int, dict]) -> None:
    print(f"\nIs the search flat as data grows? Medians at {small:,} and {big:,} people")
    print(f"{'query':42s} {'viewer':9s} {'service ms':>19s} {'service x':>9s} {'bare ms':>17s} {'bare x':>7s}")
    for key, (service_big, bare_big, *_rest) in measured[big]["results"].items():
        service_small, bare_small, *_rest = measured[small]["results"][key]
        print(f"{key[0]:42s} {key[1]:9s} {service_small:8.2f} -> {service_big:7.2f} "
              f"{service_big / service_small:8.1f}x {bare_small:7.2f} -> {bare_big:6.2f} {bare_big / bare_small:6.1f}x")


# --- Running -------------------------------------------------------------------------------------------

def run(admin, count: int) -> dict:
    """A fresh database with `count` people: seeded, measured, reported, dropped (also on failure)."""
    from flask_migrate import upgrade

    from diversion import create_app
    from diversion.extensions import db

    name = f"diversion_bench_people_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = sa.make_url(SERVER).set(database=name).render_as_string(hide_password=False)
        app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            try:
                upgrade()
                took = seed(db.engine, count)
                steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in took.items() if step != "total")
                print(f"\nseeded {count:,} people with {count // 10:,} referrals and their contracts in "
                      f"{took['total']:.1f} s ({steps})")
                measured = measure(count)
                report(count, measured)
                return measured
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL is needed for the benchmark and is unreachable: {type(error).__name__}", file=sys.stderr)
        return 2
    try:
        measured = {count: run(admin, count) for count in dict.fromkeys((PEOPLE_SMALL, PEOPLE))}
    finally:
        admin.dispose()
    if PEOPLE_SMALL != PEOPLE:
        flatness(PEOPLE_SMALL, PEOPLE, measured)
    return 0


if __name__ == "__main__":
    sys.exit(main())
