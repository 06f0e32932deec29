"""Embedding cache: LRU in memory, atomic files beside the project, thread-safe encode-once."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from inference.segmentation import ImageEmbedding
from labeler.core.embedding_cache import EmbeddingCache, project_cache_dir

MODEL = "m" * 64


def _embedding(seed: int, model: str = MODEL) -> ImageEmbedding:
    rng = np.random.default_rng(seed)
    return ImageEmbedding(
        arrays={"image_embeddings": rng.normal(size=(1, 8, 4, 4)).astype(np.float32)},
        original_hw=(30 + seed, 40),
        model_sha256=model,
        layout="sam",
        encode_ms=12.5,
    )


def test_lru_keeps_the_last_three_in_memory():
    cache = EmbeddingCache(None)
    for n in range(4):
        cache.put(f"img{n}", _embedding(n))
    assert not cache.in_memory("img0", MODEL)
    assert all(cache.in_memory(f"img{n}", MODEL) for n in (1, 2, 3))
    assert cache.get("img1", MODEL) is not None  # now the most recent
    cache.put("img4", _embedding(4))
    assert cache.in_memory("img1", MODEL) and not cache.in_memory("img2", MODEL)
    assert cache.get("img0", MODEL) is None


def test_disk_cache_beside_the_project_survives_a_new_cache(tmp_path):
    project = tmp_path / "demo.labeler"
    folder = project_cache_dir(project)
    assert folder == tmp_path / "demo.cache" / "embeddings"
    first = EmbeddingCache.for_project(project)
    first.put("abc", _embedding(1))
    path = first.path_for("abc", MODEL)
    assert path is not None and path.is_file() and path.is_relative_to(folder)
    assert not list(path.parent.glob(".labeler-tmp-*"))
    second = EmbeddingCache.for_project(project)
    loaded = second.get("abc", MODEL)
    assert loaded is not None and loaded.same_arrays(_embedding(1).arrays)
    assert loaded.original_hw == (31, 40)
    assert second.stats.disk_hits == 1
    assert second.get("abc", "other" * 13) is None  # another model misses


def test_truncated_file_is_encoded_again(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put("abc", _embedding(1))
    path = cache.path_for("abc", MODEL)
    path.write_bytes(path.read_bytes()[:50])
    fresh = EmbeddingCache(tmp_path)
    _embedding_found, source = fresh.get_or_encode("abc", MODEL, lambda: _embedding(1))
    assert source == "encoded" and fresh.stats.disk_errors == 1
    assert EmbeddingCache(tmp_path).get("abc", MODEL) is not None


def test_get_or_encode_reports_the_source(tmp_path):
    cache = EmbeddingCache(tmp_path)
    calls = []

    def encode() -> ImageEmbedding:
        calls.append(1)
        return _embedding(2)

    assert cache.get_or_encode("x", MODEL, encode)[1] == "encoded"
    assert cache.get_or_encode("x", MODEL, encode)[1] == "memory"
    cache.forget_memory()
    assert cache.get_or_encode("x", MODEL, encode)[1] == "disk"
    assert len(calls) == 1


def test_wrong_model_from_encoder_is_refused():
    with pytest.raises(ValueError, match="another model"):
        EmbeddingCache(None).get_or_encode("x", MODEL, lambda: _embedding(1, "z" * 64))


def test_threads_asking_for_one_image_encode_it_once(tmp_path):
    cache = EmbeddingCache(tmp_path)
    calls = []

    def slow_encode() -> ImageEmbedding:
        calls.append(threading.get_ident())
        time.sleep(0.2)
        return _embedding(3)

    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(cache.get_or_encode("y", MODEL, slow_encode))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert sorted(source for _e, source in results) == ["encoded", "memory", "memory", "memory"]


def test_memory_only_cache_with_zero_entries_keeps_nothing():
    cache = EmbeddingCache(None, memory_entries=0)
    cache.put("a", _embedding(1))
    assert cache.get("a", MODEL) is None
