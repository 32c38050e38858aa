from pathlib import Path

from app.storage.settings import Settings, SettingsStore, data_dir


def test_data_dir_is_api_explorer_home_and_is_created(explorer_home: Path) -> None:
    assert not explorer_home.exists()
    assert data_dir() == explorer_home
    assert explorer_home.is_dir()


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings(timeout_seconds=12.5, base_url="https://wallet.paysera.com/rest/v1/"))
    assert store.load() == Settings(12.5, "https://wallet.paysera.com/rest/v1/")
    assert store.problem is None


def test_missing_file_gives_defaults_without_complaint(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert store.problem is None


def test_corrupt_file_is_reported_and_left_intact(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert store.problem is not None and "settings.json" in store.problem
    assert path.read_text(encoding="utf-8") == "{not json"


def test_wrong_types_fall_back_per_field(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"timeout_seconds": "x", "base_url": "https://h"}')
    store = SettingsStore(tmp_path)
    assert store.load() == Settings(30.0, "https://h")
    assert store.problem is not None and "timeout_seconds" in store.problem


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
