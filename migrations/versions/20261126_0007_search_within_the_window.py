"""The board's text search takes the window's start: a common word's hits are cut to the window before the board
looks them up (the trigram bitmap is rechecked against last_seen on the same heap visit)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 01:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

from api.rls import APP_ROLE, SEARCH_ROLE

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "error_groups_matching(p_like text, p_code text)"
NEW = "error_groups_matching(p_like text, p_code text, p_since timestamptz)"
MATCH = "(sku ILIKE p_like OR latest_message ILIKE p_like OR platform_error_code = p_code)"


def _create(signature: str, body: str) -> None:
    op.execute(
        f"CREATE FUNCTION {signature} RETURNS TABLE(group_id uuid) LANGUAGE sql STABLE SECURITY DEFINER "
        f"SET search_path = public AS $$ {body} $$"
    )
    op.execute(f"ALTER FUNCTION {signature} OWNER TO {SEARCH_ROLE}")
    op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")


def upgrade() -> None:
    op.execute(f"GRANT SELECT (last_seen) ON error_groups TO {SEARCH_ROLE}")
    _create(NEW, f"SELECT id FROM error_groups WHERE tenant_id = app_tenant_id() AND last_seen >= p_since AND {MATCH}")
    op.execute(f"DROP FUNCTION {OLD}")


def downgrade() -> None:
    _create(OLD, f"SELECT id FROM error_groups WHERE tenant_id = app_tenant_id() AND {MATCH}")
    op.execute(f"DROP FUNCTION {NEW}")
    op.execute(f"REVOKE SELECT (last_seen) ON error_groups FROM {SEARCH_ROLE}")
