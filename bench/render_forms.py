"""Rendering the seed before and after the writers followed forms (issue 11), in the same run.

The renderers as they were at ``BEFORE_FORMS`` are read out of git (``git show``) into a temporary
package beside today's, and both render the seed in every format, interleaved, best of N, so the
two see the same machine state. The issue bounds the ratio at 1.2. Without git history (an
installed copy) the comparison is skipped, saying so.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import best

# The last commit whose renderers knew only the seed's form.
BEFORE_FORMS = "4fe0872fa0d2566ba9219c25d55769f54b364cce"
OLD_PACKAGE = "sengen_renderers_before_forms"
ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("json", "csv", "html", "xlsx", "pdf")


def old_renderers(tmp: Path):
    """Today's sengen with the renderers of BEFORE_FORMS importable as ``OLD_PACKAGE``."""
    names = subprocess.run(["git", "ls-tree", "--name-only", BEFORE_FORMS, "src/sengen/renderers/"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    package = tmp / OLD_PACKAGE
    package.mkdir()
    for name in names:
        if name.endswith(".py"):
            source = subprocess.run(["git", "show", f"{BEFORE_FORMS}:{name}"], cwd=ROOT, capture_output=True,
                                    text=True, check=True).stdout
            (package / Path(name).name).write_text(source, encoding="utf-8")
    sys.path.insert(0, str(tmp))
    return importlib.import_module(OLD_PACKAGE)


def main(doc: dict, repeat: int) -> float | None:
    from sengen.renderers import render

    print("Rendering the seed: the renderers before forms against today's (in the seed's form)")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            old = old_renderers(Path(tmp))
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"skipped: the renderers of {BEFORE_FORMS[:7]} are not in this copy's git history ({exc})")
            return None
        head = f"{'format':<8}{'before ms':>11}{'now ms':>10}{'ratio':>8}"
        print(head)
        print("-" * len(head))
        ratios = []
        for fmt in FORMATS:
            # warm both (imports, fonts), then interleave
            old.render(doc, fmt), render(doc, fmt)
            before = now = float("inf")
            for _ in range(repeat):
                before = min(before, best(lambda f=fmt: old.render(doc, f), 1))
                now = min(now, best(lambda f=fmt: render(doc, f), 1))
            ratios.append(now / before)
            print(f"{fmt:<8}{before * 1000:>11.2f}{now * 1000:>10.2f}{now / before:>8.2f}")
        sys.path.remove(tmp)
    worst = max(ratios)
    print(f"ratio = now ÷ before (the issue allows 1.20); worst {worst:.2f}")
    return worst


if __name__ == "__main__":
    import json

    seed = ROOT / "tests" / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json"
    main(json.loads(seed.read_text(encoding="utf-8")), int(sys.argv[1]) if len(sys.argv) > 1 else 5)
