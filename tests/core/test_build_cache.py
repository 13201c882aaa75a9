"""The cache store in `.cache/kb/`: entries are trusted only when they are whole and kb's own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kb.build_cache import (
    MAGIC,
    CacheError,
    CacheStore,
    cache_disabled_by_env,
    cache_root,
    cache_secret,
    code_fingerprint,
    digest_of,
)

KEY = digest_of("an article", b"its bytes")
VALUE = {"content": "<p>本文</p>", "toc": [], "clean": True}


def entry_path(store: CacheStore, key: str = KEY) -> Path:
    return store.folder / key[:2] / key[2:]


def test_a_value_comes_back_from_another_store_over_the_same_folder(tmp_path: Path) -> None:
    CacheStore(tmp_path, "render").put(KEY, VALUE)
    store = CacheStore(tmp_path, "render")
    assert store.get(KEY) == VALUE
    assert (store.hits, store.misses) == (1, 0)
    assert store.get(digest_of("another article")) is None
    assert store.misses == 1


def test_background_writes_are_on_disk_after_flush(tmp_path: Path) -> None:
    store = CacheStore(tmp_path, "render", background=True)
    keys = [digest_of("article", str(n)) for n in range(50)]
    for n, key in enumerate(keys):
        store.put(key, {"n": n})
    store.flush()
    assert store.writes == 50
    fresh = CacheStore(tmp_path, "render")
    assert [fresh.get(key) for key in keys] == [{"n": n} for n in range(50)]
    # prune waits for what is still being written: nothing used is removed.
    store.put(KEY, VALUE)
    assert store.prune() == 0
    assert CacheStore(tmp_path, "render").get(KEY) == VALUE


def test_keys_depend_on_every_part_and_on_where_parts_end() -> None:
    assert digest_of("ab", "c") != digest_of("a", "bc")
    assert digest_of({"b": 1, "a": 2}) == digest_of({"a": 2, "b": 1})
    assert digest_of("x") != digest_of(b"y")
    with pytest.raises(ValueError, match="not a cache key"):
        CacheStore(Path("."), "render").get("../../etc/passwd")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) - 5], id="truncated"),
        pytest.param(lambda data: data[: len(MAGIC) + 3], id="truncated-header"),
        pytest.param(lambda data: data.replace("本文".encode(), "偽文".encode()), id="corrupt"),
        pytest.param(lambda data: b"garbage", id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: MAGIC + b"{not json\n{}", id="bad-header"),
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_overwritten(tmp_path: Path, damage: object) -> None:
    store = CacheStore(tmp_path, "render")
    store.put(KEY, VALUE)
    path = entry_path(store)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert store.get(KEY) is None
    store.put(KEY, VALUE)
    assert CacheStore(tmp_path, "render").get(KEY) == VALUE


def test_an_entry_whose_payload_is_not_json_is_a_miss(tmp_path: Path) -> None:
    store = CacheStore(tmp_path, "render")
    store.put(KEY, VALUE)
    path = entry_path(store)
    payload = b"\x80not json"
    header = {
        "namespace": "render",
        "fingerprint": store.fingerprint,
        "key": KEY,
        "size": len(payload),
        "mac": store.seal(KEY, payload),
    }
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + payload)
    assert store.get(KEY) is None


def test_a_foreign_entry_is_never_trusted(tmp_path: Path) -> None:
    """An entry of another kb, another namespace or another key, even whole, is a miss."""
    mine = CacheStore(tmp_path, "render", fingerprint="aaaa")
    other_kb = CacheStore(tmp_path, "render", fingerprint="bbbb")
    other_kb.put(KEY, {"content": "<script>alert(1)</script>"})
    # Another kb's folder is not even read; its entry copied into ours is refused too.
    assert mine.get(KEY) is None
    entry_path(mine).parent.mkdir(parents=True)
    entry_path(mine).write_bytes(entry_path(other_kb).read_bytes())
    assert mine.get(KEY) is None
    check = CacheStore(tmp_path, "check", fingerprint="aaaa")
    check.put(KEY, {"findings": []})
    entry_path(mine).write_bytes(entry_path(check).read_bytes())
    assert mine.get(KEY) is None
    other_key = digest_of("another article")
    mine.put(other_key, VALUE)
    entry_path(mine).write_bytes(entry_path(mine, other_key).read_bytes())
    assert mine.get(KEY) is None


def test_an_entry_this_machine_did_not_write_is_never_trusted(tmp_path: Path) -> None:
    """A cache committed in a pull request (or copied from another machine): whole, of this kb,
    in the right place, but sealed with another secret: a miss, then overwritten."""
    planted = CacheStore(tmp_path, "render", secret=b"p" * 32)
    planted.put(KEY, {"content": "<script>alert(1)</script>", "clean": True})
    mine = CacheStore(tmp_path, "render")
    assert mine.folder == planted.folder
    assert mine.get(KEY) is None
    mine.put(KEY, VALUE)
    assert CacheStore(tmp_path, "render").get(KEY) == VALUE
    assert planted.get(KEY) is None


def test_the_secret_is_made_once_private_and_outside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = tmp_path / "machine" / "kb" / "cache-secret"
    first = cache_secret(secret_file)
    assert len(first) == 32
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert secret_file.read_bytes() == first
    # A secret that would be in the project (a checkout at $HOME): the cache is off.
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / ".cache"))
    with pytest.raises(CacheError, match="inside the project"):
        cache_root(project)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine"))
    assert cache_root(project) == project / ".cache" / "kb"
    damaged = tmp_path / "other" / "cache-secret"
    damaged.parent.mkdir()
    damaged.write_bytes(b"short")
    with pytest.raises(CacheError, match="not a kb cache secret"):
        cache_secret(damaged)


def test_kb_code_and_cache_format_are_part_of_the_folder(tmp_path: Path) -> None:
    store = CacheStore(tmp_path, "render")
    assert store.fingerprint == code_fingerprint()
    assert store.folder.name == f"render-{code_fingerprint()}"


def test_prune_keeps_what_the_run_used_and_drops_other_versions(tmp_path: Path) -> None:
    old = CacheStore(tmp_path, "render", fingerprint="0ld0")
    old.put(KEY, VALUE)
    first = CacheStore(tmp_path, "render")
    kept, dropped = digest_of("kept"), digest_of("dropped")
    first.put(kept, VALUE)
    first.put(dropped, VALUE)
    other_namespace = CacheStore(tmp_path, "check")
    other_namespace.put(KEY, VALUE)
    second = CacheStore(tmp_path, "render")
    assert second.get(kept) == VALUE
    (entry_path(second).parent).mkdir(parents=True, exist_ok=True)
    (entry_path(second).parent / ".leftover.tmp").write_bytes(b"half")
    assert second.prune() == 2
    assert CacheStore(tmp_path, "render").get(kept) == VALUE
    assert CacheStore(tmp_path, "render").get(dropped) is None
    assert not old.folder.exists()
    assert CacheStore(tmp_path, "check").get(KEY) == VALUE


def test_an_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "kb").write_text("a file where the folder would be")
    store = CacheStore(tmp_path / "kb", "render")
    store.put(KEY, VALUE)
    assert store.get(KEY) is None
    assert store.prune() == 0


def test_the_environment_turns_the_cache_off() -> None:
    assert cache_disabled_by_env({"KB_NO_CACHE": "1"})
    assert cache_disabled_by_env({"KB_NO_CACHE": "yes"})
    assert not cache_disabled_by_env({"KB_NO_CACHE": "0"})
    assert not cache_disabled_by_env({"KB_NO_CACHE": ""})
    assert not cache_disabled_by_env({})


def test_the_cache_is_never_written_through_a_symlink_out_of_the_project(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    assert cache_root(project) == project / ".cache" / "kb"
    os.symlink(outside, project / ".cache")
    with pytest.raises(CacheError, match="outside the project"):
        cache_root(project)
