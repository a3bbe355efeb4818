"""Error groups: the id is the fingerprint (a version-8 UUID from its SHA-256), so ingest knows a batch's groups
without looking them up, and the fingerprint column and its unique index (one more index entry on every group
update) go; regressed_at records when a group last reopened by itself

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS_FK = "fk_error_events_tenant_id_group_id_error_groups"
FINGERPRINT_KEY = "uq_error_groups_tenant_id_fingerprint"
# The tables whose rows are rewritten. The owner is subject to their forced row-level security too, and a migration
# has no tenant: forcing is lifted for the rewrite and restored after it.
REWRITTEN = ("error_groups", "error_events", "audit_log")
# api.errors.ingest.group_id_of in SQL: the digest's first 16 bytes with the version (8) and variant bits set.
DIGEST = "decode(fingerprint, 'hex')"
NEW_ID = (
    f"CAST(encode(set_byte(set_byte(substring({DIGEST} FROM 1 FOR 16), "
    f"6, (get_byte({DIGEST}, 6) & 15) | 128), 8, (get_byte({DIGEST}, 8) & 63) | 128), 'hex') AS uuid)"
)
FINGERPRINT = (
    "encode(sha256(convert_to(concat_ws(E'\\x1f', tenant_id::text, shop_id::text, error_type, platform_error_code, "
    "sku), 'UTF8')), 'hex')"
)


def _force_row_security(force: bool) -> None:
    for table in REWRITTEN:
        op.execute(f"ALTER TABLE {table} {'' if force else 'NO '}FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    _force_row_security(False)
    op.drop_constraint(EVENTS_FK, "error_events", type_="foreignkey")
    op.execute(f"CREATE TEMP TABLE regrouped AS SELECT tenant_id, id AS old_id, {NEW_ID} AS new_id FROM error_groups")
    op.execute(
        "UPDATE error_events AS e SET group_id = r.new_id FROM regrouped AS r "
        "WHERE e.tenant_id = r.tenant_id AND e.group_id = r.old_id"
    )
    op.execute(
        "UPDATE error_groups AS g SET id = r.new_id FROM regrouped AS r WHERE g.tenant_id = r.tenant_id AND g.id = r.old_id"
    )
    op.execute(
        "UPDATE audit_log AS a SET object_id = r.new_id::text FROM regrouped AS r "
        "WHERE a.tenant_id = r.tenant_id AND a.object_type = 'error_group' AND a.object_id = r.old_id::text"
    )
    op.execute("DROP TABLE regrouped")
    op.create_foreign_key(
        EVENTS_FK, "error_events", "error_groups", ["tenant_id", "group_id"], ["tenant_id", "id"], ondelete="CASCADE"
    )
    op.drop_constraint(FINGERPRINT_KEY, "error_groups", type_="unique")
    op.drop_column("error_groups", "fingerprint")
    op.add_column("error_groups", sa.Column("regressed_at", sa.DateTime(timezone=True), nullable=True))
    _force_row_security(True)


def downgrade() -> None:
    op.drop_column("error_groups", "regressed_at")
    _force_row_security(False)
    op.add_column("error_groups", sa.Column("fingerprint", sa.String(length=64), nullable=True))
    op.execute(f"UPDATE error_groups SET fingerprint = {FINGERPRINT}")
    op.alter_column("error_groups", "fingerprint", nullable=False)
    op.create_unique_constraint(FINGERPRINT_KEY, "error_groups", ["tenant_id", "fingerprint"])
    _force_row_security(True)
