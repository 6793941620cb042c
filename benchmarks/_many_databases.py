"""A synthetic catalog of many small databases, with questions whose gold tables and columns are known.

Public multi-database benchmarks (Spider, BIRD) put ~900 tables in ~200 small databases, most of
them variations on a few themes: a dozen `customers` tables, a dozen `students`. That is what
makes scope hard, so this generator builds the same shape deterministically from a seed: themes
(retail, school, hospital, …) of entities with typed attributes, each database a subset of its
theme's entities under its own naming style (`patients`, `tbl_patient`, `PatientInfo`), its own
sample values (cities, names, categories drawn from pools), link tables for many-to-many, and
generic distractors (`audit_log`, `app_settings`). Each question is built from one database's
tables, joins and values; its gold tables and columns are exactly what it was built from.

    python benchmarks/_many_databases.py   # prints the catalog's size and a few questions

Used by benchmarks/schema_scale.py and the recall floor in tests/tools/test_schema_scale.py.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.catalog import Catalog, Column, ForeignKey, Table

# attribute: (column words, type, value pool name or None, description or None)
_A = tuple[str, str, str | None, str | None]
_CITIES = (
    (
        "Springfield Riverton Lakeside Fairview Georgetown Salem Madison Clinton Arlington Ashland Dover "
        "Milton Newport Oxford Burlington Kingston Hudson Lexington Manchester Marion Auburn Bristol Dayton "
        "Franklin Greenville Jackson Lebanon Mount_Vernon Oakland Princeton Quincy Richmond Shelby Troy "
        "Vernon Warren Winchester York Alpine Bayside Cedar_Falls Eastwood Glendale Highland Ironwood Juniper"
    )
    .replace("_", " ")
    .split()
)
_POOLS: dict[str, tuple[str, ...]] = {
    "city": tuple(_CITIES),
    "country": (
        "France",
        "Germany",
        "Brazil",
        "Japan",
        "Kenya",
        "Canada",
        "Mexico",
        "India",
        "Spain",
        "Italy",
        "Norway",
        "Chile",
        "Egypt",
        "Peru",
        "Vietnam",
    ),
    "status": ("active", "inactive", "pending", "closed", "suspended", "archived"),
    "genre": (
        "jazz",
        "rock",
        "blues",
        "opera",
        "techno",
        "reggae",
        "folk",
        "punk",
        "gospel",
        "salsa",
        "ambient",
        "grunge",
    ),
    "category": (
        "electronics",
        "toys",
        "garden",
        "books",
        "apparel",
        "grocery",
        "furniture",
        "sports",
        "beauty",
        "automotive",
        "jewelry",
        "pets",
    ),
    "specialty": (
        "cardiology",
        "neurology",
        "oncology",
        "pediatrics",
        "dermatology",
        "radiology",
        "orthopedics",
        "urology",
    ),
    "department": ("engineering", "sales", "marketing", "finance", "legal", "research", "logistics", "support"),
    "subject": (
        "algebra",
        "biology",
        "chemistry",
        "history",
        "geology",
        "astronomy",
        "poetry",
        "economics",
        "robotics",
    ),
    "position": ("goalkeeper", "defender", "midfielder", "forward", "striker", "winger"),
    "cuisine": ("thai", "italian", "mexican", "korean", "ethiopian", "greek", "peruvian", "lebanese", "vietnamese"),
    "aircraft": ("A320", "B737", "A350", "B787", "E190", "CRJ900", "ATR72", "A220"),
    "property": ("condo", "townhouse", "bungalow", "loft", "duplex", "cottage", "penthouse", "ranch"),
    "channel": ("web", "phone", "store", "partner", "mobile"),
    "level": ("junior", "senior", "lead", "principal", "intern"),
    "payment": ("card", "cash", "transfer", "voucher", "crypto"),
}
_FIRST = [
    "Ada",
    "Bram",
    "Cleo",
    "Dmitri",
    "Esme",
    "Farid",
    "Greta",
    "Hugo",
    "Imani",
    "Jonas",
    "Kaito",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
]
_LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Quispe",
    "Haddad",
    "Novak",
    "Brennan",
    "Ferreira",
    "Kowalski",
    "Adeyemi",
    "Sato",
]

# theme -> entity -> (attributes, references to other entities of the theme)
_THEMES: dict[str, dict[str, tuple[tuple[_A, ...], tuple[str, ...]]]] = {
    "retail": {
        "customer": (
            (
                ("name", "VARCHAR", "person", None),
                ("city", "VARCHAR", "city", None),
                ("segment", "VARCHAR", "level", "Loyalty tier"),
            ),
            (),
        ),
        "product": (
            (
                ("name", "VARCHAR", None, None),
                ("category", "VARCHAR", "category", None),
                ("unit price", "DECIMAL(10,2)", None, "List price in dollars"),
            ),
            (),
        ),
        "order": (
            (
                ("order date", "DATE", None, None),
                ("channel", "VARCHAR", "channel", "Where the order was placed"),
                ("total amount", "DECIMAL(12,2)", None, None),
            ),
            ("customer",),
        ),
        "order item": (
            (("quantity", "INTEGER", None, None), ("discount", "DOUBLE", None, "Fraction off the list price")),
            ("order", "product"),
        ),
        "store": (
            (("name", "VARCHAR", None, None), ("city", "VARCHAR", "city", None), ("opened on", "DATE", None, None)),
            (),
        ),
        "supplier": ((("company name", "VARCHAR", None, None), ("country", "VARCHAR", "country", None)), ()),
        "shipment": (
            (
                ("shipped date", "DATE", None, None),
                ("carrier", "VARCHAR", None, None),
                ("weight kg", "DOUBLE", None, None),
            ),
            ("order",),
        ),
    },
    "school": {
        "student": (
            (
                ("name", "VARCHAR", "person", None),
                ("enrollment year", "INTEGER", None, None),
                ("home city", "VARCHAR", "city", None),
            ),
            (),
        ),
        "teacher": (
            (
                ("name", "VARCHAR", "person", None),
                ("salary", "DECIMAL(10,2)", None, "Annual salary"),
                ("hire date", "DATE", None, None),
            ),
            (),
        ),
        "course": (
            (
                ("title", "VARCHAR", None, None),
                ("subject", "VARCHAR", "subject", None),
                ("credits", "INTEGER", None, None),
            ),
            ("teacher",),
        ),
        "enrollment": (
            (("grade", "DOUBLE", None, "Final grade from 0 to 100"), ("semester", "VARCHAR", None, None)),
            ("student", "course"),
        ),
        "classroom": ((("building", "VARCHAR", None, None), ("capacity", "INTEGER", None, "Number of seats")), ()),
        "club": ((("name", "VARCHAR", None, None), ("founded year", "INTEGER", None, None)), ("teacher",)),
    },
    "hospital": {
        "patient": (
            (
                ("name", "VARCHAR", "person", None),
                ("birth date", "DATE", None, None),
                ("city", "VARCHAR", "city", None),
            ),
            (),
        ),
        "doctor": (
            (
                ("name", "VARCHAR", "person", None),
                ("specialty", "VARCHAR", "specialty", None),
                ("years experience", "INTEGER", None, None),
            ),
            (),
        ),
        "appointment": (
            (
                ("scheduled at", "TIMESTAMP", None, None),
                ("status", "VARCHAR", "status", None),
                ("fee", "DECIMAL(8,2)", None, "Consultation fee in dollars"),
            ),
            ("patient", "doctor"),
        ),
        "prescription": (
            (("drug name", "VARCHAR", None, None), ("dosage mg", "INTEGER", None, None)),
            ("appointment",),
        ),
        "ward": ((("name", "VARCHAR", None, None), ("bed count", "INTEGER", None, None)), ()),
        "admission": (
            (("admitted on", "DATE", None, None), ("discharged on", "DATE", None, None)),
            ("patient", "ward"),
        ),
    },
    "airline": {
        "airport": (
            (
                ("name", "VARCHAR", None, None),
                ("city", "VARCHAR", "city", None),
                ("country", "VARCHAR", "country", None),
            ),
            (),
        ),
        "aircraft": ((("model", "VARCHAR", "aircraft", None), ("seat count", "INTEGER", None, None)), ()),
        "flight": (
            (
                ("flight number", "VARCHAR", None, None),
                ("departure time", "TIMESTAMP", None, None),
                ("distance km", "INTEGER", None, None),
            ),
            ("airport", "aircraft"),
        ),
        "passenger": ((("name", "VARCHAR", "person", None), ("nationality", "VARCHAR", "country", None)), ()),
        "booking": (
            (("fare", "DECIMAL(10,2)", None, "Ticket price paid"), ("cabin class", "VARCHAR", "level", None)),
            ("flight", "passenger"),
        ),
        "crew member": ((("name", "VARCHAR", "person", None), ("role", "VARCHAR", None, None)), ()),
    },
    "music": {
        "artist": (
            (
                ("name", "VARCHAR", "person", None),
                ("country", "VARCHAR", "country", None),
                ("genre", "VARCHAR", "genre", None),
            ),
            (),
        ),
        "album": ((("title", "VARCHAR", None, None), ("release year", "INTEGER", None, None)), ("artist",)),
        "track": (
            (
                ("title", "VARCHAR", None, None),
                ("duration seconds", "INTEGER", None, None),
                ("plays", "BIGINT", None, "Number of streams"),
            ),
            ("album",),
        ),
        "concert": (
            (
                ("venue", "VARCHAR", None, None),
                ("city", "VARCHAR", "city", None),
                ("ticket price", "DECIMAL(8,2)", None, None),
            ),
            ("artist",),
        ),
        "label": ((("name", "VARCHAR", None, None), ("founded year", "INTEGER", None, None)), ()),
        "playlist": ((("name", "VARCHAR", None, None), ("follower count", "INTEGER", None, None)), ()),
    },
    "sports": {
        "team": (
            (
                ("name", "VARCHAR", None, None),
                ("city", "VARCHAR", "city", None),
                ("founded year", "INTEGER", None, None),
            ),
            (),
        ),
        "player": (
            (
                ("name", "VARCHAR", "person", None),
                ("position", "VARCHAR", "position", None),
                ("salary", "DECIMAL(12,2)", None, None),
            ),
            ("team",),
        ),
        "match": (
            (
                ("match date", "DATE", None, None),
                ("home score", "INTEGER", None, None),
                ("attendance", "INTEGER", None, "Spectators in the stadium"),
            ),
            ("team",),
        ),
        "coach": ((("name", "VARCHAR", "person", None), ("since year", "INTEGER", None, None)), ("team",)),
        "stadium": (
            (("name", "VARCHAR", None, None), ("capacity", "INTEGER", None, None), ("city", "VARCHAR", "city", None)),
            (),
        ),
        "injury": ((("injury type", "VARCHAR", None, None), ("days out", "INTEGER", None, None)), ("player",)),
    },
    "realestate": {
        "agent": ((("name", "VARCHAR", "person", None), ("commission rate", "DOUBLE", None, None)), ()),
        "listing": (
            (
                ("property type", "VARCHAR", "property", None),
                ("asking price", "DECIMAL(12,2)", None, None),
                ("bedrooms", "INTEGER", None, None),
                ("city", "VARCHAR", "city", None),
            ),
            ("agent",),
        ),
        "buyer": (
            (("name", "VARCHAR", "person", None), ("budget", "DECIMAL(12,2)", None, "Maximum spend in dollars")),
            (),
        ),
        "viewing": (
            (("viewed on", "DATE", None, None), ("rating", "INTEGER", None, "Buyer rating 1 to 5")),
            ("listing", "buyer"),
        ),
        "sale": (
            (("sale price", "DECIMAL(12,2)", None, None), ("closed on", "DATE", None, None)),
            ("listing", "buyer"),
        ),
    },
    "company": {
        "employee": (
            (
                ("name", "VARCHAR", "person", None),
                ("level", "VARCHAR", "level", None),
                ("salary", "DECIMAL(10,2)", None, None),
                ("hire date", "DATE", None, None),
            ),
            ("department",),
        ),
        "department": ((("name", "VARCHAR", "department", None), ("budget", "DECIMAL(14,2)", None, None)), ()),
        "project": (
            (
                ("name", "VARCHAR", None, None),
                ("start date", "DATE", None, None),
                ("status", "VARCHAR", "status", None),
            ),
            ("department",),
        ),
        "assignment": (
            (("hours", "INTEGER", None, "Hours booked on the project"), ("role", "VARCHAR", None, None)),
            ("employee", "project"),
        ),
        "office": (
            (
                ("city", "VARCHAR", "city", None),
                ("country", "VARCHAR", "country", None),
                ("head count", "INTEGER", None, None),
            ),
            (),
        ),
        "review": (
            (("score", "INTEGER", None, "Performance score 1 to 5"), ("review year", "INTEGER", None, None)),
            ("employee",),
        ),
    },
    "restaurant": {
        "restaurant": (
            (
                ("name", "VARCHAR", None, None),
                ("cuisine", "VARCHAR", "cuisine", None),
                ("city", "VARCHAR", "city", None),
                ("rating", "DOUBLE", None, None),
            ),
            (),
        ),
        "dish": (
            (
                ("name", "VARCHAR", None, None),
                ("price", "DECIMAL(6,2)", None, None),
                ("is vegetarian", "BOOLEAN", None, None),
            ),
            ("restaurant",),
        ),
        "diner": ((("name", "VARCHAR", "person", None), ("city", "VARCHAR", "city", None)), ()),
        "reservation": (
            (("reserved for", "TIMESTAMP", None, None), ("party size", "INTEGER", None, None)),
            ("restaurant", "diner"),
        ),
        "inspection": (
            (
                ("inspected on", "DATE", None, None),
                ("score", "INTEGER", None, "Health inspection score"),
                ("result", "VARCHAR", "status", None),
            ),
            ("restaurant",),
        ),
    },
    "bank": {
        "client": (
            (
                ("name", "VARCHAR", "person", None),
                ("city", "VARCHAR", "city", None),
                ("credit score", "INTEGER", None, None),
            ),
            (),
        ),
        "account": (
            (
                ("account type", "VARCHAR", "level", None),
                ("balance", "DECIMAL(14,2)", None, None),
                ("opened on", "DATE", None, None),
            ),
            ("client", "branch"),
        ),
        "branch": ((("name", "VARCHAR", None, None), ("city", "VARCHAR", "city", None)), ()),
        "transaction": (
            (
                ("amount", "DECIMAL(12,2)", None, None),
                ("posted at", "TIMESTAMP", None, None),
                ("method", "VARCHAR", "payment", None),
            ),
            ("account",),
        ),
        "loan": (
            (
                ("principal", "DECIMAL(14,2)", None, None),
                ("interest rate", "DOUBLE", None, None),
                ("status", "VARCHAR", "status", None),
            ),
            ("client",),
        ),
        "card": (
            (("card network", "VARCHAR", None, None), ("credit limit", "DECIMAL(10,2)", None, None)),
            ("account",),
        ),
    },
}
_DISTRACTORS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "audit_log",
        (("changed_at", "TIMESTAMP"), ("table_name", "VARCHAR"), ("action", "VARCHAR"), ("user_name", "VARCHAR")),
    ),
    ("app_settings", (("setting_key", "VARCHAR"), ("setting_value", "VARCHAR"), ("updated_at", "TIMESTAMP"))),
    ("schema_migrations", (("version", "VARCHAR"), ("applied_at", "TIMESTAMP"))),
    (
        "etl_batches",
        (("batch_id", "BIGINT"), ("source_system", "VARCHAR"), ("row_count", "INTEGER"), ("loaded_at", "TIMESTAMP")),
    ),
    (
        "user_sessions",
        (("session_id", "VARCHAR"), ("user_name", "VARCHAR"), ("started_at", "TIMESTAMP"), ("city", "VARCHAR")),
    ),
)
_STYLES = ("snake_plural", "snake", "tbl", "camel")


@dataclass(frozen=True)
class Question:
    """One question over one database, with the tables and columns it was built from."""

    text: str
    database: str
    tables: frozenset[str]  # schema.table, lower-case
    columns: frozenset[str]  # schema.table.column, lower-case


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "ch", "sh", "x")):
        return word + "es"
    return word + "s"


def _table_name(entity: str, style: str) -> str:
    words = entity.split()
    if style == "snake_plural":
        return "_".join(words[:-1] + [_plural(words[-1])])
    if style == "snake":
        return "_".join(words)
    if style == "tbl":
        return "tbl_" + "_".join(words)
    return "".join(w.title() for w in words) + "Info"


def _column_name(words: str, style: str) -> str:
    parts = words.split()
    if style == "camel":
        return parts[0] + "".join(p.title() for p in parts[1:])
    return "_".join(parts)


def _values(pool: str, rng: random.Random) -> tuple[str, ...]:
    if pool == "person":
        return tuple(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(4))
    return tuple(rng.sample(_POOLS[pool], min(4, len(_POOLS[pool]))))


@dataclass
class _Db:
    schema: str
    tables: dict[str, Table]  # entity -> table
    refs: dict[str, list[tuple[str, str]]]  # entity -> (referenced entity, fk column)


def _database(schema: str, theme: str, rng: random.Random) -> tuple[_Db, list[Table]]:
    entities = _THEMES[theme]
    names = sorted(entities)
    picked = set(rng.sample(names, rng.randint(min(4, len(names)), min(6, len(names)))))
    while True:  # a picked entity brings what it references
        wider = picked.union(*(entities[e][1] for e in picked))
        if wider == picked:
            break
        picked = wider
    style = rng.choice(_STYLES)
    key_of = {e: _column_name(f"{e} id", style) for e in picked}
    tables: dict[str, Table] = {}
    refs: dict[str, list[tuple[str, str]]] = {}
    for entity in sorted(picked):
        attrs, targets = entities[entity]
        name = _table_name(entity, style)
        cols = [Column(key_of[entity] if rng.random() < 0.7 else "id", "INTEGER", nullable=False)]
        fks = []
        for target in targets:
            col = key_of[target]
            cols.append(Column(col, "INTEGER", f"The {target} of this {entity}" if rng.random() < 0.4 else None))
            fks.append(ForeignKey((col,), f"{schema}.{_table_name(target, style)}", (key_of[target],)))
            refs.setdefault(entity, []).append((target, col))
        for words, type_, pool, comment in attrs:
            if rng.random() < 0.1 and len(cols) > 2:
                continue  # not every variant keeps every attribute
            samples = _values(pool, rng) if pool and type_ == "VARCHAR" else ()
            cols.append(
                Column(_column_name(words, style), type_, comment if rng.random() < 0.6 else None, samples=samples)
            )
        if rng.random() < 0.5:
            cols.append(Column(_column_name("created at", style), "TIMESTAMP"))
        comment = f"One row per {entity} of the {theme} system" if rng.random() < 0.3 else None
        tables[entity] = Table(schema, name, tuple(cols), comment, (cols[0].name,), tuple(fks), rng.randint(5, 50_000))
    extra = []
    for name, cols in rng.sample(_DISTRACTORS, rng.randint(0, 2)):
        extra.append(
            Table(schema, name, tuple(Column(c, t) for c, t in cols), None, (cols[0][0],), (), rng.randint(5, 9_999))
        )
    return _Db(schema, tables, refs), extra


def _fix_refs(db: _Db) -> None:
    """Point each foreign key at the referenced table's actual key column."""
    for entity, table in list(db.tables.items()):
        fks = []
        for fk in table.foreign_keys:
            target = next(e for e, t in db.tables.items() if f"{db.schema}.{t.name}" == fk.ref_table)
            fks.append(ForeignKey(fk.columns, fk.ref_table, db.tables[target].primary_key))
        db.tables[entity] = Table(
            table.schema, table.name, table.columns, table.comment, table.primary_key, tuple(fks), table.row_count
        )


def many_databases(n_databases: int = 150, seed: int = 20) -> tuple[Catalog, list[_Db]]:
    """The catalog (a schema per database) and each database's entities, for the questions."""
    rng = random.Random(seed)
    themes = sorted(_THEMES)
    all_tables: list[Table] = []
    dbs = []
    for n in range(n_databases):
        theme = themes[n % len(themes)]
        db, extra = _database(f"{theme}_{n // len(themes) + 1}", theme, rng)
        _fix_refs(db)
        dbs.append(db)
        all_tables.extend(db.tables.values())
        all_tables.extend(extra)
    return Catalog("duckdb", tuple(all_tables), default_schema=dbs[0].schema), dbs


def _words(column: str) -> str:
    from tools.retrieval.terms import split_words

    return " ".join(split_words(column))


def _attr(table: Table, rng: random.Random, sampled: bool) -> Column | None:
    keys = {table.primary_key[0]} | {c for fk in table.foreign_keys for c in fk.columns}
    found = [
        c
        for c in table.columns
        if c.name not in keys and bool(c.samples) == sampled and "created" not in c.name.lower()
    ]
    return rng.choice(found) if found else None


def _noun(entity: str, plural: bool) -> str:
    words = entity.split()
    return " ".join(words[:-1] + [_plural(words[-1]) if plural else words[-1]])


def questions(dbs: list[_Db], per_database: int = 3, seed: int = 21) -> list[Question]:
    """Questions over single tables, foreign-key joins and two-hop joins, each naming one value
    of its database (as real questions name a city or a person) in most cases."""
    rng = random.Random(seed)
    out: list[Question] = []
    for db in dbs:
        for _ in range(per_database):
            q = _question(db, rng)
            if q is not None:
                out.append(q)
    return out


def _col(table: Table, column: Column) -> str:
    return f"{table.qualified}.{column.name}".lower()


def _question(db: _Db, rng: random.Random) -> Question | None:
    joins = [(e, t, c) for e, targets in sorted(db.refs.items()) for t, c in targets]
    kind = rng.choice(("single", "join", "join", "two_hop"))
    if kind == "two_hop":
        hops = [(a, b, c1, c, c2) for a, b, c1 in joins for b2, c, c2 in joins if b2 == b]
        hops += [(a, b, c1, c, c2) for a, b, c1 in joins for c, b2, c2 in joins if b2 == b and c != a]
        if not hops:
            kind = "join"
    if kind == "single" or not joins:
        entity = rng.choice(sorted(db.tables))
        table = db.tables[entity]
        filt, measure = _attr(table, rng, True), _attr(table, rng, False)
        if filt is None or measure is None:
            return None
        value = rng.choice(filt.samples)
        text = rng.choice(
            (
                f"How many {_noun(entity, True)} have {_words(filt.name)} {value}?",
                f"What is the average {_words(measure.name)} of {_noun(entity, True)} whose {_words(filt.name)} is {value}?",
                f"List the {_words(measure.name)} of every {_noun(entity, False)} in {value}",
            )
        )
        return Question(
            text, db.schema, frozenset({table.qualified.lower()}), frozenset({_col(table, filt), _col(table, measure)})
        )
    if kind == "join":
        child, parent, fk = rng.choice(joins)
        ct, pt = db.tables[child], db.tables[parent]
        filt, measure = _attr(pt, rng, True), _attr(ct, rng, False)
        if filt is None or measure is None:
            return None
        value = rng.choice(filt.samples)
        text = rng.choice(
            (
                f"Total {_words(measure.name)} of {_noun(child, True)} for {_noun(parent, True)} with {_words(filt.name)} {value}",
                f"Which {_noun(child, True)} belong to a {_noun(parent, False)} whose {_words(filt.name)} is {value}? Show their {_words(measure.name)}.",
                f"For {value} {_noun(parent, True)}, what is the highest {_words(measure.name)} among their {_noun(child, True)}?",
            )
        )
        cols = {_col(ct, measure), _col(pt, filt), f"{ct.qualified}.{fk}".lower(), _col(pt, pt.columns[0])}
        return Question(text, db.schema, frozenset({ct.qualified.lower(), pt.qualified.lower()}), frozenset(cols))
    a, b, _c1, c, _c2 = rng.choice(hops)
    ends = [db.tables[a], db.tables[c]]
    filt, measure = _attr(ends[1], rng, True), _attr(ends[0], rng, False)
    if filt is None or measure is None:
        return None
    value = rng.choice(filt.samples)
    text = f"Average {_words(measure.name)} of {_noun(a, True)} linked to {_noun(c, True)} with {_words(filt.name)} {value}"
    tables = {db.tables[x].qualified.lower() for x in (a, b, c)}
    return Question(text, db.schema, frozenset(tables), frozenset({_col(ends[0], measure), _col(ends[1], filt)}))


def main() -> None:
    catalog, dbs = many_databases()
    qs = questions(dbs)
    print(
        f"{len(dbs)} databases, {len(catalog.tables)} tables, {sum(len(t.columns) for t in catalog.tables)} columns, {len(qs)} questions"
    )
    for q in qs[:8]:
        print(f"  [{q.database}] {q.text}  -> {sorted(q.tables)}")


if __name__ == "__main__":
    main()
