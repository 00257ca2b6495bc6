"""The counselors' console at /console (issue 18): aiohttp handlers over console.store.

auth.py signs in and out and guards every page (session, school, CSRF); the other modules
are the pages: a school's profile and entries (school.py), its declined questions
(declined.py), reports (reports.py), embedding (embed.py) and the administrator's pages
(admin.py).
"""

from __future__ import annotations

from aiohttp import web

from console.store import ConsoleStore
from web.console import admin, auth, declined, embed, reports, school
from web.console.common import Addresses, setup_console

__all__ = ["Addresses", "add_routes"]


def add_routes(app: web.Application, addresses: Addresses, store: ConsoleStore | None = None) -> None:
    setup_console(app, addresses, store)
    r = app.router
    r.add_get("/console", auth.home, name="console")
    r.add_get("/console/", auth.home)
    r.add_get("/console/login", auth.login_form, name="console-login")
    r.add_post("/console/login", auth.login)
    r.add_post("/console/logout", auth.logout, name="console-logout")
    r.add_get("/console/admin", admin.overview, name="console-admin")
    r.add_post("/console/admin/schools", admin.create_school)
    r.add_post("/console/admin/accounts", admin.create_account)
    r.add_post(r"/console/admin/accounts/{account_id:\d+}/active", admin.set_active)
    r.add_post(r"/console/admin/accounts/{account_id:\d+}/password", admin.set_password)
    r.add_get("/console/admin/audit", admin.audit)
    r.add_get("/console/admin/export.yaml", declined.export_all)
    r.add_get("/console/admin/declined", declined.without_school)
    r.add_post("/console/admin/declined/mark", declined.mark_without_school)
    r.add_get("/console/reports", reports.across_schools)
    r.add_get("/console/reports.csv", reports.across_schools_csv)
    prefix = "/console/schools/{school_id}"
    r.add_get(prefix, school.profile, name="console-school")
    r.add_post(prefix, school.save_profile)
    r.add_get(prefix + "/entries", school.entries)
    r.add_post(prefix + "/entries", school.add_entry)
    r.add_get(prefix + r"/entries/{entry_id:\d+}", school.edit_entry)
    r.add_post(prefix + r"/entries/{entry_id:\d+}", school.save_entry)
    r.add_post(prefix + r"/entries/{entry_id:\d+}/delete", school.delete_entry)
    r.add_get(prefix + "/audit", school.audit)
    r.add_get(prefix + "/declined", declined.groups)
    r.add_post(prefix + "/declined/answer", declined.answer)
    r.add_post(prefix + "/declined/mark", declined.mark)
    r.add_get(prefix + "/declined/export.yaml", declined.export)
    r.add_get(prefix + "/reports", reports.one_school)
    r.add_get(prefix + "/reports.csv", reports.one_school_csv)
    r.add_get(prefix + "/embed", embed.page)
    r.add_post(prefix + "/embed", embed.save)
    r.add_post(prefix + "/embed/check", embed.check)
    r.add_get(prefix + "/embed/preview", embed.preview)
