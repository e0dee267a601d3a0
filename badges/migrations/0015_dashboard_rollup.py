"""The dashboard's rollups, kept exact by triggers and filled from the rows that exist:

- `AwardDaySummary`: awards counted per (template, issue day, expiry day);
- `AwardAcceptDays`: their times to accept per (template, issue day, whole days);
- `AwardAcceptedDay`: accepted awards per (template, acceptance day, UTC);
- `AwardDayClaimEmails`: claim emails by state per (template, issue day) of their award.

Each trigger takes the old rows out of the counts and puts the new rows in, whatever the statement: a save,
a queryset update or delete, `bulk_create`, COPY (PostgreSQL fires triggers for COPY). PostgreSQL runs them
once per statement over its transition tables, so an import of a thousand rows makes one grouped upsert per
rollup; SQLite (the demo, the unit tests) once per row. A claim email counts while its award exists (the
outbox row names its award only in its payload, without a foreign key): the outbox's triggers count it
against its award, the award's triggers move its emails with it or take them out when it is deleted.
"""

from django.db import migrations, models
import django.db.models.deletion

SUMMARY = "badges_awarddaysummary"
ACCEPT_DAYS = "badges_awardacceptdays"
ACCEPTED_DAY = "badges_awardacceptedday"
EMAILS = "badges_awarddayclaimemails"
SHARES = "badges_awarddayshares"
OUTBOX = "outbox_outboxemail"
NEVER_EXPIRES = "9999-12-31"  # badges.models.NEVER_EXPIRES
# On PostgreSQL each key's counts are spread over this many rows (`slot`), one chosen by the writing backend:
# a transaction that holds a rollup row until it commits (an import of 100,000 awards, for a minute) then
# blocks only the writers that share its slot, not every acceptance, issue and claim email of that template
# and day. The rows are deltas: one may be negative, their sum is the count. SQLite writes slot 0 only.
SLOTS = 16
CLAIM = "claim"  # badges.awards.services.CLAIM_EMAIL

# The counts of a row of awards, each a condition on it (`{a}`: NEW, OLD or an alias), as the award queries
# the dashboard ran before counted them (badges/dashboard/selectors.py reads them).
COUNTS = {
    "issued": "TRUE",
    "opened": "{a}.claim_link_opened_at IS NOT NULL",
    "accepted": "{a}.state = 'accepted'",
    "declined": "{a}.state = 'declined'",
    "pending": "{a}.state = 'pending' AND {a}.revoked_at IS NULL",
    "revoked": "{a}.revoked_at IS NOT NULL",
}
# Rows that belong to an award and are counted against its key (template, issue day): its claim emails (the
# outbox names the award in its payload, without a foreign key) and its share counts. For each: the table,
# the rollup, the award id as an expression on the row `{e}` (PostgreSQL, SQLite), the rows that count,
# the rollup's own key columns beside the award's, its sums (conditions or amounts on `{e}`), and the columns
# whose change moves a row's counts.
CHILDREN = {
    "email": {
        "table": OUTBOX,
        "rollup": EMAILS,
        # The expression `outbox_payload_award_idx` indexes (outbox.models.PAYLOAD_AWARD_ID), so joins use it.
        "award_id": ("(({e}.payload ->> 'award_id'))::bigint", "CAST(json_extract({e}.payload, '$.award_id') AS INTEGER)"),
        "where": f"{{e}}.kind = '{CLAIM}'",
        "keys": [],
        # The outbox's states (outbox.models.STATE_Q).
        "sums": {
            "sent": ("{e}.sent_at IS NOT NULL", None),
            "failed": ("{e}.sent_at IS NULL AND {e}.failed_at IS NOT NULL", None),
            "queued": ("{e}.sent_at IS NULL AND {e}.failed_at IS NULL", None),
        },
        "watched": ["kind", "payload", "sent_at", "failed_at"],
    },
    "share": {
        "table": "badges_sharecount",
        "rollup": SHARES,
        "award_id": ("{e}.award_id", "{e}.award_id"),
        "where": "TRUE",
        "keys": ["channel"],
        "sums": {"clicks": (None, "{e}.clicks")},
        "watched": ["award_id", "channel", "clicks"],
    },
}  # fmt: skip


# The award columns the rollups read: an update that changes none of them leaves them alone.
WATCHED = ["template_id", "issued_on", "expires_on", "state", "revoked_at", "claim_link_opened_at", "accepted_at",
           "created_at"]  # fmt: skip


# PostgreSQL ------------------------------------------------------------------------------------------------


def _pg_days(a):
    """Whole days from the award's making to its acceptance, rounded down (an interval's epoch is exact)."""
    return f"floor(extract(epoch FROM {a}.accepted_at - {a}.created_at) / 86400)::integer"


def _pg_award_id(e):
    # The expression `outbox_payload_award_idx` indexes (outbox.models.PAYLOAD_AWARD_ID), so joins use it.
    return f"(({e}.payload ->> 'award_id'))::bigint"


def _sum_signed(conditions, alias, letter):
    return [f"SUM(CASE WHEN {condition.format(**{letter: alias})} THEN {alias}.sign ELSE 0 END)" for condition in conditions]


def _pg_upsert(table, keys, conflict, sums, source, where="TRUE"):
    """Add the grouped, signed rows of `source` (alias c) to `table`: net changes only, in key order (two
    statements lock the rows they share in the same order)."""
    keys = [*keys, ("slot", f"(pg_backend_pid() % {SLOTS})")]
    conflict = f"{conflict}, slot"
    names = [name for name, _ in keys] + [name for name, _ in sums]
    groups = ", ".join(str(n + 1) for n in range(len(keys)))
    changed = " OR ".join(f"{expression} <> 0" for _, expression in sums)
    updates = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name, _ in sums)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) "
        f"SELECT {', '.join(expression for _, expression in keys + sums)} FROM ({source}) c WHERE {where} "
        f"GROUP BY {groups} HAVING {changed} ORDER BY {groups} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates};"
    )


def _pg_award_upserts(source):
    """`source`: signed award rows (`sign`, then the award's columns)."""
    counts = list(zip(COUNTS, _sum_signed(COUNTS.values(), "c", "a"), strict=True))
    return [
        _pg_upsert(
            SUMMARY,
            [("issued_on", "c.issued_on"), ("template_id", "c.template_id"),
             ("expires_on", f"COALESCE(c.expires_on, DATE '{NEVER_EXPIRES}')")],
            "issued_on, template_id, expires_on", counts, source,
        ),
        _pg_upsert(
            ACCEPT_DAYS,
            [("issued_on", "c.issued_on"), ("template_id", "c.template_id"), ("days", _pg_days("c"))],
            "issued_on, template_id, days", [("awards", "SUM(c.sign)")], source, where="c.accepted_at IS NOT NULL",
        ),
        _pg_upsert(
            ACCEPTED_DAY,
            [("accepted_on", "(c.accepted_at AT TIME ZONE 'UTC')::date"), ("template_id", "c.template_id")],
            "accepted_on, template_id", [("awards", "SUM(c.sign)")], source,
            where="c.state = 'accepted' AND c.accepted_at IS NOT NULL",
        ),
    ]  # fmt: skip


def _pg_child_upsert(child, source):
    """`source`: signed child rows (`sign`, the award's `template_id` and `issued_on`, the child's columns)."""
    spec = CHILDREN[child]
    sums = [
        (name, f"SUM(CASE WHEN {condition.format(e='c')} THEN c.sign ELSE 0 END)" if condition else
         f"SUM(c.sign * {amount.format(e='c')})")
        for name, (condition, amount) in spec["sums"].items()
    ]  # fmt: skip
    keys = [("issued_on", "c.issued_on"), ("template_id", "c.template_id"), *[(k, f"c.{k}") for k in spec["keys"]]]
    return _pg_upsert(spec["rollup"], keys, ", ".join(name for name, _ in keys), sums, source)


def _pg_children_of(child, sign, awards, a="a"):
    """The child rows of the awards in `awards` (alias `a`), signed, with the award's key."""
    spec = CHILDREN[child]
    # LATERAL: one index lookup per award. The planner knows nothing of a transition table's size, and a
    # hash join would read the whole outbox for an award or two.
    return (
        f"SELECT {sign} AS sign, {a}.template_id, {a}.issued_on, e.* FROM {awards} CROSS JOIN LATERAL "
        f"(SELECT * FROM {spec['table']} e WHERE {spec['award_id'][0].format(e='e')} = {a}.id "
        f"AND {spec['where'].format(e='e')}) e"
    )


def _pg_awards_of(child, sign, rows):
    """The child rows in `rows` (alias e) whose award exists, signed, with the award's key."""
    spec = CHILDREN[child]
    return (
        f"SELECT {sign} AS sign, a.template_id, a.issued_on, e.* FROM {rows} CROSS JOIN LATERAL "
        f"(SELECT template_id, issued_on FROM badges_award a WHERE a.id = {spec['award_id'][0].format(e='e')}) a "
        f"WHERE {spec['where'].format(e='e')}"
    )


def _pg_lock_awards(child, tables):
    """Lock the awards of the changed child rows against their deletion (FOR KEY SHARE, what a foreign key
    takes), in id order. Without it, a claim email sent while its award is deleted in another transaction
    would be counted out twice or not at all: each trigger sees the other's row as it was before. With it,
    the second of the two waits, and its next statement sees what the first committed. It does not wait
    for an update of the award (an acceptance, an anonymisation), only for a delete."""
    spec = CHILDREN[child]
    ids = " UNION ".join(
        f"SELECT {spec['award_id'][0].format(e='e')} AS award_id FROM {table} e WHERE {spec['where'].format(e='e')}"
        for table in tables
    )
    # One index lookup per award, whatever plan PL/pgSQL kept (see MOVED_OLD).
    return (
        f"PERFORM 1 FROM ({ids} ORDER BY 1) ids CROSS JOIN LATERAL "
        f"(SELECT 1 FROM badges_award a WHERE a.id = ids.award_id FOR KEY SHARE) locked;"
    )


# The awards an update moved to another key (template, issue day), as they were and as they are: set
# differences, not a join of the two transition tables (PL/pgSQL keeps the plan it made for the first
# statement, a single save, and a nested loop over two tables of 100,000 updated rows never ends).
MOVED_OLD = (
    "(SELECT id, template_id, issued_on FROM old_awards EXCEPT SELECT id, template_id, issued_on FROM new_awards) o"
)
MOVED_NEW = (
    "(SELECT id, template_id, issued_on FROM new_awards EXCEPT SELECT id, template_id, issued_on FROM old_awards) n"
)


def _pg_triggers():
    """{name: (table, event, transition tables, statements)}"""
    triggers = {
        "award_insert": ("badges_award", "INSERT", "NEW TABLE AS new_awards", [
            *_pg_award_upserts("SELECT 1 AS sign, * FROM new_awards"),
            # Children written before their award: none in practice (an award's id is new), counted if ever.
            *[_pg_child_upsert(child, _pg_children_of(child, 1, "new_awards a")) for child in CHILDREN],
        ]),
        "award_delete": ("badges_award", "DELETE", "OLD TABLE AS old_awards", [
            *_pg_award_upserts("SELECT -1 AS sign, * FROM old_awards"),
            # Children that outlive their award (claim emails; share counts in the statement's own cascade)
            # stop counting with it.
            *[_pg_child_upsert(child, _pg_children_of(child, -1, "old_awards a")) for child in CHILDREN],
        ]),
        # Every old row out, every new row in: the groups an update did not change net to zero and are left
        # alone, so a save that changed nothing counted writes nothing.
        "award_update": ("badges_award", "UPDATE", "OLD TABLE AS old_awards NEW TABLE AS new_awards", [
            *_pg_award_upserts("SELECT -1 AS sign, * FROM old_awards UNION ALL SELECT 1 AS sign, * FROM new_awards"),
            # Only SQL moves an award (the template and issue date are read-only after issue): look no further
            # unless one did.
            f"IF EXISTS (SELECT 1 FROM {MOVED_NEW}) THEN",
            *[
                _pg_child_upsert(child, f"{_pg_children_of(child, -1, MOVED_OLD, a='o')} UNION ALL "
                                        f"{_pg_children_of(child, 1, MOVED_NEW, a='n')}")
                for child in CHILDREN
            ],
            "END IF;",
        ]),
    }  # fmt: skip
    for child, spec in CHILDREN.items():
        table = spec["table"]
        triggers[f"{child}_insert"] = (table, "INSERT", "NEW TABLE AS new_rows", [
            _pg_lock_awards(child, ["new_rows"]),
            _pg_child_upsert(child, _pg_awards_of(child, 1, "new_rows e")),
        ])  # fmt: skip
        triggers[f"{child}_delete"] = (table, "DELETE", "OLD TABLE AS old_rows", [
            _pg_lock_awards(child, ["old_rows"]),
            _pg_child_upsert(child, _pg_awards_of(child, -1, "old_rows e")),
        ])  # fmt: skip
        triggers[f"{child}_update"] = (table, "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", [
            _pg_lock_awards(child, ["old_rows", "new_rows"]),
            _pg_child_upsert(child, f"{_pg_awards_of(child, -1, 'old_rows e')} UNION ALL "
                                    f"{_pg_awards_of(child, 1, 'new_rows e')}"),
        ])  # fmt: skip
    return triggers


def _postgresql():
    forward, backward = [], []
    for suffix, (table, event, transitions, statements) in _pg_triggers().items():
        name = f"badges_rollup_{suffix}"
        forward.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {' '.join(statements)} "
            f"RETURN NULL; END $$;"
        )
        forward.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transitions} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        )
        backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        backward.append(f"DROP FUNCTION IF EXISTS {name}();")
    backfill = [
        *_pg_award_upserts("SELECT 1 AS sign, * FROM badges_award"),
        *[_pg_child_upsert(child, _pg_awards_of(child, 1, f"{spec['table']} e")) for child, spec in CHILDREN.items()],
    ]
    return forward, backward, backfill


# SQLite ----------------------------------------------------------------------------------------------------


def _sqlite_days(a):
    """Whole days on SQLite, where datetimes are text (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC): microseconds as
    integers, divided rounding down (SQLite's integer division rounds towards zero)."""

    def micro(column):
        return (
            f"(CAST(strftime('%s', {a}.{column}) AS INTEGER) * 1000000 "
            f"+ CAST(substr({a}.{column} || '.000000', 21, 6) AS INTEGER))"
        )

    delta = f"({micro('accepted_at')} - {micro('created_at')})"
    return f"(CASE WHEN {delta} >= 0 THEN {delta} / 86400000000 ELSE -((86399999999 - {delta}) / 86400000000) END)"


def _sqlite_award_id(e):
    return f"CAST(json_extract({e}.payload, '$.award_id') AS INTEGER)"


def _sqlite_upsert(table, keys, conflict, sums, source, where="1", group=True, sign=1):
    """Add the rows of `source` to `table`. Taking out (`sign` -1) only ever meets a row that putting in made,
    so it writes only where that row exists: a flush (Django's test teardown on SQLite deletes table after
    table, in no set order, firing the triggers) never leaves rows behind in a rollup already emptied."""
    if sign < 0:
        match = " AND ".join(f"r.{name} = {expression}" for name, expression in keys)
        where = f"{where} AND EXISTS (SELECT 1 FROM {table} r WHERE {match})"
    keys = [*keys, ("slot", "0")]
    conflict = f"{conflict}, slot"
    names = [name for name, _ in keys] + [name for name, _ in sums]
    updates = ", ".join(f"{name} = {name} + excluded.{name}" for name, _ in sums)
    grouping = f" GROUP BY {', '.join(str(n + 1) for n in range(len(keys)))}" if group else ""
    return (
        f"INSERT INTO {table} ({', '.join(names)}) "
        f"SELECT {', '.join(expression for _, expression in keys + sums)} FROM {source} WHERE {where}{grouping} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates};"
    )


def _sqlite_award_upserts(a, sign, source=None):
    """One award (`a`: NEW or OLD, `source` None) times `sign`; or the table's awards grouped (the backfill)."""
    total = (lambda expression: f"SUM({expression})") if source else (lambda expression: f"{sign} * ({expression})")
    counts = [(name, total(condition.format(a=a))) for name, condition in COUNTS.items()]
    frame = source or "(SELECT 1)"
    group = source is not None
    return [
        _sqlite_upsert(
            SUMMARY,
            [("issued_on", f"{a}.issued_on"), ("template_id", f"{a}.template_id"),
             ("expires_on", f"COALESCE({a}.expires_on, '{NEVER_EXPIRES}')")],
            "issued_on, template_id, expires_on", counts, frame, group=group, sign=sign,
        ),
        _sqlite_upsert(
            ACCEPT_DAYS,
            [("issued_on", f"{a}.issued_on"), ("template_id", f"{a}.template_id"), ("days", _sqlite_days(a))],
            "issued_on, template_id, days", [("awards", total("1"))], frame, where=f"{a}.accepted_at IS NOT NULL",
            group=group, sign=sign,
        ),
        _sqlite_upsert(
            ACCEPTED_DAY,
            [("accepted_on", f"date({a}.accepted_at)"), ("template_id", f"{a}.template_id")],
            "accepted_on, template_id", [("awards", total("1"))], frame,
            where=f"{a}.state = 'accepted' AND {a}.accepted_at IS NOT NULL", group=group, sign=sign,
        ),
    ]  # fmt: skip


def _sqlite_child_sums(child, e, sign):
    return [
        (name, f"{sign} * SUM({condition.format(e=e)})" if condition else f"{sign} * SUM({amount.format(e=e)})")
        for name, (condition, amount) in CHILDREN[child]["sums"].items()
    ]


def _sqlite_children_of_award(child, a, sign):
    """The child rows of one award (`a`: NEW or OLD) into the rollup, times `sign`."""
    spec = CHILDREN[child]
    keys = [("issued_on", f"{a}.issued_on"), ("template_id", f"{a}.template_id"), *[(k, f"e.{k}") for k in spec["keys"]]]
    return _sqlite_upsert(
        spec["rollup"], keys, ", ".join(name for name, _ in keys), _sqlite_child_sums(child, "e", sign),
        f"{spec['table']} e", where=f"{spec['where'].format(e='e')} AND {spec['award_id'][1].format(e='e')} = {a}.id", sign=sign,
    )  # fmt: skip


def _sqlite_award_of_child(child, e, sign, source=None):
    """One child row (`e`: NEW or OLD) into the rollup against its award, times `sign`; or the table's rows
    grouped (`source`, the backfill)."""
    spec = CHILDREN[child]
    keys = [("issued_on", "a.issued_on"), ("template_id", "a.template_id"), *[(k, f"{e}.{k}") for k in spec["keys"]]]
    return _sqlite_upsert(
        spec["rollup"], keys, ", ".join(name for name, _ in keys), _sqlite_child_sums(child, e, sign),
        f"{source + ' JOIN ' if source else ''}badges_award a",
        where=f"{spec['where'].format(e=e)} AND a.id = {spec['award_id'][1].format(e=e)}", sign=sign,
    )  # fmt: skip


def _sqlite():
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in WATCHED)
    moved = "OLD.template_id IS NOT NEW.template_id OR OLD.issued_on IS NOT NEW.issued_on"
    triggers = {
        # (table, event, WHEN, statements)
        "award_insert": ("badges_award", "INSERT", "", [
            *_sqlite_award_upserts("NEW", 1), *[_sqlite_children_of_award(child, "NEW", 1) for child in CHILDREN],
        ]),
        "award_delete": ("badges_award", "DELETE", "", [
            *_sqlite_award_upserts("OLD", -1), *[_sqlite_children_of_award(child, "OLD", -1) for child in CHILDREN],
        ]),
        "award_update": ("badges_award", f"UPDATE OF {', '.join(WATCHED)}", changed, [
            *_sqlite_award_upserts("OLD", -1), *_sqlite_award_upserts("NEW", 1),
        ]),
        "award_move": ("badges_award", "UPDATE OF template_id, issued_on", moved, [
            *[_sqlite_children_of_award(child, "OLD", -1) for child in CHILDREN],
            *[_sqlite_children_of_award(child, "NEW", 1) for child in CHILDREN],
        ]),
    }  # fmt: skip
    for child, spec in CHILDREN.items():
        table = spec["table"]
        child_changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in spec["watched"])
        triggers[f"{child}_insert"] = (table, "INSERT", "", [_sqlite_award_of_child(child, "NEW", 1)])
        triggers[f"{child}_delete"] = (table, "DELETE", "", [_sqlite_award_of_child(child, "OLD", -1)])
        triggers[f"{child}_update"] = (table, f"UPDATE OF {', '.join(spec['watched'])}", child_changed, [
            _sqlite_award_of_child(child, "OLD", -1), _sqlite_award_of_child(child, "NEW", 1),
        ])  # fmt: skip
    forward, backward = [], []
    for suffix, (table, event, when, statements) in triggers.items():
        name = f"badges_rollup_{suffix}"
        condition = f" WHEN {when}" if when else ""
        forward.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition} BEGIN {' '.join(statements)} END;"
        )
        backward.append(f"DROP TRIGGER IF EXISTS {name};")
    backfill = [
        *_sqlite_award_upserts("a", 1, source="badges_award a"),
        *[_sqlite_award_of_child(child, "e", 1, source=f"{spec['table']} e") for child, spec in CHILDREN.items()],
    ]
    return forward, backward, backfill


def statements(vendor):
    """(create the triggers, drop them, fill the empty rollups from the rows that exist) for `vendor`."""
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite()
    raise NotImplementedError(f"The dashboard's rollups need triggers written for {vendor}.")


def create_triggers(apps, schema_editor):
    forward, _, backfill = statements(schema_editor.connection.vendor)
    for statement in [*forward, *backfill]:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    _, backward, _ = statements(schema_editor.connection.vendor)
    for statement in backward:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0014_import_checking"),
        ("outbox", "0003_outboxemail_subject_award_index"),
    ]

    operations = [
        migrations.CreateModel(
            name='AwardAcceptDays',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slot', models.PositiveSmallIntegerField(default=0)),
                ('issued_on', models.DateField()),
                ('days', models.IntegerField()),
                ('awards', models.IntegerField(default=0)),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='badges.badgetemplate')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('issued_on', 'template', 'days', 'slot'), name='award_accept_days_key')],
            },
        ),
        migrations.CreateModel(
            name='AwardAcceptedDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slot', models.PositiveSmallIntegerField(default=0)),
                ('accepted_on', models.DateField()),
                ('awards', models.IntegerField(default=0)),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='badges.badgetemplate')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('accepted_on', 'template', 'slot'), name='award_accepted_day_key')],
            },
        ),
        migrations.CreateModel(
            name='AwardDayClaimEmails',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slot', models.PositiveSmallIntegerField(default=0)),
                ('issued_on', models.DateField()),
                ('sent', models.IntegerField(default=0)),
                ('failed', models.IntegerField(default=0)),
                ('queued', models.IntegerField(default=0)),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='badges.badgetemplate')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('issued_on', 'template', 'slot'), name='award_day_claim_emails_key')],
            },
        ),
        migrations.CreateModel(
            name='AwardDayShares',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slot', models.PositiveSmallIntegerField(default=0)),
                ('issued_on', models.DateField()),
                ('channel', models.CharField(choices=[('linkedin-profile', 'LinkedIn profile'), ('linkedin', 'LinkedIn post'), ('x', 'X'), ('facebook', 'Facebook'), ('email', 'Email')], max_length=20)),
                ('clicks', models.IntegerField(default=0)),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='badges.badgetemplate')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('issued_on', 'template', 'channel', 'slot'), name='award_day_shares_key')],
            },
        ),
        migrations.CreateModel(
            name='AwardDaySummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slot', models.PositiveSmallIntegerField(default=0)),
                ('issued_on', models.DateField()),
                ('expires_on', models.DateField(help_text='NEVER_EXPIRES for awards without an expiry date.')),
                ('issued', models.IntegerField(default=0)),
                ('opened', models.IntegerField(default=0)),
                ('accepted', models.IntegerField(default=0)),
                ('declined', models.IntegerField(default=0)),
                ('pending', models.IntegerField(default=0)),
                ('revoked', models.IntegerField(default=0)),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='badges.badgetemplate')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('issued_on', 'template', 'expires_on', 'slot'), name='award_day_summary_key')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
