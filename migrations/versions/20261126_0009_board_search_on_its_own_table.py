"""The board's text search moves to its own table, error_group_texts, kept by triggers on error_groups: every event
moves its group's counters, and each such update used to add some fifty trigram entries to the search index; now
only a new group or a changed message does. The searched text is one lower-cased column (SKU, platform code, latest
message), matched with LIKE, which rechecks about twice as fast as three ILIKEs

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.rls import APP_ROLE, SEARCH_ROLE, enable_tenant_rls

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_FUNCTION = "error_groups_matching(p_like text, p_code text, p_since timestamptz)"
OLD_BODY = (
    "SELECT id FROM error_groups WHERE tenant_id = app_tenant_id() AND last_seen >= p_since"
    " AND (sku ILIKE p_like OR latest_message ILIKE p_like OR platform_error_code = p_code)"
)
NEW_FUNCTION = "error_groups_matching(p_like text)"
# The tenant and the pattern as sub-selects: computed once, not once per row the trigram index hands over.
NEW_BODY = (
    "SELECT group_id FROM error_group_texts"
    " WHERE tenant_id = (SELECT app_tenant_id()) AND search_text LIKE (SELECT lower(p_like))"
)
# What q is matched against, from a group row (`NEW.` in the trigger, bare in the copy).
SEARCH_TEXT = "lower(concat_ws(E'\\n', {r}sku, {r}platform_error_code, {r}latest_message))"


def _search_function(signature: str, body: str) -> None:
    op.execute(
        f"CREATE FUNCTION {signature} RETURNS TABLE(group_id uuid) LANGUAGE sql STABLE SECURITY DEFINER "
        f"SET search_path = public AS $$ {body} $$"
    )
    op.execute(f"ALTER FUNCTION {signature} OWNER TO {SEARCH_ROLE}")
    op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")


def _force_row_security(force: bool) -> None:
    for table in ("error_groups", "error_group_texts"):
        op.execute(f"ALTER TABLE {table} {'' if force else 'NO '}FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    op.create_table(
        "error_group_texts",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["error_groups.tenant_id", "error_groups.id"],
            name=op.f("fk_error_group_texts_tenant_id_group_id_error_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "group_id", name=op.f("pk_error_group_texts")),
    )
    op.create_index(
        "ix_error_group_texts_search",
        "error_group_texts",
        ["search_text"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    for statement in enable_tenant_rls("error_group_texts"):
        op.execute(statement)
    # The copy runs as the owner, whom the forced row-level security would confine to no tenant at all.
    _force_row_security(False)
    op.execute(
        "INSERT INTO error_group_texts (tenant_id, group_id, search_text) "
        f"SELECT tenant_id, id, {SEARCH_TEXT.format(r='')} FROM error_groups"
    )
    _force_row_security(True)

    # Runs as whoever writes the group (the app role, in the group's tenant), so the copy obeys the same policy.
    op.execute(
        "CREATE FUNCTION error_group_texts_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO error_group_texts (tenant_id, group_id, search_text) "
        f"VALUES (NEW.tenant_id, NEW.id, {SEARCH_TEXT.format(r='NEW.')}) "
        "ON CONFLICT (tenant_id, group_id) DO UPDATE SET search_text = excluded.search_text; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER error_group_texts_on_insert AFTER INSERT ON error_groups "
        "FOR EACH ROW EXECUTE FUNCTION error_group_texts_sync()"
    )
    columns = ("sku", "platform_error_code", "latest_message")
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    op.execute(
        f"CREATE TRIGGER error_group_texts_on_update AFTER UPDATE OF {', '.join(columns)} ON error_groups "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION error_group_texts_sync()"
    )

    op.execute(f"GRANT SELECT (tenant_id, group_id, search_text) ON error_group_texts TO {SEARCH_ROLE}")
    op.execute(f"CREATE POLICY search_lookup ON error_group_texts FOR SELECT TO {SEARCH_ROLE} USING (true)")
    _search_function(NEW_FUNCTION, NEW_BODY)
    op.execute(f"DROP FUNCTION {OLD_FUNCTION}")
    op.drop_index("ix_error_groups_search", table_name="error_groups")
    op.execute("DROP POLICY search_lookup ON error_groups")
    op.execute(f"REVOKE ALL ON error_groups FROM {SEARCH_ROLE}")


def downgrade() -> None:
    columns = ["sku", "latest_message", "platform_error_code"]
    op.execute(f"GRANT SELECT (tenant_id, id, last_seen, {', '.join(columns)}) ON error_groups TO {SEARCH_ROLE}")
    op.execute(f"CREATE POLICY search_lookup ON error_groups FOR SELECT TO {SEARCH_ROLE} USING (true)")
    op.create_index(
        "ix_error_groups_search",
        "error_groups",
        columns,
        unique=False,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops" for column in columns},
    )
    _search_function(OLD_FUNCTION, OLD_BODY)
    op.execute(f"DROP FUNCTION {NEW_FUNCTION}")
    op.execute("DROP TRIGGER error_group_texts_on_update ON error_groups")
    op.execute("DROP TRIGGER error_group_texts_on_insert ON error_groups")
    op.execute("DROP FUNCTION error_group_texts_sync()")
    op.drop_table("error_group_texts")
