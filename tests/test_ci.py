"""CI runs the README's two install commands exactly as written (a fresh
machine has only what `python3 -m venv` brings: no pip upgrade step)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```bash\n(.*?)^```", text, re.S | re.M).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_commands_as_written():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    assert not any(re.search(r"pip\b.*install.*(-U\b|--upgrade)", line) for line in commands)
    # the script's own extraction of the README block yields exactly the two commands
    awk = re.search(r"awk '([^']+)' README\.md", script).group(1)
    found = subprocess.run(["awk", awk, "README.md"], cwd=REPO, capture_output=True, text=True, check=True)
    assert found.stdout.splitlines() == readme_commands()
    assert len(readme_commands()) == 2
    assert readme_commands()[0].startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . ")
    assert "python -m pytest" in readme_commands()[1]
