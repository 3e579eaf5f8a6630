"""Build hook: the checkout's top-level ``styles/`` ships inside the wheel as ``bibkit/styles/``.

``styles/`` stays beside the package, where styles are edited, documented and tested; an
installed bibkit has no checkout beside it, so the build copies the folder into the package
(``bibkit.csl.styles`` looks there first). Everything else about the build is in pyproject.toml.
"""
from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

STYLES = Path(__file__).resolve().parent / "styles"


class BuildPyWithStyles(build_py):
    """``build_py`` that also copies ``styles/`` to ``bibkit/styles/`` in the build."""

    def _style_files(self) -> list[tuple[Path, Path]]:
        if getattr(self, "editable_mode", False) or not STYLES.is_dir():
            return []  # an editable install reads the checkout's styles/ in place
        target = Path(self.build_lib, "bibkit", "styles")
        return [
            (src, target / src.relative_to(STYLES))
            for src in sorted(STYLES.rglob("*"))
            if src.is_file() and not src.name.startswith(".")
        ]

    def run(self) -> None:
        super().run()
        for src, dst in self._style_files():
            self.mkpath(str(dst.parent))
            self.copy_file(str(src), str(dst))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *(str(d) for _s, d in self._style_files())]


setup(cmdclass={"build_py": BuildPyWithStyles})
