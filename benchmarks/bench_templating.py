"""How much JSON-aware rendering costs next to plain json.dumps.

Run: python benchmarks/bench_templating.py

For the specification's Pushover template and a generated 50-placeholder
template, times render_payload against json.dumps of the very object the
render produces, in the same run, and prints the ratio. Each figure is the
best of several repeats, which is the least noisy estimate of the cost.
"""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from typing import Any

from dfire_desktop.engine import templating
from dfire_desktop.engine.catalogue import variables_for
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.examples import PUSHOVER_MAPPINGS, PUSHOVER_TEMPLATE
from dfire_desktop.engine.samples import sample_context

REPEATS = 7

MAPPINGS: dict[str, dict[str, Any]] = PUSHOVER_MAPPINGS


def secrets(name: str) -> str | None:
    return "fake-pushover-app-token"


def generated_template(count: int) -> str:
    """`count` placeholders over the test event's variables, half of them
    inside strings with text around them, half bare, a few mapped."""
    paths = [variable.path for variable in variables_for([EventKind.TEST])]
    lines = []
    for index in range(count):
        path = paths[index % len(paths)]
        suffix = "|mapped" if path == "case.severity" else ""
        if index % 2:
            value = f'"at {index}: {{{{{path}{suffix}}}}} (end)"'
        else:
            value = f"{{{{{path}{suffix}}}}}"
        lines.append(f'  "field_{index}": {value}')
    return "{\n" + ",\n".join(lines) + "\n}"


def best_seconds(call: Callable[[], object]) -> float:
    """The best time of one call over REPEATS repeats."""
    timer = timeit.Timer(call)
    number, _ = timer.autorange()  # enough calls to take at least 0.2 s
    return min(timer.repeat(repeat=REPEATS, number=number)) / number


def compare(name: str, template: str) -> None:
    context = sample_context(EventKind.TEST)
    rendered = templating.render_payload(template, context, MAPPINGS, secrets)
    finished = json.loads(rendered.text)

    def render() -> object:
        return templating.render_payload(template, context, MAPPINGS, secrets)

    def render_cold() -> object:
        # Parsing and checking a template is cached across deliveries; drop
        # the caches to also show the first render of a template.
        templating._parse.cache_clear()
        templating._prepared.cache_clear()
        return render()

    def dumps() -> object:
        return json.dumps(finished, ensure_ascii=False).encode("utf-8")

    baseline = best_seconds(dumps)
    for label, call in (("render", render), ("render, cold parse", render_cold)):
        seconds = best_seconds(call)
        print(
            f"{name:<16} {label:<20} {seconds * 1e6:8.1f} us"
            f"   json.dumps {baseline * 1e6:6.1f} us   ratio {seconds / baseline:5.1f}x"
        )


def main() -> None:
    template = generated_template(50)
    assert len(templating.parse_placeholders(template)) == 50
    compare("pushover", PUSHOVER_TEMPLATE)
    compare("50 placeholders", template)


if __name__ == "__main__":
    main()
