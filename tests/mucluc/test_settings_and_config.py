"""Settings are declared once and documented; configuration mistakes are named precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mucluc.cli.harvest import all_jobs, select_jobs
from mucluc.core import settings
from mucluc.core.config import load_config, parse_config
from mucluc.core.errors import ConfigError
from mucluc.core.settings import SETTINGS

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
REPO_CONFIG = REPO / "mucluc.toml"


def readme_settings() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^\| `(MUCLUC_[A-Z0-9_]+)` \| (.*?) \| (.*?) \|$", README.read_text(), re.M)
    return {name: (default, meaning) for name, default, meaning in rows}


def test_readme_lists_every_setting_with_its_default_and_help() -> None:
    documented = readme_settings()
    assert set(documented) == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        default, meaning = documented[setting.name]
        assert default == (f"`{setting.default}`" if setting.default else "(empty)")
        assert meaning == setting.help


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_default_parses(setting: settings.Setting, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(setting.name, raising=False)
    setting.value()


def test_no_module_reads_mucluc_variables_but_settings() -> None:
    """The environment is read in one place; other modules call the typed accessors."""
    readers = []
    for package in ("analyzers", "harvesters", "indexer", "searchapi", "mucluc"):
        for module in (REPO / package).rglob("*.py"):
            text = module.read_text(encoding="utf-8")
            if re.search(r"environ(\.get)?\s*[\[(]\s*[\"']MUCLUC_", text):
                readers.append(str(module.relative_to(REPO)))
    assert readers == []


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("MUCLUC_RATE_LIMIT", "10,40", (10.0, 40.0)),
        ("MUCLUC_RATE_LIMIT", " 2.5 , 5 ", (2.5, 5.0)),
        ("MUCLUC_CORS_ORIGINS", "https://a.vn/, https://b.vn", ("https://a.vn", "https://b.vn")),
        ("MUCLUC_CORS_ORIGINS", "*", ("*",)),
        ("MUCLUC_CORS_ORIGINS", "", ()),
        ("MUCLUC_OPENSEARCH_URL", "http://127.0.0.1:9200/", ("http://127.0.0.1:9200",)),
        ("MUCLUC_OPENSEARCH_URL", "http://a:9200,https://b:9200", ("http://a:9200", "https://b:9200")),
        ("MUCLUC_INDEX_PREFIX", "mucluc-test_1", "mucluc-test_1"),
        ("MUCLUC_OPENSEARCH_HEAP", "1g", "1g"),
        ("MUCLUC_JAVA_HOME", "", None),
        ("MUCLUC_JAVA_HOME", "/usr/lib/jvm/jdk-21", Path("/usr/lib/jvm/jdk-21")),
        ("MUCLUC_CONFIG", "~/m.toml", Path("~/m.toml").expanduser()),
    ],
    ids=lambda value: str(value) if isinstance(value, str) else None,
)
def test_setting_values(
    name: str, raw: str, expected: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, raw)
    assert settings.value(name) == expected


@pytest.mark.parametrize(
    ("name", "raw", "accessor"),
    [
        ("MUCLUC_RATE_LIMIT", "10", settings.rate_limit),
        ("MUCLUC_RATE_LIMIT", "0,40", settings.rate_limit),
        ("MUCLUC_RATE_LIMIT", "10,0.5", settings.rate_limit),
        ("MUCLUC_RATE_LIMIT", "nan,40", settings.rate_limit),
        ("MUCLUC_CORS_ORIGINS", "thuvien.vn", settings.cors_origins),
        ("MUCLUC_OPENSEARCH_URL", "127.0.0.1:9200", settings.opensearch_urls),
        ("MUCLUC_INDEX_PREFIX", "Mucluc", settings.index_prefix),
        ("MUCLUC_INDEX_PREFIX", "-x", settings.index_prefix),
        ("MUCLUC_OPENSEARCH_HEAP", "512", settings.opensearch_heap),
        ("MUCLUC_OPENSEARCH_HEAP", "1 g", settings.opensearch_heap),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_setting_is_a_config_error_naming_the_variable(
    name: str, raw: str, accessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError, match=f"^{name}="):
        accessor()
    with pytest.raises(ConfigError, match=f"^{name}="):
        settings.get(name)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
@given(raw=st.text(max_size=40))
def test_every_parser_returns_a_value_or_a_config_error(
    setting: settings.Setting, raw: str
) -> None:
    """Whatever text is in the environment, the answer is a value or a ConfigError naming the
    variable: never another exception."""
    try:
        setting.parse(setting.name, raw.strip())
    except ConfigError as error:
        assert error.message.startswith(f"{setting.name}=")


@given(
    rate=st.floats(min_value=0.001, max_value=1e6),
    burst=st.floats(min_value=1, max_value=1e6),
)
def test_rate_limit_round_trip(rate: float, burst: float) -> None:
    assert settings.as_rate_and_burst("MUCLUC_RATE_LIMIT", f"{rate!r},{burst!r}") == (rate, burst)


def test_root_defaults_apply_only_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "running_as_root", lambda: True)
    monkeypatch.delenv("MUCLUC_HOME", raising=False)
    assert settings.home() == Path("/var/lib/mucluc")
    monkeypatch.setenv("MUCLUC_HOME", "/srv/mucluc")
    assert settings.home() == Path("/srv/mucluc")


def test_repository_configuration_loads() -> None:
    config = load_config(REPO_CONFIG)
    assert config.library("DBI").kind == "provincial"
    assert {lib.kind for lib in config.libraries.values()} == {"provincial", "district", "school"}


def test_unknown_library_names_the_known_codes() -> None:
    config = load_config(REPO_CONFIG)
    with pytest.raises(ConfigError, match="known: DBD, DBI"):
        config.library("XYZ")


DBI = '[[library]]\ncode = "DBI"\nname = "Thư viện tỉnh"\nkind = "provincial"\n'


def tgi(*source_tables: str, extra: str = "") -> str:
    """DBI, then TGI (line 6 on) with ``extra`` lines and the given [[library.sources]] bodies."""
    text = DBI + '\n[[library]]\ncode = "TGI"\nname = "Tuần Giáo"\nkind = "district"\n' + extra
    for table in source_tables:
        text += "\n  [[library.sources]]\n" + table
    return text


OAI = 'protocol = "oai-pmh"\nurl = "https://opac.vn/oai"\n'


# Each case: the TOML text, then the line, key and words the error must give.
CASES = [
    ("", None, "library", "declares no libraries"),
    ('[[libary]]\ncode = "A"\n', None, "library", "declares no libraries"),
    (DBI + '\n[[libary]]\ncode = "A"\n', None, "libary", "unknown table"),
    ('[[library]]\nname = "A"\nkind = "school"\n', 1, "code", "missing"),
    ('[[library]]\ncode = "A"\nkind = "school"\n', 1, "name", "missing"),
    (DBI.replace("provincial", "national"), 4, "kind", "'national' is not one of"),
    ('[[library]]\ncode = "A"\nname = "A"\n', 1, "kind", "'' is not one of"),
    (DBI + "\n" + DBI, 7, "code", "declared twice"),
    (tgi(extra='parent = "XYZ"\n'), 10, "parent", "unknown parent 'XYZ'"),
    (tgi(extra="code_name = 1\n"), 10, "code_name", "unknown key"),
    (tgi(extra="name2 = 1\n"), 10, "name2", "unknown key"),
    (tgi(extra='record_url = "https://opac.vn/x"\n'), 10, "record_url", "with {record_id}"),
    (tgi(extra='record_url = "opac.vn/{record_id}"\n'), 10, "record_url", "http(s) URL"),
    (tgi(extra="record_url = 3\n"), 10, "record_url", "3 is not a string"),
    (DBI.replace('"DBI"', "7"), 2, "code", "7 is not a string"),
    (tgi('protocol = "z39.50"\nurl = "http://x"\n'), 12, "protocol", "'z39.50' is not one of"),
    (tgi('url = "http://x"\n'), 11, "protocol", "'' is not one of"),
    (tgi('protocol = "oai-pmh"\n'), 11, "url", "oai-pmh needs `url`"),
    (tgi('protocol = "files"\n'), 11, "path", "files needs `path`"),
    (tgi('protocol = "sru"\nurl = "http://z:210/db"\nqeury = "a"\n'), 14, "qeury", "unknown key"),
    (tgi('protocol = "sru"\nurl = "z3950.vn:210"\n'), 13, "url", "not an http"),
    (tgi('protocol = "sru"\nurl = "http://z/db"\npage_size = 0\n'), 14, "page_size", "positive"),
    (tgi('protocol = "sru"\nurl = "http://z/db"\npage_size = "9"\n'), 14, "page_size", "positive"),
    (tgi(OAI + "pages_per_batch = 0\n"), 14, "pages_per_batch", "positive"),
    (tgi('protocol = "files"\npath = "in"\nformat = "pdf"\n'), 14, "format", "'pdf' is not one"),
    (tgi(OAI + "from = 2025-01-01\n"), 14, "from", "is not a string"),
    (tgi(OAI + "username = 7\n"), 14, "username", "7 is not a string"),
    (tgi(OAI + 'name = "a"\n', OAI + 'name = "a"\n'), 19, "name", "already used by library TGI"),
    (tgi(OAI, OAI + 'name = "TGI-oai-pmh-1"\n'), 18, "name", "already used by library TGI"),
    (
        tgi(OAI + 'name = "shared"\n')
        + '\n[[library]]\ncode = "MCH"\nname = "Mường Chà"\nkind = "district"\n'
        + "\n  [[library.sources]]\n" + OAI + 'name = "shared"\n',
        24, "name", "already used by library TGI",
    ),
    ('library = [{code = "A", name = "A", kind = "x"}]\n', None, "kind", "'x' is not one of"),
]


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    CASES,
    ids=[f"{key}-{words.split()[0]}-{n}" for n, (_, _, key, words) in enumerate(CASES)],
)
def test_configuration_mistakes_name_file_line_and_key(
    tmp_path: Path, text: str, line: int | None, key: str, words: str
) -> None:
    path = tmp_path / "mucluc.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert (error.path, error.line, error.key) == (path, line, key)
    place = f"{path}:{line}: " if line else f"{path}: "
    assert error.message.startswith(place)
    assert f"key `{key}`" in error.message
    assert words in error.message


def test_not_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mucluc.toml"
    path.write_text(DBI + "kind = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{re.escape(str(path))} is not valid TOML.*line 5"):
        load_config(path)


def test_valid_sources_become_jobs(tmp_path: Path) -> None:
    text = tgi(OAI + 'set = "sach"\nfrom = "2025-01-01"\n',
               'protocol = "sru"\nurl = "http://z:210/db"\npage_size = 20\n',
               'protocol = "files"\npath = "inbox/TGI"\nformat = "csv"\nname = "tgi-inbox"\n')
    path = tmp_path / "mucluc.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert [job.name for job in all_jobs(config)] == ["TGI-oai-pmh-1", "TGI-sru-2", "tgi-inbox"]
    assert [job.name for job in select_jobs(config, ["tgi-inbox"])] == ["tgi-inbox"]
    with pytest.raises(ConfigError, match="unknown library code 'XYZ'"):
        select_jobs(config, ["XYZ"])


def test_record_url_links_each_record(tmp_path: Path) -> None:
    template = "https://opac.vn/cgi-bin/koha/opac-detail.pl?biblionumber={record_id}"
    path = tmp_path / "mucluc.toml"
    path.write_text(tgi(extra=f'record_url = "{template}"\n'), encoding="utf-8")
    config = load_config(path)
    assert config.library("TGI").record_link("MC/77 x") == template.replace(
        "{record_id}", "MC%2F77%20x"
    )
    assert config.library("DBI").record_link("1") == ""


def test_parse_config_without_text_still_names_the_key() -> None:
    raw = {"library": [{"code": "A", "name": "A", "kind": "school", "parent": "Z"}]}
    with pytest.raises(ConfigError, match=r"^mucluc.toml: library A, key `parent`: unknown"):
        parse_config(raw, Path("mucluc.toml"))


def test_file_formats_agree_with_the_reader() -> None:
    from harvesters.files import FORMATS
    from mucluc.core.config import FILE_FORMATS

    assert FILE_FORMATS == FORMATS


def test_a_nul_in_a_path_is_a_config_error() -> None:
    # Found by the property test above: os.path refuses it with a ValueError.
    with pytest.raises(ConfigError, match=r"^MUCLUC_HOME="):
        settings.as_path("MUCLUC_HOME", "~\x00")
