"""`analyst demo`: the whole loop, offline and without a key, on the bundled sample database.

The model's side is a bundled recording (a scripted model), clearly labelled as such; the schema
retrieval, the guard (which rejects the recording's first, misspelt query), the approval by
policy, the read-only execution and the session log are all real.
"""

from __future__ import annotations

import sys
from importlib.resources import as_file, files
from typing import TextIO

from analyst.config import Config

DEMO_QUESTION = "Which customer spent the most?"


def run_demo(config: Config, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    from analyst.ask import run_ask

    stderr.write(
        "analyst demo: a RECORDED model session replayed on the bundled sample database "
        "(no network, no key).\nThe guard, approval, read-only execution and session log are live.\n\n"
        f"question: {DEMO_QUESTION}\n"
    )
    with as_file(files("sessions") / "data" / "demo_model.jsonl") as script:
        code = run_ask(
            config, DEMO_QUESTION, approve="auto", output="table", db=None,
            model_name=f"scripted:{script}", stdout=stdout, stderr=stderr,
        )
    stderr.write(
        "\nNext: store a key and ask for real —\n"
        "  analyst keys set openai        (or export OPENAI_API_KEY=...)\n"
        "  analyst ask \"Which product category earns the most margin?\"\n"
    )
    return code
