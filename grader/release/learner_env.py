"""A learner's Python environment with no answers: the learner-side package and JupyterLab.

``build_wheel`` packs ``grader/__init__.py`` and ``grader/learner/`` (nothing else of
the course) into the wheel ``intro-dl-learner``; ``requirements`` lists what a
learner's JupyterLab needs besides it. ``create`` makes a virtual environment
from both, for ``./course.sh learner-env DIR``; instructors who run JupyterHub
put the same wheel and requirements file into their image instead.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import grader

GRADER_DIR = Path(grader.__file__).resolve().parent
DIST_NAME = "intro-dl-learner"
VERSION = "0.1.0"
#: What a learner's JupyterLab needs next to the learner-side package (lower bounds as in pyproject.toml).
REQUIREMENTS = (
    "numpy>=1.26",
    "matplotlib>=3.8",
    "ipykernel>=6.29",
    "jupyterlab>=4.0",
    "nbgrader>=0.9.2",
)


def build_wheel(out_dir: Path) -> Path:
    """Build the learner wheel into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # Every package below grader/learner (plots and probes have one module per exercise).
    packages = ["grader", *sorted(".".join(p.parent.relative_to(GRADER_DIR.parent).parts)
                                  for p in (GRADER_DIR / "learner").rglob("__init__.py"))]
    with tempfile.TemporaryDirectory(prefix="learner-wheel-") as tmp:
        project = Path(tmp)
        (project / "pyproject.toml").write_text(textwrap.dedent(f"""\
            [build-system]
            requires = ["setuptools>=69"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{DIST_NAME}"
            version = "{VERSION}"
            description = "The learner side of the intro-DL course: self-checks from released data, plots, quiz helpers."
            requires-python = ">=3.11"
            dependencies = ["numpy>=1.26", "matplotlib>=3.8"]

            [tool.setuptools]
            packages = {json.dumps(packages)}
            """))
        package = project / "grader"
        package.mkdir()
        shutil.copy2(GRADER_DIR / "__init__.py", package / "__init__.py")
        shutil.copytree(GRADER_DIR / "learner", package / "learner", ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out_dir),
             str(project)],
            check=True,
        )
    wheels = sorted(out_dir.glob(f"{DIST_NAME.replace('-', '_')}-{VERSION}-*.whl"))
    if not wheels:
        raise RuntimeError(f"pip wheel wrote no {DIST_NAME} wheel into {out_dir}")
    return wheels[-1]


def write_requirements(out_dir: Path, wheel: Path) -> Path:
    path = out_dir / "requirements-learner.txt"
    path.write_text("# A learner's environment: pip install -r requirements-learner.txt\n"
                    + "\n".join([str(wheel.resolve()), *REQUIREMENTS]) + "\n")
    return path


def create(env_dir: Path, python: str = sys.executable) -> Path:
    """A virtual environment at ``env_dir`` holding only what learners get; returns its python."""
    env_dir = env_dir.resolve()
    subprocess.run([python, "-m", "venv", "--clear", str(env_dir)], check=True)
    dist = env_dir / "dist"
    requirements = write_requirements(dist, build_wheel(dist))
    env_python = env_dir / "bin" / "python"
    subprocess.run([str(env_python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(env_python), "-m", "pip", "install", "--quiet", "-r", str(requirements)], check=True)
    # JupyterLab's defaults for this environment: no pop-up asking to fetch news from the internet.
    settings = env_dir / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(
        '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}\n')
    return env_python


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="learner-env", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path, help="where to create the environment")
    parser.add_argument("--wheel-only", action="store_true", help="only build the wheel and requirements file into DIR")
    args = parser.parse_args(argv)
    if args.wheel_only:
        wheel = build_wheel(args.dir)
        print(f"{wheel}\n{write_requirements(args.dir, wheel)}")
        return 0
    env_python = create(args.dir)
    print(f"Learner environment ready: {args.dir}\n"
          f"  start JupyterLab: {env_python.parent / 'jupyter'} lab   (from the folder of a released assignment)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
