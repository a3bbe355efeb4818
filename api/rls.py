"""Row-level security DDL shared by the migrations: every tenant-owned table gets the same policy."""

from __future__ import annotations

APP_ROLE = "openclaw_app"
# Owns the SECURITY DEFINER look-ups that map a login email, a session token or an API key prefix (and an
# operator's tenant name) to a tenant before any tenant is known. It reads only through those functions.
AUTH_ROLE = "openclaw_auth"
# Owns the board's text search function (migration 0004): ILIKE is not leakproof, so under row-level security the
# app role's own search could never use the trigram index; the function confines itself to app_tenant_id().
SEARCH_ROLE = "openclaw_search"


def enable_tenant_rls(table: str) -> list[str]:
    """Statements that let the app role use `table` and confine it to the transaction's tenant."""
    return [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} "
        "USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())",
    ]
