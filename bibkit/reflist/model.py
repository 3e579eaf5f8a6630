"""The CRF that labels the words of a reference, shipped as package data.

Trained by ``scripts/train_reflist.py`` (python-crfsuite); ``reflist.json`` beside the model
records the seed, the data and model hashes and the training time.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from typing import Optional

from bibkit.reflist.features import sequence_features
from bibkit.reflist.tokens import attach_punctuation

MODEL_FILE = "reflist.crfsuite"
_local = threading.local()
_DEFAULT = ""


@lru_cache(maxsize=1)
def model_path() -> str:
    """Path of the model file inside the installed package."""
    return str(resources.files("bibkit.reflist").joinpath(MODEL_FILE))


def _tagger(path: Optional[str] = None):
    import pycrfsuite
    key = path or _DEFAULT
    cache = getattr(_local, "taggers", None)
    if cache is None:
        cache = _local.taggers = {}
    t = cache.get(key)
    if t is None:
        t = pycrfsuite.Tagger()
        t.open(model_path() if key == _DEFAULT else key)
        cache[key] = t
    return t


@lru_cache(maxsize=8)
def feature_version(path: Optional[str] = None) -> int:
    """The feature set the model was trained with (``features`` in the JSON beside it)."""
    import json
    from pathlib import Path
    meta = Path(path or model_path()).with_suffix(".json")
    try:
        return int(json.loads(meta.read_text(encoding="utf-8")).get("features", 1))
    except (OSError, ValueError):
        return 1


def label_words(words: list[str], path: Optional[str] = None) -> tuple[list[str], list[float]]:
    """A label and its marginal probability for each word."""
    if not words:
        return [], []
    t = _tagger(path)
    t.set(sequence_features(words, feature_version(path)))
    labels = attach_punctuation(words, t.tag())
    probs = [t.marginal(lab, i) for i, lab in enumerate(labels)]
    return labels, probs
