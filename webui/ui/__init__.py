"""The caseworker web UI: server-rendered pages in Danish (English per user), one blueprint per feature."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from engine.config import Settings


def init_app(app: Flask, settings: Settings, keep: frozenset[str] = frozenset()) -> None:
    """Install security, languages, sign-in, template helpers and the page blueprints.

    `keep`: config keys the caller set explicitly (create_app's overrides); our defaults leave them.
    """
    from webui.ui import (
        admin_directory,
        admin_rules,
        admin_users,
        auth,
        break_glass,
        case_actions,
        case_closing,
        case_list,
        case_people,
        case_persons,
        case_record,
        caseforms,
        cases,
        errors,
        filters,
        first_password,
        forms_editor,
        i18n,
        inbox,
        modeler,
        oidc,
        oidc_admin,
        person_insight,
        process_migration,
        processes,
        profile,
        referral,
        reports,
        saved_filters,
        security,
        tasks,
    )

    security.configure(app, settings, keep)
    i18n.configure(app, settings)
    auth.configure(app)
    first_password.install(app)
    oidc.configure(app, settings)
    filters.install(app)
    app.jinja_env.globals["safe_contact_label"] = caseforms.safe_contact_label
    for blueprint in (auth.bp, inbox.bp, tasks.bp, referral.bp, cases.bp, profile.bp, processes.bp, modeler.bp,
                      forms_editor.bp, process_migration.bp, admin_rules.bp, admin_users.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(break_glass.bp)
    app.register_blueprint(case_actions.bp)
    app.register_blueprint(case_closing.bp)
    app.register_blueprint(case_list.bp)
    app.register_blueprint(saved_filters.bp)
    app.register_blueprint(case_people.bp)
    app.register_blueprint(case_persons.bp)
    app.register_blueprint(case_record.bp)
    app.register_blueprint(person_insight.bp)
    app.register_blueprint(oidc.bp)
    app.register_blueprint(oidc_admin.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(admin_directory.bp)
    errors.install_routing_errors(app)

    @app.context_processor
    def _globals() -> dict[str, object]:
        signed_in = bool(current_user and current_user.is_authenticated)
        return {"signed_in_user": current_user.user if signed_in else None, "locale": i18n.select_locale()}
