"""`rasa` with the action server's responses checked by a validator built once: the
what-if run of `make bench` (scripts/bench.py), never the served assistant.

    python tests/bench/rasa_cached_validator.py run --model … (the arguments of `rasa`)

Rasa 3.6 checks every response of the action server with `jsonschema.validate()`
(RemoteAction._validate_action_result). That call first checks the schema itself against
the draft 2020-12 meta-schema, which costs about 16 ms on this machine, then validates
the response in a quarter of a millisecond. The assistant calls the action server about
once per message (a form twice), so most of what it costs over the floor bot is that
check. Building the validator once keeps the validation and drops the repeated
meta-schema check; the result is the same for every response.

The fix belongs where the project already adapts RemoteAction (connectors/action_guard.py,
installed from the channels' from_credentials); this module only lets the bench measure it
without changing what `make run` serves.
"""

from __future__ import annotations

import sys
from functools import lru_cache


@lru_cache(maxsize=1)
def response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install() -> None:
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    unchecked = RemoteAction._validate_action_result

    def validate_action_result(self, result) -> bool:
        try:
            response_validator().validate(result)
        except ValidationError:
            return unchecked(self, result)  # Rasa's own error message
        return True

    RemoteAction._validate_action_result = validate_action_result


if __name__ == "__main__":
    install()
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    sys.exit(main())
