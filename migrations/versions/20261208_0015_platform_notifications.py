"""Platform notifications: what the platforms push to /v1/hooks (raw body, dedupe key, what it did), and a
SECURITY DEFINER look-up of a shop's tenant and platform by shop id, owned by the auth role: the platform calls
with no principal, so the receiver learns the tenant from the shop in its URL before it can open the tenant's rows.
It returns the tenant id and the platform only, for a shop that is not archived.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from api.rls import APP_ROLE, AUTH_ROLE, enable_tenant_rls

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURE = "hooks_find_shop(p_shop_id uuid)"


def upgrade() -> None:
    op.create_table(
        "platform_notifications",
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("shop_id", sa.UUID(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("notification_id", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("effect", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw_body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_platform_notifications_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "shop_id"],
            ["shops.tenant_id", "shops.id"],
            name=op.f("fk_platform_notifications_tenant_id_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_platform_notifications")),
        sa.UniqueConstraint(
            "tenant_id", "shop_id", "dedupe_key", name=op.f("uq_platform_notifications_tenant_id_shop_id_dedupe_key")
        ),
    )
    for statement in enable_tenant_rls("platform_notifications"):
        op.execute(statement)
    # The look-up reads three columns of shops through its own policy, like the auth look-ups (migration 0001).
    op.execute(f"GRANT SELECT (tenant_id, id, platform, archived_at) ON shops TO {AUTH_ROLE}")
    op.execute(f"CREATE POLICY hooks_lookup ON shops FOR SELECT TO {AUTH_ROLE} USING (true)")
    op.execute(
        f"CREATE FUNCTION {SIGNATURE} RETURNS TABLE(tenant_id uuid, platform text) LANGUAGE sql STABLE "
        "SECURITY DEFINER SET search_path = public AS "
        "$$ SELECT tenant_id, platform FROM shops WHERE id = p_shop_id AND archived_at IS NULL LIMIT 1 $$"
    )
    op.execute(f"ALTER FUNCTION {SIGNATURE} OWNER TO {AUTH_ROLE}")
    op.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")
    op.execute("DROP POLICY IF EXISTS hooks_lookup ON shops")
    op.execute(f"REVOKE ALL ON shops FROM {AUTH_ROLE}")
    op.drop_table("platform_notifications")
