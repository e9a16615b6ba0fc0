"""The checkers beside axe that a Section 508 reviewer runs: the W3C Nu Html Checker (vnu.jar,
on Java) over the HTML each page is served as, and HTML_CodeSniffer, pa11y's WCAG 2 AA engine,
inside the browser on the page as it is shown.

Both come from tests/checkers/package.json (`npm ci` in the Makefile; no network at test time).
With PRESSOFFICE_REQUIRE_BROWSER=1 (CI) a missing checker is a failure, as a missing browser is.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[1] / "checkers" / "node_modules"
VNU = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMLCS = MODULES / "html_codesniffer" / "build" / "HTMLCS.js"


def _require(path, what):
    if path.exists() and (path != VNU or shutil.which("java")):
        return
    message = f"{what} is missing ({path}; `make test` installs it, with Java from apt)"
    if os.environ.get("PRESSOFFICE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def nu_errors(documents):
    """{name: [error, …]} from the Nu Html Checker for {name: html}; names without errors are
    left out. One Java run for all documents: starting the checker costs more than checking."""
    _require(VNU, "The Nu Html Checker")
    with tempfile.TemporaryDirectory() as folder:
        for name, html in documents.items():
            (Path(folder) / f"{name}.html").write_text(html)
        result = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--exit-zero-always", "--format", "json",
             folder],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    errors = {}
    for message in json.loads(result.stderr)["messages"]:
        name = Path(message.get("url", "unknown")).stem
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(
            f"{where}: {message['message']} [{message.get('extract', '')}]"
        )
    return errors


# pa11y's runner, reduced to what it reports by default: errors, with the element that fails.
_RUN_HTMLCS = """
() => new Promise((resolve) => {
  HTMLCS.process("WCAG2AA", window.document, () => {
    resolve(HTMLCS.getMessages()
      .filter((message) => message.type === HTMLCS.ERROR)
      .map((message) => `${message.code}: ${message.msg} ` +
        `[${(message.element.outerHTML || "").slice(0, 160)}]`));
  });
})
"""


def htmlcs_errors(page):
    """HTML_CodeSniffer's WCAG 2 AA errors on the page as shown (the page's context must be made
    with bypass_csp=True: our policy rightly refuses the checker's script)."""
    _require(HTMLCS, "HTML_CodeSniffer")
    page.add_script_tag(path=str(HTMLCS))
    return page.evaluate(_RUN_HTMLCS)


def report(found):
    """An assertion message listing every finding in full (pytest would shorten the dict)."""
    return "\n".join(
        f"{name}:\n  " + "\n  ".join(findings) for name, findings in sorted(found.items())
    )
