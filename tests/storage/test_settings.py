import os
import random
import stat
from dataclasses import asdict
from pathlib import Path

import pytest

from app.storage.settings import (
    HISTORY_MAX_ENTRIES,
    HISTORY_MAX_MB,
    RECENT_COLLECTIONS_KEPT,
    RESPONSE_MAX_MB,
    TIMEOUT_SECONDS,
    Settings,
    SettingsStore,
    data_dir,
)
from tests.storage.arbitrary_json import damaged_text, json_value, mutated


def test_data_dir_is_api_explorer_home_and_is_created(explorer_home: Path) -> None:
    assert not explorer_home.exists()
    assert data_dir() == explorer_home
    assert explorer_home.is_dir()


def test_data_dir_is_readable_only_by_the_user(explorer_home: Path) -> None:
    mask = os.umask(0o022)
    try:
        assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700
    finally:
        os.umask(mask)
    explorer_home.chmod(0o755)  # made by an older version, or by hand
    assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings(timeout_seconds=12.5, base_url="https://wallet.paysera.com/rest/v1/"))
    assert store.load() == Settings(12.5, "https://wallet.paysera.com/rest/v1/")
    assert store.problem is None


def test_missing_file_gives_defaults_without_complaint(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert store.problem is None


def kept_aside(folder: Path) -> Path:
    [kept] = folder.glob("settings.json.damaged-*")
    return kept


def test_corrupt_file_is_reported_and_set_aside_intact(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    kept = kept_aside(tmp_path)
    assert store.problem is not None and "settings.json" in store.problem
    assert str(kept) in store.problem
    assert kept.read_text(encoding="utf-8") == "{not json"
    assert not path.exists()
    store.save(Settings())  # closing the app writes a new file; the damaged one stays
    assert store.load() == Settings() and store.problem is None
    assert kept_aside(tmp_path).read_text(encoding="utf-8") == "{not json"


def test_wrong_types_fall_back_per_field(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"timeout_seconds": "x", "base_url": "https://h"}')
    store = SettingsStore(tmp_path)
    assert store.load() == Settings(30.0, "https://h")
    assert store.problem is not None and "timeout_seconds" in store.problem
    assert "timeout_seconds" in kept_aside(tmp_path).read_text()


def test_a_huge_history_size_is_bounded_to_what_the_window_offers(tmp_path: Path) -> None:
    # 3,000,000,000 MB overflowed the history panel's spin box: no start got past it.
    (tmp_path / "settings.json").write_text('{"history_max_mb": 3000000000}')
    store = SettingsStore(tmp_path)
    settings = store.load()
    assert settings.history_max_mb == HISTORY_MAX_MB[1]
    assert store.problem is not None and "history_max_mb is more than 100000" in store.problem
    assert str(kept_aside(tmp_path)) in store.problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"history_max_entries": -5}', Settings(history_max_entries=1)),
        ('{"history_max_entries": 1e9}', Settings()),  # not an integer
        ('{"history_max_mb": true}', Settings()),
        ('{"response_max_mb": 0}', Settings(response_max_mb=1)),
        ('{"response_max_mb": 99999999999}', Settings(response_max_mb=4096)),
        ('{"response_max_mb": "big"}', Settings()),
        ('{"stream_above_mb": 0}', Settings(stream_above_mb=1)),
        ('{"stream_above_mb": 99999999999}', Settings(stream_above_mb=4096)),
        ('{"stream_above_mb": 2.5}', Settings()),
        ('{"timeout_seconds": 0}', Settings(timeout_seconds=0.5)),
        ('{"timeout_seconds": 1e400}', Settings(timeout_seconds=3600.0)),
        ('{"timeout_seconds": -1e400}', Settings(timeout_seconds=0.5)),
        ('{"timeout_seconds": ' + "9" * 400 + "}", Settings(timeout_seconds=3600.0)),
        ('{"base_url": "\\ud800"}', Settings()),
        (
            '{"recent_collections": ["/a", "", null, "/b"]}',
            Settings(recent_collections=("/a", "/b")),
        ),
    ],
)
def test_numbers_are_bounded_and_text_must_be_writable(
    tmp_path: Path, text: str, expected: Settings
) -> None:
    (tmp_path / "settings.json").write_text(text)
    store = SettingsStore(tmp_path)
    assert store.load() == expected
    assert store.problem is not None
    store.save(store.load())  # what was loaded can be written back


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # RecursionError stopped every start
        '{"a": ' * 100_000 + "1" + "}" * 100_000,
        '{"timeout_seconds": NaN}',
        '{"timeout_seconds": Infinity}',
        '{"history_max_entries": ' + "9" * 5000 + "}",  # past Python's digit limit
    ],
)
def test_a_file_json_cannot_read_gives_the_defaults(tmp_path: Path, text: str) -> None:
    (tmp_path / "settings.json").write_text(text)
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert store.problem is not None and "could not be read" in store.problem
    assert kept_aside(tmp_path).read_text() == text


def test_unknown_keys_are_kept_quiet(tmp_path: Path) -> None:
    # A newer version may have added a setting: that is no damage.
    (tmp_path / "settings.json").write_text('{"colour": "dark", "base_url": "https://h"}')
    store = SettingsStore(tmp_path)
    assert store.load() == Settings(base_url="https://h")
    assert store.problem is None
    assert (tmp_path / "settings.json").exists()


def test_two_damaged_files_in_one_second_are_both_kept(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    for text in ("{one", "{two"):
        store.path.write_text(text)
        store.load()
    kept = sorted(p.read_text() for p in tmp_path.glob("settings.json.damaged-*"))
    assert kept == ["{one", "{two"]


def _valid(settings: Settings) -> None:
    assert type(settings.timeout_seconds) is float
    assert TIMEOUT_SECONDS[0] <= settings.timeout_seconds <= TIMEOUT_SECONDS[1]
    assert type(settings.history_max_entries) is int
    assert HISTORY_MAX_ENTRIES[0] <= settings.history_max_entries <= HISTORY_MAX_ENTRIES[1]
    assert type(settings.history_max_mb) is int
    assert HISTORY_MAX_MB[0] <= settings.history_max_mb <= HISTORY_MAX_MB[1]
    assert type(settings.response_max_mb) is int
    assert RESPONSE_MAX_MB[0] <= settings.response_max_mb <= RESPONSE_MAX_MB[1]
    assert isinstance(settings.base_url, str)
    assert isinstance(settings.recent_collections, tuple)
    assert len(settings.recent_collections) <= RECENT_COLLECTIONS_KEPT
    assert all(isinstance(f, str) and f for f in settings.recent_collections)


@pytest.mark.parametrize("seed", range(8))
def test_any_json_reads_as_valid_settings_or_is_set_aside(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    valid = asdict(Settings(base_url="https://h", recent_collections=("/a", "/b")))
    for number in range(60):
        folder = tmp_path / str(number)
        folder.mkdir()
        document = mutated(rng, valid, rate=0.5) if rng.random() < 0.8 else json_value(rng)
        data = damaged_text(rng, document)
        (folder / "settings.json").write_bytes(data)
        store = SettingsStore(folder)
        case = f"seed {seed}, case {number}: {data[:200]!r}"
        settings = store.load()
        _valid(settings)
        if store.problem is None:
            assert (folder / "settings.json").read_bytes() == data, case
        else:
            assert not (folder / "settings.json").exists(), case
            assert kept_aside(folder).read_bytes() == data, case
        # What was loaded is written back as it is, and read back without complaint.
        store.save(settings)
        assert store.load() == settings, case
        assert store.problem is None, case


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    SettingsStore(tmp_path).save(Settings())
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_recent_collections_round_trip_most_recent_first(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    settings = Settings().with_recent("/a").with_recent("/b").with_recent("/a")
    assert settings.recent_collections == ("/a", "/b")
    store.save(settings)
    assert store.load().recent_collections == ("/a", "/b")


def test_recent_collections_of_the_wrong_type_fall_back(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"recent_collections": [1, 2]}')
    store = SettingsStore(tmp_path)
    assert store.load().recent_collections == ()
    assert store.problem is not None


def test_the_look_and_layout_round_trip_and_bad_values_get_defaults(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    chosen = Settings(
        theme="dark",
        window_geometry="01d9d0cb",
        window_state="000000ff",
        split_sizes=(300, 500),
        request_page=2,
    )
    store.save(chosen)
    assert store.load() == chosen and store.problem is None
    (tmp_path / "settings.json").write_text(
        '{"theme": "neon", "window_geometry": "not hex!", "split_sizes": [1, -5],'
        ' "request_page": 99}'
    )
    assert store.load() == Settings()
    assert store.problem is not None and "theme" in store.problem
