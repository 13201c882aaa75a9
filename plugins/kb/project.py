"""The project: where the articles are, which languages, and how strict each rule is."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.findings import Rule, Severity
from kb.layout import LOCALE, Layout, guess_layout
from kb.options import ConfigError, MissingConfig, check_option_keys, read_site_settings
from kb.severity import SeverityError, parse_severities

DEFAULT_MAX_SENTENCE_LENGTH = 120
"""Default of `style.max_sentence_length`."""
DEFAULT_REVIEW_AGE_DAYS = 365
"""Default of `status.review_age_days`."""


class ProjectError(Exception):
    """The configuration cannot describe a project: the message says what and where."""


@dataclass(frozen=True)
class Project:
    """Everything the checks need to know about a help center, already validated."""

    root: Path
    """Working directory that reported paths are relative to."""
    docs_dir: Path
    """The MkDocs `docs_dir` (absolute)."""
    languages: tuple[str, ...]
    """Configured languages, the source language first."""
    source_language: str
    """The language articles are written in first (static-i18n's default language)."""
    layout: Layout = "folder"
    """static-i18n's `docs_structure`: `docs/<lang>/x.md` or `docs/x.<lang>.md`."""
    taxonomy_path: Path | None = None
    """The product taxonomy (`products.yml`), or None to skip the products rules."""
    glossary_path: Path | None = None
    """The terminology glossary (`glossary.yml`), or None to skip `glossary-term`."""
    severities: dict[Rule, Severity] = field(default_factory=dict)
    """Effective severity of every rule."""
    link_rewrites: tuple[tuple[str, str], ...] = ()
    """External URL prefixes a translation rewrites: (source prefix, translation prefix)."""
    translation_only_links: tuple[str, ...] = ()
    """URL prefixes a translation may link to although the source article does not."""
    embed_allowlist: tuple[str, ...] = ()
    """URL prefixes allowed in `<iframe>`, `<object>` and `<embed>`."""
    fallback: bool = True
    """static-i18n's `fallback_to_default`: serve a missing translation in the source language."""
    config_file: Path | None = None
    """The `mkdocs.yml` the project was read from, if any."""
    max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH
    """`long-sentence` reports sentences longer than this many characters."""
    review_age_days: int = DEFAULT_REVIEW_AGE_DAYS
    """`kb status` lists articles whose `last_reviewed` is older than this many days."""
    redirects: tuple[tuple[str, str], ...] = ()
    """`redirects` of the kb options: (old language-relative path, new one), `.md` paths."""
    repository: Path | None = None
    """The folder no symlink may lead out of and no write may land outside (resolved): the
    folder of `mkdocs.yml` (or the working directory), or `docs_dir` itself when the
    configuration puts it elsewhere. None: `root`."""

    @property
    def boundary(self) -> Path:
        """The repository folder (see `repository`)."""
        return self.repository or self.root

    @property
    def translation_languages(self) -> tuple[str, ...]:
        """Every language but the source language."""
        return tuple(lang for lang in self.languages if lang != self.source_language)

    def severity(self, rule: Rule) -> Severity:
        """Effective severity of `rule`."""
        return self.severities.get(rule, rule.info.default)

    def display_path(self, path: Path) -> str:
        """`path` as findings report it: POSIX, relative to `root` when possible."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            import os

            return Path(os.path.relpath(path, self.root)).as_posix()


def project_from_options(
    *,
    root: Path,
    docs_dir: Path,
    languages: Sequence[str] | None,
    layout: str = "folder",
    options: Mapping[str, Any] | None = None,
    default_language: str | None = None,
    config_dir: Path | None = None,
    fallback: bool = True,
    config_file: Path | None = None,
    default_taxonomy: bool = True,
    default_glossary: bool = True,
) -> Project:
    """Validate kb's options and the i18n languages into a `Project`.

    The MkDocs plugin calls this with its parsed options; `load_project` calls it after reading
    `mkdocs.yml`, so both go through one validation.

    Args:
        root: Directory findings are reported relative to.
        docs_dir: The documentation directory (relative paths are taken from `root`).
        languages: Language codes, the source language first unless `default_language` says.
        layout: static-i18n's `docs_structure`, `folder` or `suffix`.
        options: The `kb` plugin options: `taxonomy`, `glossary`, `severity`, `parity`,
            `content`, `style`, `status`.
        default_language: The source language, if not the first of `languages`.
        config_dir: Directory relative option paths start from (default: `root`).
        fallback: static-i18n's `fallback_to_default`.
        config_file: The configuration file, for messages.
        default_taxonomy: Use `products.yml` in `config_dir` when `taxonomy` is not set.
        default_glossary: Use `glossary.yml` in `config_dir` when `glossary` is not set.

    Returns:
        The validated project.

    Raises:
        ProjectError: An option or the languages are invalid.
    """
    options = options or {}
    given_config_dir = Path(os.path.normpath(config_dir or root))
    root = root.resolve()
    config_dir = given_config_dir.resolve()
    where = f"{config_file.name}: plugins.kb" if config_file else "kb options"
    try:
        check_option_keys(options, where)
    except ConfigError as error:
        raise ProjectError(str(error)) from None
    codes = _languages(languages, default_language)
    if layout not in ("folder", "suffix"):
        raise ProjectError(f"docs_structure must be 'folder' or 'suffix', not {layout!r}")
    docs = docs_dir if docs_dir.is_absolute() else root / docs_dir
    if not docs.is_dir():
        raise ProjectError(f"docs_dir {_shown(docs, root)} is not a directory")
    repository = _repository(docs, (given_config_dir, config_dir), root)
    parity = _mapping(options.get("parity"), f"{where}.parity")
    content = _mapping(options.get("content"), f"{where}.content")
    style = _mapping(options.get("style"), f"{where}.style")
    status = _mapping(options.get("status"), f"{where}.status")
    taxonomy = options.get("taxonomy")
    if taxonomy is None and default_taxonomy and os.path.lexists(config_dir / "products.yml"):
        taxonomy = "products.yml"
    glossary = options.get("glossary")
    if glossary is None and default_glossary and os.path.lexists(config_dir / "glossary.yml"):
        glossary = "glossary.yml"
    return Project(
        root=root,
        docs_dir=docs.resolve(),
        languages=codes,
        source_language=codes[0],
        layout="folder" if layout == "folder" else "suffix",
        taxonomy_path=_file_option(taxonomy, config_dir, f"{where}.taxonomy", repository),
        glossary_path=_file_option(glossary, config_dir, f"{where}.glossary", repository),
        severities=_severities(options.get("severity"), f"{where}.severity"),
        link_rewrites=_rewrites(parity.get("link_rewrites"), f"{where}.parity.link_rewrites"),
        translation_only_links=_prefixes(
            parity.get("translation_only_links"), f"{where}.parity.translation_only_links"
        ),
        embed_allowlist=_prefixes(
            content.get("embed_allowlist"), f"{where}.content.embed_allowlist"
        ),
        fallback=bool(fallback),
        config_file=config_file,
        max_sentence_length=_positive(
            style.get("max_sentence_length"),
            DEFAULT_MAX_SENTENCE_LENGTH,
            f"{where}.style.max_sentence_length",
        ),
        review_age_days=_positive(
            status.get("review_age_days"),
            DEFAULT_REVIEW_AGE_DAYS,
            f"{where}.status.review_age_days",
        ),
        redirects=_redirects(options.get("redirects"), f"{where}.redirects", codes),
        repository=repository,
    )


def _redirects(value: object, where: str, languages: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """`{old path: new path}` as `.md` paths relative to a language folder."""
    from kb.redirects import old_path

    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ProjectError(f"{where} must map old paths to new ones, e.g. old.md: new.md")
    pairs = []
    for old, new in value.items():
        old_rel, new_rel = old_path(old, languages), old_path(new, languages)
        if old_rel is None or new_rel is None:
            raise ProjectError(
                f"{where}: {old!r}: {new!r} is not a pair of paths of this site "
                "(write e.g. payments/old-name.md: payments/new-name.md)"
            )
        pairs.append((old_rel, new_rel))
    return tuple(pairs)


def _repository(docs: Path, config_dirs: tuple[Path, Path], root: Path) -> Path:
    """The folder symlinks may not leave: the configuration's folder, unless `docs_dir` is set
    elsewhere.

    Args:
        docs: The docs folder as configured.
        config_dirs: The configuration's folder as given, and resolved.
        root: The working directory, for messages.

    Raises:
        ProjectError: `docs_dir` lies in the configuration's folder but is a symlink leading
            out of it.
    """
    written = Path(os.path.normpath(docs))
    real = docs.resolve()
    config_dir = config_dirs[1]
    if not any(written.is_relative_to(folder) for folder in config_dirs):
        return real  # a docs_dir configured outside the project: it is its own boundary
    if not real.is_relative_to(config_dir):
        raise ProjectError(
            f"docs_dir {_shown(written, root)} is a symlink to {real}, outside "
            f"{_shown(config_dir, root) if config_dir != root else 'the project folder'}: "
            "kb does not follow it"
        )
    return config_dir


def load_project(
    config_file: Path | None = None,
    *,
    docs_dir: Path | None = None,
    languages: list[str] | None = None,
    root: Path | None = None,
    taxonomy: Path | None = None,
    glossary: Path | None = None,
) -> Project:
    """Read a project from `mkdocs.yml`, or from `docs_dir` and `languages` alone.

    Args:
        config_file: The MkDocs configuration (default: `mkdocs.yml` in `root`).
        docs_dir: Use this directory instead of the configuration's (needs `languages`).
        languages: Use these languages, the source language first, instead of the i18n plugin's.
        root: Directory findings are reported relative to (default: the working directory).
        taxonomy: Use this product taxonomy instead of the configured one.
        glossary: Use this glossary instead of the configured one.

    Returns:
        The validated project.

    Raises:
        ProjectError: The configuration is missing or invalid.
    """
    root = (root or Path.cwd()).resolve()
    if docs_dir is not None or languages is not None:
        if docs_dir is None or not languages:
            raise ProjectError("--docs-dir and --languages go together (e.g. --languages en,ja)")
        docs = docs_dir if docs_dir.is_absolute() else root / docs_dir
        given = {"taxonomy": taxonomy, "glossary": glossary}
        # products.yml and glossary.yml are found where they are without --docs-dir: next to
        # the configuration file, or in the current folder.
        config_dir = root if config_file is None else (root / config_file).parent
        return project_from_options(
            root=root,
            docs_dir=docs,
            languages=languages,
            layout=guess_layout(docs, str(languages[0]).strip()),
            options={
                key: str(path if path.is_absolute() else root / path)
                for key, path in given.items()
                if path is not None
            },
            config_dir=config_dir,
        )
    config_path = config_file or root / "mkdocs.yml"
    if not config_path.is_absolute():
        config_path = root / config_path
    try:
        site = read_site_settings(config_path)
        i18n = site.plugins.get("i18n")
        if i18n is None:
            raise ProjectError(
                f"{site.name} has no i18n plugin: configure mkdocs-static-i18n, "
                "or pass --docs-dir and --languages"
            )
        if not isinstance(i18n.get("languages"), list) or not i18n["languages"]:
            raise ProjectError(f"{site.name}: plugins.i18n.languages must list the languages")
        codes, default = site.i18n_languages()
        options = dict(site.plugins.get("kb") or {})
        docs_value = site.path_setting("docs_dir", "docs")
    except MissingConfig:
        raise ProjectError(
            f"no {config_path.name} in {config_path.parent}: "
            "pass --config, or --docs-dir and --languages"
        ) from None
    except ConfigError as error:
        raise ProjectError(str(error)) from None
    for key, path in (("taxonomy", taxonomy), ("glossary", glossary)):
        if path is not None:
            options[key] = str(path if path.is_absolute() else root / path)
    config_dir = config_path.parent
    return project_from_options(
        root=root,
        docs_dir=(config_dir / docs_value),
        languages=codes,
        default_language=default,
        layout=str(i18n.get("docs_structure", "suffix")),
        options=options,
        config_dir=config_dir,
        fallback=bool(i18n.get("fallback_to_default", True)),
        config_file=config_path,
    )


def _languages(languages: Sequence[str] | None, default: str | None) -> tuple[str, ...]:
    if not languages:
        raise ProjectError("no languages configured: kb needs the i18n plugin's languages")
    codes: list[str] = []
    for language in languages:
        code = str(language).strip()
        if not LOCALE.match(code):
            raise ProjectError(f"{code!r} is not a language code such as 'en' or 'ja'")
        if code in codes:
            raise ProjectError(f"language {code!r} is configured twice")
        codes.append(code)
    if default is not None:
        if default not in codes:
            raise ProjectError(f"default language {default!r} is not among {', '.join(codes)}")
        codes.remove(default)
        codes.insert(0, default)
    return tuple(codes)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ProjectError(f"{where} must be a mapping")
    return value


def _file_option(value: Any, config_dir: Path, where: str, repository: Path) -> Path | None:
    from kb.docs_tree import symlink_problem

    if value is None or value == "":
        return None
    if not isinstance(value, str | Path):
        raise ProjectError(f"{where} must be a path")
    path = Path(value)
    path = path if path.is_absolute() else config_dir / path
    # products.yml and glossary.yml come with pull requests: a symlink out of the repository
    # would put another file's contents into findings, a named pipe would block the read.
    if Path(os.path.normpath(path)).is_relative_to(repository):
        if path.is_symlink():
            refused = symlink_problem(path, repository)
            if refused is not None:
                raise ProjectError(f"{where}: {refused[0]}")
        elif not path.resolve().is_relative_to(repository):
            raise ProjectError(f"{where}: {path} is in a symlinked folder outside the repository")
    if not path.is_file():
        if path.is_dir():
            problem = "is a folder, not a file"
        elif path.exists():
            problem = "is not a regular file"
        else:
            problem = "does not exist"
        raise ProjectError(f"{where}: {path} {problem}")
    return path


def _positive(value: Any, default: int, where: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProjectError(f"{where} must be a whole number of at least 1, not {value!r}")
    return value


def _severities(value: Any, where: str) -> dict[Rule, Severity]:
    try:
        named = parse_severities(value, where=where)
    except SeverityError as error:
        raise ProjectError(str(error)) from None
    return {rule: named.get(rule, rule.info.default) for rule in Rule}


def _rewrites(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    pairs: list[tuple[Any, Any]]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list) and all(
        isinstance(p, list | tuple) and len(p) == 2 for p in value
    ):
        pairs = [(p[0], p[1]) for p in value]
    else:
        raise ProjectError(f"{where} must map source URL prefixes to translation URL prefixes")
    for source, target in pairs:
        if not isinstance(source, str) or not isinstance(target, str) or not source:
            raise ProjectError(f"{where}: {source!r}: {target!r} must be two URL prefixes")
    # Longest prefix first, so the most specific rewrite applies.
    return tuple(sorted(((str(s), str(t)) for s, t in pairs), key=lambda p: -len(p[0])))


def _prefixes(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise ProjectError(f"{where} must be a list of URL prefixes")
    return tuple(value)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
