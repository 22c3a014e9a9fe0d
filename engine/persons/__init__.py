"""The person register: citizens and their family, their links to cases, CPR numbers kept encrypted.

Modules: `cpr` (validation), `crypto` (encryption at rest and the keyed match hash), `models`
(Person, CasePerson), `service` (register, read, change, look up), `links` (persons on a case),
`access` (who may see a person: the case rule through their cases), `access_log` and `insight`
(who used a person's data), `retention` (erasing persons in no case); `subject_intake` (the start
form's subject), `threat_gate` (sharing never to a threat), `signals` and `family` (cases that see each
other, `signal_models`).
"""

from __future__ import annotations

from engine.config import Settings


def configure(settings: Settings) -> None:
    """Set the data keys from CASEPATH_DATA_KEY and join the retention run (engine.setup.configure calls this)."""
    from engine.cases.opening import INTAKE_STEPS
    from engine.cases.retention import EXTRA_STEPS
    from engine.persons.crypto import configure as configure_keys
    from engine.persons.retention import retention_step
    from engine.persons.subject_intake import intake

    configure_keys(settings.effective_data_key)
    EXTRA_STEPS["persons"] = retention_step
    INTAKE_STEPS["persons"] = intake  # the start form's subject (engine.persons.subject_intake)
