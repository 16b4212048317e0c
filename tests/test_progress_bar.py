"""A fit without a progress bar imports no notebook widgets.

Under IPython 7 (Colab's version), importing ipywidgets raises an ``ImportWarning``, which
is an error where warnings are errors. The tests run a fit in a fresh interpreter with a
stand-in ``ipywidgets`` first on the path: it records that it was imported, warns as IPython
7 does, and then fails as a missing package would."""

import os
import subprocess
import sys

STAND_IN = '''\
import os
import warnings

with open(os.environ["IPYWIDGETS_IMPORTED"], "a") as marker:
    marker.write("imported\\n")
warnings.warn("stand-in for ipywidgets under IPython 7", ImportWarning)
raise ImportError("stand-in for ipywidgets: not installed")
'''

FIT = '''\
import sys
import numpy as np
from coursepkg.models.mlp import MLPClassifier

X = np.random.default_rng(0).normal(size=(40, 3))
y = (X[:, 0] > 0).astype(int)
MLPClassifier((4,), epochs=3, progress={progress}, random_state=0).fit(X, y)
print(" ".join(sorted(m for m in sys.modules
                      if m.split(".")[0] == "ipywidgets" or m in ("tqdm.auto", "tqdm.notebook"))))
'''


def fit_in_a_fresh_interpreter(tmp_path, progress, *options):
    (tmp_path / "ipywidgets").mkdir(exist_ok=True)
    (tmp_path / "ipywidgets" / "__init__.py").write_text(STAND_IN)
    marker = tmp_path / "imported.txt"
    marker.unlink(missing_ok=True)
    path = [str(tmp_path), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = dict(os.environ, IPYWIDGETS_IMPORTED=str(marker), PYTHONPATH=os.pathsep.join(path))
    result = subprocess.run([sys.executable, *options, "-c", FIT.format(progress=progress)],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    return result, marker.exists()


def test_a_fit_without_a_bar_imports_no_widgets_even_when_warnings_are_errors(tmp_path):
    result, imported = fit_in_a_fresh_interpreter(tmp_path, False, "-W", "error")
    assert result.returncode == 0, result.stderr
    assert not imported, "the fit imported ipywidgets"
    assert result.stdout.strip() == "", f"the fit imported {result.stdout.strip()}"


def test_a_fit_with_a_bar_looks_for_widgets_and_falls_back_to_text(tmp_path):
    """The stand-in is on the path and seen: asking for a bar imports it."""
    result, imported = fit_in_a_fresh_interpreter(tmp_path, True)
    assert result.returncode == 0, result.stderr
    assert imported
    assert "MLPClassifier" in result.stderr  # the text bar, on stderr
    assert result.stdout.strip() == ""  # the stand-in failed to import
