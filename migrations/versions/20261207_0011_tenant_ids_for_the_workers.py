"""The workers' crons (reconciler, token refresh, scheduled strategies, retention) walk every tenant: a SECURITY
DEFINER look-up of the tenant ids, owned by the auth role, since the app role sees no tenant row before it has set
one (tenants has row-level security like every tenant table). It returns ids only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

from alembic import op

from api.rls import APP_ROLE, AUTH_ROLE

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURE = "system_tenant_ids()"


def upgrade() -> None:
    op.execute(
        f"CREATE FUNCTION {SIGNATURE} RETURNS TABLE(tenant_id uuid) LANGUAGE sql STABLE SECURITY DEFINER "
        "SET search_path = public AS $$ SELECT id FROM tenants ORDER BY id $$"
    )
    op.execute(f"ALTER FUNCTION {SIGNATURE} OWNER TO {AUTH_ROLE}")
    op.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")
