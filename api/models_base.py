"""Declarative base and the column shapes every tenant-owned table shares.

Every tenant-owned table has the primary key (tenant_id, id) and composite foreign keys that lead with tenant_id:
a row can never point into another tenant, and the keys are ready for distribution by tenant_id.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, MetaData, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Server-generated values (ids, timestamps) come back with RETURNING: no lazy load after a flush.
    __mapper_args__ = {"eager_defaults": True}


def tenant_key(*, foreign_key: bool = True) -> Mapped[uuid.UUID]:
    """tenant_id as the leading primary-key column. High-volume tables whose composite foreign key already pins the
    tenant (an event's (tenant_id, group_id)) skip the direct key to tenants: one check less per inserted row."""
    if not foreign_key:
        return mapped_column(UUID(as_uuid=True), primary_key=True, nullable=False)
    return mapped_column(
        UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True, nullable=False
    )


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()"), default=uuid.uuid4
    )


def created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def updated_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)


def tenant_fk(column: str, table: str) -> tuple[list[str], list[str]]:
    """Arguments of ForeignKeyConstraint for (tenant_id, <column>) -> <table>(tenant_id, id)."""
    return ["tenant_id", column], [f"{table}.tenant_id", f"{table}.id"]
