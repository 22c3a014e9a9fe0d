""""Akut fare" and "Ny risikovurdering" on the case page ("/sager/<id>/akut-fare", "/sager/<id>/ny-risikovurdering").

The case page includes `_case_actions.html`: two short forms, each with the reason the service records
(engine/cases/acute.py, engine/cases/reassessment.py). A refused reason shows the page again with the
form open and a Danish message; a closed case or a procedure without the action is a flash message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.cases.acute import raise_acute
from engine.cases.moving import start_move
from engine.cases.reassessment import start_reassessment
from engine.cases.runtime import ProcessError
from engine.cases.signals import offered
from engine.errors import Conflict, InvalidInput
from webui.clock import service_clock
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.cases import render_case

bp = Blueprint("case_actions", __name__, url_prefix="/sager")
errors.install(bp)


@bp.app_context_processor
def _globals() -> dict[str, object]:
    """`case_actions_offered(case)`: the signals the case's process version offers (which buttons show)."""
    return {"case_actions_offered": lambda case: offered(get_session(), case)}


def _act(case_id: UUID, action: Callable[..., Any], form: str, done: str) -> ResponseReturnValue:
    session = get_session()
    try:
        action(session, case_id, me(), request.form.get("reason", ""), service_clock())
    except Conflict:
        session.rollback()
        flash(_("Det kan ikke startes her: sagen er lukket, eller dens procesversion har ikke dette trin."), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    except ProcessError:
        session.rollback()
        flash(_("Det kunne ikke startes: sagens procesdiagram gav en fejl. Kontakt teamlederen."), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    except InvalidInput:
        session.rollback()
        # _case_actions.html shows the form open again with the message and what was typed
        g.case_action_error = {"form": form, "message": _("Skriv en begrundelse på 10 til 2000 tegn."),
                               "reason": request.form.get("reason", "")[:2000]}
        return render_case(case_id, status=422)
    flash(done, "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#tasks-title")


@bp.post("/<uuid:case_id>/akut-fare")
@login_required
def acute(case_id: UUID) -> ResponseReturnValue:
    """Report acute danger: the acute tasks are created at once and the team leads told."""
    return _act(case_id, raise_acute, "acute",
                _("Akut fare er meldt. De akutte opgaver er oprettet, og teamlederen har fået besked."))


@bp.post("/<uuid:case_id>/ny-risikovurdering")
@login_required
def reassess(case_id: UUID) -> ResponseReturnValue:
    """Start a new risk assessment; its result becomes the case's risk level."""
    return _act(case_id, start_reassessment, "risk", _("En ny risikovurdering er startet."))


@bp.post("/<uuid:case_id>/flytning")
@login_required
def move(case_id: UUID) -> ResponseReturnValue:
    """The child moved to another municipality: the hand-over task, then the case closes."""
    return _act(case_id, start_move, "move",
                _("Overdragelsen til den nye kommune er startet. Sagen lukkes, når opgaven er udført."))
