"""The specification's worked example, as a template to start from."""

from __future__ import annotations

import json
from typing import Any, Final

# Pushover notifications when a timeline event mentions @page: the template
# and value mappings exactly as the specification gives them.
PUSHOVER_TEMPLATE: Final = """{
  "token": "{{secret.pushover_api_token}}",
  "user": "{{secret.pushover_api_user}}",
  "title": "You have been paged for {{case.case_number}} {{case.title}}",
  "message": "You have been paged by {{event.actor_username}} on case \
{{case.case_number}}:\\n\\n{{event.event_type|mapped}}: {{event.title}}, \
{{event.description}}.\\n\\nYou can access the incident here: {{meta.case_url}}",
  "priority": "{{case.severity|mapped}}"
}"""

PUSHOVER_MAPPINGS: Final[dict[str, dict[str, Any]]] = {
    "severity": {"info": -2, "low": -1, "medium": 0, "high": 1, "critical": 2},
    "event_type": {"MANUAL": "Manual timeline event"},
}


def pushover_mappings_text() -> str:
    return json.dumps(PUSHOVER_MAPPINGS, indent=2)
