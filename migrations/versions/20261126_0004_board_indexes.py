"""Board indexes: newest-first per status (covering the facet columns) and trigram search for `q`

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.rls import APP_ROLE, SEARCH_ROLE

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACET_COLUMNS = [
    "severity",
    "error_type",
    "platform",
    "shop_id",
    "strategy_id",
    "assignee_id",
    "snoozed_until",
    "snoozed_until_count",
]
SEARCH_COLUMNS = ["sku", "latest_message", "platform_error_code"]

# Owns the board's text search function. Under row-level security PostgreSQL will not use an index for a
# condition whose operator is not leakproof (ILIKE is not), so the app role's own ILIKE always scans the table.
# This function runs as a role that the policy below lets read the searched columns, and confines itself to the
# transaction's tenant (app_tenant_id()), so its ILIKE uses the trigram index and it still returns one tenant's ids.
SEARCH_FUNCTION = "error_groups_matching(p_like text, p_code text)"
SEARCH_BODY = (
    "SELECT id FROM error_groups WHERE tenant_id = app_tenant_id()"
    " AND (sku ILIKE p_like OR latest_message ILIKE p_like OR platform_error_code = p_code)"
)


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_error_groups_status_last_seen",
        "error_groups",
        ["tenant_id", "status", sa.literal_column("last_seen DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_include=FACET_COLUMNS,
    )
    op.create_index(
        "ix_error_groups_search",
        "error_groups",
        SEARCH_COLUMNS,
        unique=False,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops" for column in SEARCH_COLUMNS},
    )
    op.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SEARCH_ROLE}') "
        f"THEN CREATE ROLE {SEARCH_ROLE} NOLOGIN; END IF; END $$"
    )
    op.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {SEARCH_ROLE}")
    op.execute(f"GRANT SELECT (tenant_id, id, {', '.join(SEARCH_COLUMNS)}) ON error_groups TO {SEARCH_ROLE}")
    op.execute(f"CREATE POLICY search_lookup ON error_groups FOR SELECT TO {SEARCH_ROLE} USING (true)")
    op.execute(
        f"CREATE FUNCTION {SEARCH_FUNCTION} RETURNS TABLE(group_id uuid) LANGUAGE sql STABLE SECURITY DEFINER "
        f"SET search_path = public AS $$ {SEARCH_BODY} $$"
    )
    op.execute(f"ALTER FUNCTION {SEARCH_FUNCTION} OWNER TO {SEARCH_ROLE}")
    op.execute(f"REVOKE ALL ON FUNCTION {SEARCH_FUNCTION} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {SEARCH_FUNCTION} TO {APP_ROLE}")


def downgrade() -> None:
    # The role is shared by every database of the cluster, so it stays; this database's grants go.
    op.execute(f"DROP FUNCTION IF EXISTS {SEARCH_FUNCTION}")
    op.execute("DROP POLICY IF EXISTS search_lookup ON error_groups")
    op.execute(f"REVOKE ALL ON error_groups FROM {SEARCH_ROLE}")
    op.execute(f"REVOKE ALL ON SCHEMA public FROM {SEARCH_ROLE}")
    op.drop_index("ix_error_groups_search", table_name="error_groups")
    op.drop_index("ix_error_groups_status_last_seen", table_name="error_groups")
    # pg_trgm stays: dropping it would fail if anything else in the database came to use it.
