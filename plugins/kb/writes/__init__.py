"""The only code that writes articles: `new`, `mark-translated` and `start-translation`,
atomically."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kb.atomic import atomic_write
from kb.corpus import Corpus
from kb.digest import source_digest
from kb.docs_tree import MAX_ARTICLE_BYTES, read_regular_file, symlink_problem
from kb.placeholders import find_placeholders
from kb.writes.draft import draft_translation
from kb.yamlio import YamlError, load_document

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kb.project import Project


_BOM = b"\xef\xbb\xbf"


_OPEN = re.compile(r"-{3}[ \t]*$")


_CLOSE = re.compile(r"(?:-{3}|\.{3})[ \t]*$")


_DIGEST_LINE = re.compile(
    r"source_digest[ \t]*:(?P<space>[ \t]*)(?P<value>(?:\"[^\"]*\"|'[^']*'|[^#\r\n]*?))"
    r"(?P<rest>[ \t]+#[^\r\n]*)?[ \t]*$"
)


_DRAFT_LINE = re.compile(r"draft[ \t]*:(?:[ \t]+[^#\s][^#]*?)?(?:[ \t]+#.*)?[ \t]*$")


class WriteError(Exception):
    """kb refuses to write a file: the message says why and what to do; `usage` is True when
    the input was wrong (exit 2) rather than the files (exit 1)."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class MarkResult:
    """What `mark_translated` did to one translation."""

    path: str
    """The translation, as findings report it."""
    digest: str
    """The `source_digest` it now records."""
    previous: str | None
    """The value it recorded before (None when it had none)."""
    was_draft: bool = False
    """It said `draft: true` (the line is removed)."""

    @property
    def changed(self) -> bool:
        """True when the file was rewritten."""
        return self.previous != self.digest or self.was_draft


def _digest_value(digest: str, quote: str) -> str:
    if quote:
        return f"{quote}{digest}{quote}"
    # All digits would read back as a number (and lose leading zeros).
    return f'"{digest}"' if digest.isdigit() else digest


def set_source_digest(data: bytes, digest: str) -> bytes:
    """Return the file's bytes with `source_digest: <digest>` set and nothing else changed.

    The BOM, line endings, key order and comments stay byte for byte. An existing value is
    replaced in place; otherwise the key is added at the end of the front matter, which is
    created when the file has none.

    Args:
        data: The article's bytes.
        digest: The digest to record.

    Returns:
        The new bytes (equal to `data` when the digest was already recorded).

    Raises:
        WriteError: The file is not UTF-8, or its front matter is unclosed, invalid, or has
            `source_digest` in a form kb cannot safely edit.
    """
    bom = _BOM if data.startswith(_BOM) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise WriteError("the file is not UTF-8: fix its encoding first") from None
    lines = _split_lines(text)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if not lines or not _OPEN.match(lines[0].rstrip("\r\n")):
        block = f"---{newline}source_digest: {_digest_value(digest, '')}{newline}---{newline}"
        return bom + (block + text).encode("utf-8")
    close = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i].rstrip("\r\n"))), None)
    if close is None:
        raise WriteError("the front matter is never closed: end it with a '---' line")
    front = "".join(line.rstrip("\r\n") + "\n" for line in lines[1:close])
    try:
        document = load_document(front)
    except YamlError as error:
        raise WriteError(
            f"the front matter is not valid YAML (line {error.line + 1}): {error.message}"
        ) from None
    if document.data is not None and not isinstance(document.data, dict):
        raise WriteError("the front matter is not a mapping of keys to values")
    if any(path == ("source_digest",) for path, _ in document.duplicates):
        raise WriteError("source_digest is given twice in the front matter: keep one")
    for index in range(1, close):
        line = lines[index]
        body = line.rstrip("\r\n")
        if not body.startswith("source_digest"):
            continue
        match = _DIGEST_LINE.match(body)
        if match is None:
            continue
        value = match.group("value")
        following = lines[index + 1] if index + 1 < close else ""
        if value[:1] in ("|", ">", "[", "{", "&", "*", "!") or (
            following[:1] in (" ", "\t") and following.strip()
        ):
            raise WriteError(
                f"source_digest on line {index + 1} is not a plain value: set it by hand"
            )
        quote = value[0] if value[:1] in ("'", '"') else ""
        space = match.group("space") or " "
        eol = line[len(body) :]
        rest = match.group("rest") or ""
        lines[index] = (
            f"{body[: match.start('space')]}{space}{_digest_value(digest, quote)}{rest}{eol}"
        )
        return bom + "".join(lines).encode("utf-8")
    eol = lines[close - 1][len(lines[close - 1].rstrip("\r\n")) :] if close > 1 else newline
    lines.insert(close, f"source_digest: {_digest_value(digest, '')}{eol or newline}")
    return bom + "".join(lines).encode("utf-8")


def clear_draft(data: bytes) -> bytes:
    """Return the file's bytes without the `draft:` line of its front matter.

    Everything else stays byte for byte; a file without the key is returned as it is.

    Args:
        data: The article's bytes (UTF-8; `set_source_digest` has vetted the front matter).

    Returns:
        The new bytes.

    Raises:
        WriteError: `draft` has a value kb cannot safely remove (a block or a nested value).
    """
    bom = _BOM if data.startswith(_BOM) else b""
    text = data[len(bom) :].decode("utf-8")
    lines = _split_lines(text)
    if not lines or not _OPEN.match(lines[0].rstrip("\r\n")):
        return data
    close = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i].rstrip("\r\n"))), None)
    if close is None:
        return data
    removed = {i for i in range(1, close) if _DRAFT_LINE.match(lines[i].rstrip("\r\n"))}
    if not removed:
        return data
    for index in removed:
        following = lines[index + 1] if index + 1 < close else ""
        if following[:1] in (" ", "\t", "-") and following.strip():
            raise WriteError(f"draft on line {index + 1} is not a plain value: remove it by hand")
    return bom + "".join(line for index, line in enumerate(lines) if index not in removed).encode()


def _split_lines(text: str) -> list[str]:
    # Only \n and \r\n end lines here: str.splitlines would also split on form feeds and U+2028.
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _docs_relative(project: Project, path: Path) -> str | None:
    """`path` relative to the docs folder (POSIX), or None when it lies outside.

    The path is read as written (`..` removed), its folders resolved but not its last name: a
    symlinked article is located where it is linked, and judged by `_write_target`.
    """
    absolute = Path(os.path.normpath(path if path.is_absolute() else project.root / path))
    for candidate in (absolute, Path(os.path.realpath(absolute.parent)) / absolute.name):
        if candidate.is_relative_to(project.docs_dir):
            return candidate.relative_to(project.docs_dir).as_posix()
    return None


def _locate(project: Project, corpus: Corpus, path: Path) -> tuple[str, str]:
    docs_path = _docs_relative(project, path)
    if docs_path is None:
        raise WriteError(f"{path} is not inside the docs directory", usage=True)
    refusal = next((r for r in corpus.index.tree.refusals if r.path == docs_path), None)
    if refusal is not None:
        raise WriteError(f"{path}: {refusal.message}", usage=True)
    key = corpus.index.article_key(docs_path)
    if key is None:
        raise WriteError(f"{path} is not an article of a configured language", usage=True)
    return key


def _write_target(project: Project, target: Path, *, new: bool) -> Path:
    """The file to write for `target` (a path kb computed inside the docs folder).

    Refuses to write through a symlinked folder (kb never walks one) or through a symlink
    that leaves the repository; writes through a symlinked article that stays inside it.

    Args:
        project: The project.
        target: `docs_dir / <docs-relative path>`.
        new: The file is to be created: nothing may exist at `target`, not even a symlink.

    Raises:
        WriteError: (`usage`) The target is reached through a symlinked folder, or is a
            symlink kb does not follow.
    """
    shown = project.display_path(target)
    parent = target.parent
    while not os.path.lexists(parent) and parent != project.docs_dir and parent != parent.parent:
        parent = parent.parent  # folders kb creates
    if Path(os.path.realpath(parent)) != parent or not parent.is_relative_to(project.docs_dir):
        raise WriteError(
            f"{shown} is inside a symlinked folder: kb never writes through one", usage=True
        )
    if not os.path.islink(target):
        return target
    if new:
        raise WriteError(f"{shown} exists already (a symlink): kb never overwrites it")
    problem = symlink_problem(target, project.boundary)
    if problem is not None:
        raise WriteError(f"{shown}: {problem[0]}", usage=True)
    return Path(os.path.realpath(target))


def translations_in(project: Project, corpus: Corpus, paths: Sequence[Path]) -> list[Path]:
    """The translations `kb mark-translated` is asked to mark, every path checked first.

    Args:
        project: The project.
        corpus: Its articles.
        paths: Translations, or folders inside a translation language's folder (any folder
            of the docs directory in the suffix layout).

    Returns:
        The translations, in path order, each once.

    Raises:
        WriteError: (`usage`) A path does not exist, lies outside the docs directory, is no
            translation, or is a folder that is not (inside) a translation language's folder.
    """
    files: list[Path] = []
    for given in paths:
        docs_path = _docs_relative(project, given)
        absolute = project.root / given
        if not os.path.lexists(absolute):
            raise WriteError(f"{given} does not exist", usage=True)
        if docs_path is None:
            raise WriteError(
                f"{given} is not inside the docs directory "
                f"({project.display_path(project.docs_dir)}/)",
                usage=True,
            )
        if not absolute.is_dir() or absolute.is_symlink():
            if _locate(project, corpus, given)[0] == project.source_language:
                raise WriteError(
                    f"{given} is a source-language article: mark its translations instead",
                    usage=True,
                )
            files.append(given)
            continue
        prefix = "" if docs_path == "." else f"{docs_path}/"
        if project.layout == "folder" and prefix.partition("/")[0] not in (
            project.translation_languages
        ):
            example = project.display_path(
                project.docs_dir / next(iter(project.translation_languages), "ja")
            )
            raise WriteError(
                f"{given} is not a folder of translations: name translations, or {example}/ "
                "or a folder inside it",
                usage=True,
            )
        for (language, _), found in sorted(corpus.index.articles.items(), key=lambda kv: kv[1]):
            if language != project.source_language and found.startswith(prefix):
                files.append(project.docs_dir / found)
    return list(dict.fromkeys(files))


def mark_translated(project: Project, path: Path, *, corpus: Corpus | None = None) -> MarkResult:
    """Record the current digest of its source article in a translation's `source_digest`.

    Args:
        project: The project.
        path: The translation.
        corpus: The project's articles, when the caller has them loaded already.

    Returns:
        What was recorded.

    Raises:
        WriteError: `path` is no translation, its source article is missing or unreadable, or
            its front matter cannot be edited safely.
    """
    corpus = corpus or Corpus(project)
    language, rel = _locate(project, corpus, path)
    if language == project.source_language:
        raise WriteError(
            f"{path} is a source-language article: mark its translations instead", usage=True
        )
    source = corpus.article(project.source_language, rel)
    if source is None:
        expected = corpus.index.display_path(
            corpus.index.expected_path(project.source_language, rel)
        )
        raise WriteError(f"{path} has no readable source article ({expected})")
    digest = source_digest(source)
    file = project.docs_dir / (corpus.index.docs_path(language, rel) or "")
    target = _write_target(project, file, new=False)
    data = read_regular_file(target, MAX_ARTICLE_BYTES)
    translation = corpus.article(language, rel)
    left = find_placeholders(translation) if translation is not None else None
    if left is not None:
        several = f"{left.count} placeholders, the first" if left.count > 1 else "a placeholder"
        raise WriteError(
            f"line {left.line} still holds {several} ({left.text!r}): translate every "
            "TODO, then mark it"
        )
    previous = translation.source_digest if translation is not None else None
    updated = clear_draft(set_source_digest(data, digest))
    if updated != data:
        atomic_write(target, updated)
    was_draft = translation is not None and translation.draft
    return MarkResult(project.display_path(file), digest, previous, was_draft)


def start_translation(
    project: Project, path: Path, language: str, *, corpus: Corpus | None = None
) -> Path:
    """Create the draft of a translation of a source article.

    The draft has the source's structure: headings with the source's ids written out, code
    blocks, tables, admonitions, images and links as they are, and a visible `TODO(<lang>)`
    where the prose goes; its front matter marks title and description for translation, copies
    the other keys and says `draft: true`, without a `source_digest`: the site serves the source
    article in its place until `kb mark-translated` records the digest and removes the flag.

    Args:
        project: The project.
        path: The source article.
        language: The translation language.
        corpus: The project's articles, when the caller has them loaded already.

    Returns:
        The created file.

    Raises:
        WriteError: `path` is no source article, the language is not a translation language,
            or the translation exists already (it is never overwritten).
    """
    corpus = corpus or Corpus(project)
    if language not in project.translation_languages:
        known = ", ".join(project.translation_languages) or "none"
        raise WriteError(
            f"'{language}' is not a translation language (configured: {known})", usage=True
        )
    source_language, rel = _locate(project, corpus, path)
    if source_language != project.source_language:
        raise WriteError(f"{path} is a translation: start from its source article", usage=True)
    source = corpus.article(source_language, rel)
    if source is None or source.front_matter_error:
        # A draft copies the front matter: one kb cannot read (YAML aliases) stays behind.
        raise WriteError(f"{path} cannot be read: run `kb check {path}` to see why")
    target = _write_target(
        project, project.docs_dir / corpus.index.expected_path(language, rel), new=True
    )
    if os.path.lexists(target):
        raise WriteError(
            f"{project.display_path(target)} exists already: kb never overwrites a translation"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(target, draft_translation(source, language).encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise WriteError(
            f"{project.display_path(target)} exists already: kb never overwrites a translation"
        ) from None
    return target
