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
    "south_asian": (11, "asian_pakistani asian_pakistani asian_indian asian_bangladeshi asian_other", """Khan Ahmed
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
        "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Łukasz Grzegorz Mateusz Adam Marek Bartłomiej "
        "Wojciech Kamil Dawid Przemysław Zbigniew Jarosław Rafał Maciej Sebastian",
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
            weights = [head_share * r ** -0.75 / _harmonic(len(head), 0.75) for r in range(1, len(head) + 1)]
            weights += [(1 - head_share) * r ** -0.6 / _harmonic(len(tail_names), 0.6)
                        for r in range(1, len(tail_names) + 1)]
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
