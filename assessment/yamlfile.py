"""Reading the YAML files analysts write (the config, the targets file): one line for every fault.

:func:`read_yaml` reads a file as UTF-8 (a byte-order mark is allowed) and parses it with
:class:`BoundedLoader`, PyYAML's safe loader with the document's *expanded* size bounded: a
YAML alias re-uses a node, so a few lines of anchors and aliases (a "billion laughs" file)
can stand for billions of values, which take all memory as soon as anything walks them.
The loader counts the values the document stands for, aliases expanded, and refuses one
over :data:`MAX_VALUES` (or one whose alias refers to itself) before anything is built.

Every fault is raised as one line naming the file and what to do: a folder given instead
of a file, a file that cannot be read, UTF-16 or other text that is not UTF-8, invalid YAML,
too large an expansion.

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "bomb.yml"
>>> _ = p.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\\n" +
...     "".join(f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 10)}]\\n" for c in "bcdefghi"))
>>> read_yaml(p, name='bomb.yml')
Traceback (most recent call last):
...
assessment.yamlfile.YamlFileError: bomb.yml: expected plain YAML, found aliases (*name) that expand to more than 100,000 values (a 'billion laughs' file?); write the values out instead of repeating aliases
"""
from __future__ import annotations

import codecs
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import AssessmentError, ConfigError, InputError, one_line


class YamlFileError(InputError, ConfigError):
    """A config or targets file that cannot be read as YAML: both a :class:`ConfigError` and an
    :class:`InputError` (the targets file is an input), with a message of one line."""

    def __init__(self, message: str):
        self.file, self.where, self.expected, self.found = "", "", "", None
        AssessmentError.__init__(self, one_line(message))


#: the most values (scalars, lists and mappings, aliases expanded) a config or targets file may stand for
MAX_VALUES = 100_000


class _TooBig(yaml.YAMLError):
    pass


class _Recursive(yaml.YAMLError):
    pass


def expanded_size(root, limit: int = MAX_VALUES) -> int:
    """How many nodes ``root`` stands for with every alias expanded (a shared node counts each
    time it is used); raises ``_TooBig`` past ``limit`` and ``_Recursive`` for a node that
    contains itself.  Linear in the number of distinct nodes (no expansion is built)."""
    memo: dict[int, int] = {}
    active: set[int] = set()
    stack = [(root, False)]

    def kids(node):
        if isinstance(node, SequenceNode):
            return node.value
        if isinstance(node, MappingNode):
            return [x for kv in node.value for x in kv]
        return []

    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            active.discard(nid)
            n = 1 + sum(memo[id(k)] for k in kids(node))
            if n > limit:
                raise _TooBig(n)
            memo[nid] = n
            continue
        if nid in memo:
            continue
        if nid in active:
            raise _Recursive()
        if isinstance(node, ScalarNode):
            memo[nid] = 1
            continue
        active.add(nid)
        stack.append((node, True))
        stack.extend((k, False) for k in kids(node) if id(k) not in memo)
    return memo.get(id(root), 0)


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` refusing a document that stands for more than :data:`MAX_VALUES`
    values once its aliases are expanded, or whose aliases refer to themselves."""

    def compose_document(self):
        node = super().compose_document()
        if node is not None:
            expanded_size(node)
        return node


def decode(data: bytes, name: str) -> str:
    """``data`` as text: UTF-8 (with or without a byte-order mark), else one line saying what it is."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        found = "UTF-32 text"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4]:
        found = "UTF-16 text"
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data[:e.start].count(b"\n") + 1
            found = f"a byte that is not UTF-8 on line {line} (saved as Windows-1252/ANSI?)"
    raise YamlFileError(f"{name}: expected UTF-8 text, found {found}; save it as UTF-8 (in Notepad: "
                      "File > Save as, Encoding: UTF-8)")


def read_text(path, what: str = "file", name: str | None = None) -> str:
    """The text of ``path`` (a UTF-8 file), or one line: not found, a folder, unreadable, not UTF-8.
    ``what`` says what the file is ("config file"); ``name`` is how messages name it (default the path)."""
    path = Path(path)
    name = str(path) if name is None else name
    if path.is_dir():
        hint = ""
        if (path / "assessment.yml").is_file() and what == "config file":
            hint = f" (e.g. {path / 'assessment.yml'})"
        raise YamlFileError(f"{name}: expected a {what}, found a folder; give the file itself{hint}")
    if not path.exists():
        raise YamlFileError(f"{name}: {what} not found")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise YamlFileError(f"{name}: the {what} cannot be read ({e.strerror or type(e).__name__})") from None
    return decode(data, name)


def parse_yaml(text: str, name: str):
    """Parse ``text`` with :class:`BoundedLoader`; every fault is one line starting with ``name``."""
    try:
        return yaml.load(text, Loader=BoundedLoader)   # safe: BoundedLoader is a SafeLoader (bandit's S506)
    except _TooBig:
        raise YamlFileError(f"{name}: expected plain YAML, found aliases (*name) that expand to more than "
                          f"{MAX_VALUES:,} values (a 'billion laughs' file?); write the values out instead "
                          "of repeating aliases") from None
    except _Recursive:
        raise YamlFileError(f"{name}: expected plain YAML, found an alias (*name) inside the value it names "
                          "(a value that contains itself)") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise YamlFileError(f"{name}: {where}: not valid YAML ({one_line(getattr(e, 'problem', None) or e, 200)})") from None
    except RecursionError:
        raise YamlFileError(f"{name}: expected YAML of ordinary depth, found values nested too deeply") from None


def read_yaml(path, what: str = "file", name: str | None = None):
    """Read and parse a YAML file (see the module docstring); ``name`` is how messages name it."""
    return parse_yaml(read_text(path, what, name), str(path) if name is None else name)
