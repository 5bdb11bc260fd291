"""assessment.figures.style draws off screen (Agg) in scripts, the command line and the tests, and leaves the
backend alone in a notebook kernel, so an analyst's own plots still show inline in JupyterLab; the
report's kernels are told to draw off screen (``render.KERNEL_ENV``)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INLINE = "module://matplotlib_inline.backend_inline"


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def _backend_after_import(code: str, **extra) -> str:
    out = subprocess.run([sys.executable, "-c", code + "\nimport assessment.figures.style, matplotlib\n"
                          "print(matplotlib.get_backend())"],
                         capture_output=True, text=True, env=_env(**extra), cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_a_script_draws_off_screen():
    assert _backend_after_import("").lower() == "agg"


def test_a_kernel_keeps_its_backend():
    """What plots sees in a Jupyter kernel: ipykernel loaded, the inline backend chosen."""
    code = ("import sys, types, matplotlib\n"
            "sys.modules.setdefault('ipykernel', types.ModuleType('ipykernel'))\n"
            f"matplotlib.use({INLINE!r})")
    assert _backend_after_import(code) == INLINE


def test_mplbackend_chooses_the_backend():
    assert _backend_after_import("", MPLBACKEND="svg").lower() == "svg"


def _kernel_backend(env: dict) -> str:
    manager = pytest.importorskip("jupyter_client.manager")
    from assessment.render import KERNEL_NAME
    km, kc = manager.start_new_kernel(kernel_name=KERNEL_NAME, env=env, cwd=str(ROOT), startup_timeout=120)
    lines = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            lines.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            lines.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

    try:
        kc.execute_interactive("import assessment.figures.style, matplotlib\nprint(matplotlib.get_backend())",
                               timeout=120, output_hook=hook)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return "".join(lines).strip()


def test_a_real_kernel_shows_plots_inline_and_the_report_kernels_draw_off_screen():
    from assessment.render import KERNEL_ENV
    assert _kernel_backend(_env()) == INLINE                       # JupyterLab: the analyst's plots inline
    assert _kernel_backend(_env(**KERNEL_ENV)).lower() == "agg"    # the report's chapters
