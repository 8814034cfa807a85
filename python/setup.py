"""Build hook: records the checkout the package was installed from, so an installed swifttok finds
that checkout's .build/release/libswifttok.so; with SWIFTTOK_BUNDLE_LIBRARY=<path to the .so> the
library is copied into the package instead."""

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPy(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "swifttok"
        target.mkdir(parents=True, exist_ok=True)
        repo = HERE.parent
        root = str(repo) if (repo / "Package.swift").is_file() and (repo / "include" / "swifttok.h").is_file() else None
        (target / "_build_config.py").write_text(
            '"""Written at install time by setup.py."""\n\n'
            f"# The swifttok checkout this package was installed from (None: unknown).\nREPO_ROOT = {root!r}\n")
        bundle = os.environ.get("SWIFTTOK_BUNDLE_LIBRARY")
        if bundle:
            # Always under the name the package loads (the self-contained build is
            # .build-static/release/libswifttok-static.so).
            shutil.copy2(bundle, target / ("libswifttok.dylib" if bundle.endswith(".dylib") else "libswifttok.so"))


setup(cmdclass={"build_py": BuildPy})
