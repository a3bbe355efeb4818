"""Alert rules as the alerts issue shapes them: a condition (count over a window, any event of some types, or a
group unhandled for too long), the board's filters, several channels (their URLs and secrets encrypted in one
blob, a secret-free description beside it), cooldown, quiet hours and a daily digest. Deliveries record each send
per rule, window and channel (unique: a window never sends twice), batched when several rules share a target.
SLA reminders remember which group opening each rule already reminded of. Replaces migration 0001's unused pair. Events get an index on when they arrived, which rules count by.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from api.rls import enable_tenant_rls

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = postgresql.JSONB(astext_type=sa.Text())


def _tenant(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        _tenant_fk(table),
    ]


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
    )


def _rule_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "rule_id"], ["alert_rules.tenant_id", "alert_rules.id"],
        name=op.f(f"fk_{table}_tenant_id_rule_id_alert_rules"), ondelete="CASCADE",
    )  # fmt: skip


def upgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_rules")
    op.create_table(
        "alert_rules",
        *_tenant("alert_rules"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("condition", JSONB, nullable=False),
        sa.Column("filters", JSONB, server_default="{}", nullable=False),
        sa.Column("channels_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("channels_public", JSONB, server_default="[]", nullable=False),
        sa.Column("cooldown_minutes", sa.Integer(), server_default="60", nullable=False),
        sa.Column("quiet_hours", JSONB),
        sa.Column("digest_hour", sa.SmallInteger()),
        sa.Column("is_active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("last_fired_at", sa.DateTime(timezone=True)),
        sa.Column("checked_until", sa.DateTime(timezone=True)),
        sa.Column("last_digest_on", sa.Date()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("digest_hour BETWEEN 0 AND 23", name=op.f("ck_alert_rules_digest_hour")),
        sa.CheckConstraint("cooldown_minutes >= 0", name=op.f("ck_alert_rules_cooldown")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_alert_rules")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_alert_rules_tenant_id_name")),
    )
    op.create_table(
        "alert_deliveries",
        *_tenant("alert_deliveries"),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("channel_index", sa.SmallInteger(), nullable=False),
        sa.Column("channel_kind", sa.String(16), nullable=False),
        sa.Column("target_hint", sa.String(300), server_default="", nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("window_key", sa.String(100), nullable=False),
        sa.Column("summary", JSONB, nullable=False),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("response_status", sa.Integer()),
        sa.Column("response_code", sa.String(64)),
        sa.Column("response_body", sa.Text()),
        sa.Column("error", sa.Text()),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('alert', 'digest', 'reminder', 'test')", name=op.f("ck_alert_deliveries_kind")),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'retrying', 'sent', 'failed')", name=op.f("ck_alert_deliveries_status")
        ),
        _rule_fk("alert_deliveries"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint(
            "tenant_id",
            "rule_id",
            "window_key",
            "channel_index",
            name=op.f("uq_alert_deliveries_tenant_id_rule_id_window_key_channel_index"),
        ),  # fmt: skip
    )
    op.create_index("ix_alert_deliveries_tenant_created", "alert_deliveries", ["tenant_id", "created_at"])
    op.create_index("ix_alert_deliveries_batch", "alert_deliveries", ["tenant_id", "batch_id"])
    op.create_table(
        "alert_reminders",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        _tenant_fk("alert_reminders"),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        _rule_fk("alert_reminders"),
        sa.PrimaryKeyConstraint("tenant_id", "rule_id", "group_id", "opened_at", name=op.f("pk_alert_reminders")),
    )
    for table in ("alert_rules", "alert_deliveries", "alert_reminders"):
        for statement in enable_tenant_rls(table):
            op.execute(statement)
    op.create_index(op.f("ix_error_events_tenant_id_received_at"), "error_events", ["tenant_id", "received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_error_events_tenant_id_received_at"), table_name="error_events")
    op.drop_table("alert_reminders")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_rules")
    op.create_table(
        "alert_rules",
        *_tenant("alert_rules"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("filter", JSONB, server_default="{}", nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), server_default="1440", nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("secret_encrypted", sa.LargeBinary()),
        sa.Column("cooldown_minutes", sa.Integer(), server_default="60", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("last_fired_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("channel IN ('wecom', 'dingtalk', 'feishu', 'email')", name=op.f("ck_alert_rules_channel")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_alert_rules")),
    )
    op.create_table(
        "alert_deliveries",
        *_tenant("alert_deliveries"),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("window_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("error_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("response_status", sa.Integer()),
        sa.Column("response_body", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        _rule_fk("alert_deliveries"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint(
            "tenant_id", "rule_id", "window_key", name=op.f("uq_alert_deliveries_tenant_id_rule_id_window_key")
        ),
    )
    for table in ("alert_rules", "alert_deliveries"):
        for statement in enable_tenant_rls(table):
            op.execute(statement)
