"""The push engine's schema: ERP base values on SKUs, strategies' SKU filter and schedule, tasks' request id and
planning summary, push actions' batch, heartbeat and outcome (and the state `sending`, between the two commits that
surround a platform call), the ERP requests already answered, the tenant's default approval policy, shops' currency
and archiving, and whether a binding was set by a user or a catalog sync

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:40:32.873953
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from api.rls import enable_tenant_rls

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('erp_requests',
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('endpoint', sa.String(length=16), nullable=False),
    sa.Column('request_id', sa.String(length=200), nullable=False),
    sa.Column('task_ids', postgresql.ARRAY(sa.UUID()), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_erp_requests_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'endpoint', 'request_id', name=op.f('pk_erp_requests'))
    )
    for statement in enable_tenant_rls('erp_requests'):
        op.execute(statement)
    op.drop_constraint(op.f('ck_push_actions_status'), 'push_actions', type_='check')
    op.create_check_constraint('status', 'push_actions', "status IN ('pending', 'sending', 'applied', 'failed', 'awaiting_confirmation', 'awaiting_approval', 'rejected')")
    op.add_column('connections', sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('push_actions', sa.Column('batch_id', sa.Uuid(), nullable=True))
    op.add_column('push_actions', sa.Column('previous_value', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column('push_actions', sa.Column('retry_of', sa.Uuid(), nullable=True))
    op.add_column('push_actions', sa.Column('error_type', sa.String(length=40), nullable=True))
    op.add_column('push_actions', sa.Column('error_message', sa.Text(), nullable=True))
    op.add_column('push_actions', sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('push_actions', sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('push_actions', sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True))
    op.drop_index(op.f('ix_push_actions_tenant_id_task_id'), table_name='push_actions')
    op.create_index('ix_push_actions_open', 'push_actions', ['tenant_id', 'status', 'heartbeat_at'], unique=False, postgresql_where=sa.text("status IN ('pending', 'sending', 'awaiting_confirmation')"))
    op.create_index(op.f('ix_push_actions_tenant_id_task_id_status'), 'push_actions', ['tenant_id', 'task_id', 'status'], unique=False)
    op.add_column('shops', sa.Column('currency', sa.String(length=3), nullable=True))
    op.add_column('shops', sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('sku_bindings', sa.Column('bound_by', sa.String(length=8), server_default='user', nullable=False))
    op.add_column('skus', sa.Column('base_prices', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False))
    op.add_column('skus', sa.Column('available_quantity', sa.Integer(), nullable=True))
    op.add_column('skus', sa.Column('listing_draft', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column('skus', sa.Column('base_updated_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('skus', sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False))
    op.add_column('strategies', sa.Column('sku_filter', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False))
    op.add_column('strategies', sa.Column('schedule', sa.String(length=100), nullable=True))
    op.add_column('strategies', sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('strategies', sa.Column('created_by', sa.String(length=200), nullable=True))
    op.add_column('tasks', sa.Column('operation', sa.String(length=16), nullable=True))
    op.add_column('tasks', sa.Column('request_id', sa.String(length=200), nullable=True))
    op.add_column('tasks', sa.Column('summary', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False))
    op.add_column('tasks', sa.Column('error', sa.Text(), nullable=True))
    op.add_column('tenant_settings', sa.Column('approval_policy', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text('\'{"max_price_cut_pct": 30, "hold_stock_to_zero": true}\'::jsonb'), nullable=False))


def downgrade() -> None:
    op.execute("UPDATE push_actions SET status = 'pending' WHERE status = 'sending'")
    op.drop_constraint(op.f('ck_push_actions_status'), 'push_actions', type_='check')
    op.create_check_constraint('status', 'push_actions', "status IN ('pending', 'applied', 'failed', 'awaiting_confirmation', 'awaiting_approval', 'rejected')")
    op.drop_column('tenant_settings', 'approval_policy')
    op.drop_column('tasks', 'error')
    op.drop_column('tasks', 'summary')
    op.drop_column('tasks', 'request_id')
    op.drop_column('tasks', 'operation')
    op.drop_column('strategies', 'created_by')
    op.drop_column('strategies', 'next_run_at')
    op.drop_column('strategies', 'schedule')
    op.drop_column('strategies', 'sku_filter')
    op.drop_column('skus', 'updated_at')
    op.drop_column('skus', 'base_updated_at')
    op.drop_column('skus', 'listing_draft')
    op.drop_column('skus', 'available_quantity')
    op.drop_column('skus', 'base_prices')
    op.drop_column('sku_bindings', 'bound_by')
    op.drop_column('shops', 'archived_at')
    op.drop_column('shops', 'currency')
    op.drop_index(op.f('ix_push_actions_tenant_id_task_id_status'), table_name='push_actions')
    op.drop_index('ix_push_actions_open', table_name='push_actions', postgresql_where=sa.text("status IN ('pending', 'sending', 'awaiting_confirmation')"))
    op.create_index(op.f('ix_push_actions_tenant_id_task_id'), 'push_actions', ['tenant_id', 'task_id'], unique=False)
    op.drop_column('push_actions', 'finished_at')
    op.drop_column('push_actions', 'heartbeat_at')
    op.drop_column('push_actions', 'sent_at')
    op.drop_column('push_actions', 'error_message')
    op.drop_column('push_actions', 'error_type')
    op.drop_column('push_actions', 'retry_of')
    op.drop_column('push_actions', 'previous_value')
    op.drop_column('push_actions', 'batch_id')
    op.drop_column('connections', 'last_success_at')
    op.drop_table('erp_requests')
