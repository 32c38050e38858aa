"""cURL commands in: what ``curl`` would send, as a request of the core model.

Reads the commands people copy from browsers ("Copy as cURL" for bash and for Windows
``cmd``), API docs and terminals: bash/zsh quoting (``'…'``, ``"…"``, ``$'…'``, backslash
line continuations, here-documents, ``echo``/``printf`` piped in) and ``cmd``'s ``^``
escapes. The options that shape the request are carried over the way curl reads them
(method, URL, headers, data in all its forms, forms, auth, cookies, following redirects);
everything else is named in the report, never dropped silently.

``read`` turns a file into an ``Imported`` collection (one request per curl command);
``parse_command`` turns the text pasted into the URL field into one request.

Secrets: a password (``-u``), a bearer token, Basic credentials, any other
``Authorization`` value and an API-key header value found as literal text go into secret
variables (``{{password}}``, ``{{token}}``, …); the request refers to them by name.
Shell variables (``$TOKEN``, ``${TOKEN}``) become ``{{TOKEN}}``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import quote_plus, unquote_plus

from app.core.collection import AuthKind, AuthSpec, Environment, SavedRequest, Variable
from app.core.http_syntax import is_header_name
from app.core.json_check import check_json
from app.core.request import BodyMode, FormField, KeyValue
from app.core.urls import has_scheme, params_from_url
from app.core.variables import VARIABLE_PATTERN
from app.formats._model import FormatError, Imported, ImportedFolder, Include, ReportLine

__all__ = ["FORMAT", "MAX_BYTES", "parse_command", "read", "sniff"]

FORMAT = "cURL command"
MAX_BYTES = 50 * 1024 * 1024
"""Larger inputs are refused with a sentence: no cURL command is that long."""

_UNTITLED = "Untitled request"
_SNIFF_BYTES = 64 * 1024

# --------------------------------------------------------------------------- the shell


@dataclass(slots=True)
class _Stdin:
    """What a command reads on its standard input, when the text says: ``text`` (a
    here-document, ``echo``), ``path`` (``< file``, ``cat file |``) or neither (unknown)."""

    text: str | None = None
    path: str | None = None
    origin: str = ""


@dataclass(slots=True)
class _Command:
    """One simple command: its words after quote removal, where it starts, its input."""

    words: list[str]
    line: int
    stdin: _Stdin | None = None
    piped_from: _Command | None = None
    ended_by: str = "\n"  # the operator after it: newline, ";", "&&", "||", "|", "&"
    variables: list[str] = field(default_factory=list)  # shell variables it uses
    notes: list[str] = field(default_factory=list)  # what the shell could not carry over
    joined_lines: list[int] = field(default_factory=list)  # lines joined without a "\"


_WORD_RUN = re.compile(r"[^\s'\"\\$`;&|<>()#]+")
_DQ_RUN = re.compile(r'[^"\\$`]+')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEREDOC_WORD = re.compile(r"[^\s;&|<>()]+")

_ANSI_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def _placeholder(name: str) -> str:
    return "{{" + name + "}}"


class _BashLexer:
    """Splits bash text into simple commands, the way bash reads them (without running
    anything): quote removal, escapes, ``$VAR`` as ``{{VAR}}``, here-documents and the
    operators between commands. Command substitutions stay as typed, noted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.commands: list[_Command] = []
        self.words: list[str] = []
        self.word: list[str] = []
        self.in_word = False
        self.command_line = 1
        self.variables: list[str] = []
        self.notes: list[str] = []
        self.stdin: _Stdin | None = None
        self.piped_from: _Command | None = None
        self.pending_heredocs: list[tuple[_Command | None, str, bool, bool]] = []
        self.shell_values: dict[str, str] = {}  # NAME=value commands met so far
        self.heredoc_targets: list[int] = []  # indexes into pending_heredocs for this command

    # --- words and commands -----------------------------------------------------------
    def _end_word(self) -> None:
        if self.in_word:
            self.words.append("".join(self.word))
        self.word = []
        self.in_word = False

    def _append(self, text: str) -> None:
        self.word.append(text)
        self.in_word = True

    def _end_command(self, ended_by: str) -> None:
        self._end_word()
        command: _Command | None = None
        assigned = _assignments(self.words) if self.piped_from is None else None
        if assigned is not None and ended_by not in ("|", "|&"):
            self.shell_values.update(assigned)
            self.words = []
        if self.words or self.stdin is not None:
            command = _Command(
                self.words,
                self.command_line,
                stdin=self.stdin,
                piped_from=self.piped_from,
                ended_by=ended_by,
                variables=self.variables,
                notes=self.notes,
            )
            if self.words:
                self.commands.append(command)
        for index in self.heredoc_targets:
            _, delimiter, strip_tabs, quoted = self.pending_heredocs[index]
            self.pending_heredocs[index] = (command, delimiter, strip_tabs, quoted)
        self.heredoc_targets = []
        self.words, self.variables, self.notes = [], [], []
        self.stdin = None
        self.piped_from = command if ended_by in ("|", "|&") and command else None
        self.command_line = self.line

    # --- the main loop ----------------------------------------------------------------
    def run(self) -> list[_Command]:
        text = self.text
        size = len(text)
        while self.pos < size:
            char = text[self.pos]
            if char == "\n":
                self._end_command("\n")
                self.pos += 1
                self.line += 1
                self.command_line = self.line
                if self.pending_heredocs:
                    self._read_heredocs()
                continue
            if char in " \t\r":
                self._end_word()
                self.pos += 1
                continue
            if char == "#":
                if self.in_word:  # only a word's first character starts a comment
                    self._append("#")
                    self.pos += 1
                else:
                    end = text.find("\n", self.pos)
                    self.pos = size if end < 0 else end
                continue
            if char == "\\":
                self._backslash()
                continue
            if char == "'":
                self._single_quoted()
                continue
            if char == '"':
                self.pos += 1
                self._double_quoted(start_line=self.line)
                continue
            if char == "$":
                self._dollar(in_double_quotes=False)
                continue
            if char == "`":
                self._append(self._backticks())
                continue
            if char in ";&|()":
                self._operator()
                continue
            if char in "<>":
                self._redirection()
                continue
            match = _WORD_RUN.match(text, self.pos)
            if match is None:  # \v, \f, a no-break space: ordinary characters to bash
                self._append(char)
                self.pos += 1
                continue
            self._append(match.group(0))
            self.pos = match.end()
        self._end_command("")
        if self.pending_heredocs:
            self._read_heredocs()
        return self.commands

    def _backslash(self) -> None:
        text = self.text
        if self.pos + 1 >= len(text):
            self._append("\\")
            self.pos += 1
            return
        following = text[self.pos + 1]
        if following == "\n":
            self.pos += 2
            self.line += 1
            return
        if following == "\r" and text.startswith("\n", self.pos + 2):
            self.pos += 3
            self.line += 1
            return
        self._append(following)
        self.pos += 2

    def _single_quoted(self) -> None:
        end = self.text.find("'", self.pos + 1)
        if end < 0:
            raise FormatError(f"The quote ' opened on line {self.line} is never closed.")
        content = self.text[self.pos + 1 : end]
        self._append(content)
        self.line += content.count("\n")
        self.pos = end + 1

    def _double_quoted(self, start_line: int) -> None:
        """From just after an opening ``"`` to just after its closing one."""
        text = self.text
        self.in_word = True
        while True:
            if self.pos >= len(text):
                raise FormatError(f'The quote " opened on line {start_line} is never closed.')
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return
            if char == "\\":
                following = text[self.pos + 1 : self.pos + 2]
                if following == "\n":
                    self.pos += 2
                    self.line += 1
                elif following in ('"', "\\", "$", "`"):
                    self._append(following)
                    self.pos += 2
                else:
                    self._append("\\")
                    self.pos += 1
                continue
            if char == "$":
                self._dollar(in_double_quotes=True)
                continue
            if char == "`":
                self._append(self._backticks())
                continue
            match = _DQ_RUN.match(text, self.pos)
            assert match is not None
            chunk = match.group(0)
            self._append(chunk)
            self.line += chunk.count("\n")
            self.pos = match.end()

    def _dollar(self, *, in_double_quotes: bool) -> None:
        text = self.text
        following = text[self.pos + 1 : self.pos + 2]
        if following == "'" and not in_double_quotes:
            self.pos += 2
            self._append(self._ansi_c())
            return
        if following == '"' and not in_double_quotes:  # $"…": a translatable string
            self.pos += 2
            self._double_quoted(start_line=self.line)
            return
        if following == "{":
            end = text.find("}", self.pos + 2)
            if end < 0:
                raise FormatError(f"The ${{ on line {self.line} is never closed with }}.")
            inner = text[self.pos + 2 : end]
            name = _NAME.match(inner)
            if name is None:
                self._append(text[self.pos : end + 1])
                self.notes.append(f"${{{inner}}} was kept as typed: it is not a variable here.")
            else:
                self._variable(name.group(0))
                if name.end() < len(inner):
                    self.notes.append(
                        f"${{{inner}}} became {_placeholder(name.group(0))}: its "
                        f'"{inner[name.end() :]}" part has no counterpart here.'
                    )
            self.line += inner.count("\n")
            self.pos = end + 1
            return
        if following == "(":
            self._append(self._substitution())
            return
        name = _NAME.match(text, self.pos + 1)
        if name is not None:
            self._variable(name.group(0))
            self.pos = name.end()
            return
        if following and (following.isdigit() or following in "@*#?$!-"):
            self._append(text[self.pos : self.pos + 2])
            self.notes.append(f"The shell parameter ${following} was kept as typed.")
            self.pos += 2
            return
        self._append("$")
        self.pos += 1

    def _variable(self, name: str) -> None:
        if name in self.shell_values:  # set earlier in the text: bash uses its value
            self._append(self.shell_values[name])
            return
        self._append(_placeholder(name))
        if name not in self.variables:
            self.variables.append(name)

    def _substitution(self) -> str:
        """``$(…)`` or ``$((…))`` kept as typed (nothing is run), from ``self.pos``."""
        text = self.text
        depth = 0
        index = self.pos + 1
        quote = ""
        while index < len(text):
            char = text[index]
            if quote:
                if char == "\\" and quote == '"':
                    index += 2
                    continue
                if char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "\\":
                index += 2
                continue
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return self._keep_substitution(index + 1)
            index += 1
        raise FormatError(f"The $( on line {self.line} is never closed with ).")

    def _backticks(self) -> str:
        text = self.text
        index = self.pos + 1
        while index < len(text):
            if text[index] == "\\":
                index += 2
                continue
            if text[index] == "`":
                return self._keep_substitution(index + 1)
            index += 1
        raise FormatError(f"The backquote ` opened on line {self.line} is never closed.")

    def _keep_substitution(self, end: int) -> str:
        """The command substitution from ``self.pos`` to ``end``, kept as typed and noted;
        reading goes on after it."""
        kept = self.text[self.pos : end]
        self.line += kept.count("\n")
        self.pos = end
        self.notes.append(f"The command substitution {kept} was kept as typed.")
        return kept

    def _ansi_c(self) -> str:
        """The body of ``$'…'`` from ``self.pos`` (just inside the quote) to its end.

        Escapes such as ``\\xHH`` give bytes, so the text is built as bytes and read as
        UTF-8; bytes that are not UTF-8 become U+FFFD, noted."""
        text = self.text
        out = bytearray()
        start_line = self.line
        index = self.pos
        while True:
            if index >= len(text):
                raise FormatError(f"The quote $' opened on line {start_line} is never closed.")
            char = text[index]
            if char == "'":
                index += 1
                break
            if char != "\\":
                end = index
                while end < len(text) and text[end] not in "'\\":
                    end += 1
                chunk = text[index:end]
                self.line += chunk.count("\n")
                out += chunk.encode("utf-8", "surrogatepass")
                index = end
                continue
            code = text[index + 1 : index + 2]
            index += 2
            if code in _ANSI_SIMPLE:
                out += _ANSI_SIMPLE[code].encode()
            elif code in "01234567" and code:
                digits = code
                while len(digits) < 3 and text[index : index + 1] in tuple("01234567"):
                    digits += text[index]
                    index += 1
                out.append(int(digits, 8) & 0xFF)
            elif code in ("x", "u", "U"):
                longest = {"x": 2, "u": 4, "U": 8}[code]
                digits = ""
                while len(digits) < longest and text[index : index + 1] in tuple(
                    "0123456789abcdefABCDEF"
                ):
                    digits += text[index]
                    index += 1
                if not digits:
                    out += ("\\" + code).encode()
                elif code == "x":
                    out.append(int(digits, 16))
                else:
                    value = int(digits, 16)
                    out += (chr(value) if value <= 0x10FFFF else "\ufffd").encode(
                        "utf-8", "surrogatepass"
                    )
            elif code == "c":
                control = text[index : index + 1]
                index += 1
                out.append(ord(control) & 0x1F if control and ord(control) < 128 else 0x3F)
            elif code == "\n":
                out += b"\\\n"
                self.line += 1
            else:
                out += ("\\" + code).encode("utf-8", "surrogatepass")
        self.pos = index
        try:
            return out.decode("utf-8")
        except UnicodeDecodeError:
            self.notes.append(
                f"The $'…' text on line {start_line} holds bytes that are not UTF-8 text; "
                "each was replaced by \ufffd."
            )
            return out.decode("utf-8", "replace")

    # --- operators and redirections ---------------------------------------------------
    def _operator(self) -> None:
        text = self.text
        two = text[self.pos : self.pos + 2]
        if two in ("&&", "||", "|&", ";;"):
            self._end_command(two)
            self.pos += 2
            return
        if two == "&>":
            self._redirection()
            return
        self._end_command(text[self.pos])
        self.pos += 1

    def _redirection(self) -> None:
        """``<``, ``>``, ``>>``, ``&>``, ``2>&1``, ``<<EOF``, ``<<-EOF``, ``<<<word``."""
        text = self.text
        # "2>" and "2>&1": the digits just read were the file descriptor, not a word.
        if self.in_word and "".join(self.word).isdigit() and text[self.pos] in "<>":
            self.word, self.in_word = [], False
        else:
            self._end_word()
        if text.startswith("<<<", self.pos):
            self.pos += 3
            value = self._next_word()
            self.stdin = _Stdin(text=value + "\n", origin="a here-string (<<<)")
            return
        if text.startswith("<<", self.pos):
            strip_tabs = text.startswith("<<-", self.pos)
            self.pos += 3 if strip_tabs else 2
            self._skip_blanks()
            match = _HEREDOC_WORD.match(text, self.pos)
            if match is None:
                raise FormatError(f"The here-document on line {self.line} has no delimiter.")
            raw = match.group(0)
            self.pos = match.end()
            quoted = any(q in raw for q in "'\"\\")
            delimiter = raw.replace("'", "").replace('"', "").replace("\\", "")
            self.pending_heredocs.append((None, delimiter, strip_tabs, quoted))
            self.heredoc_targets.append(len(self.pending_heredocs) - 1)
            self.stdin = _Stdin(origin="a here-document")
            return
        inbound = text[self.pos] == "<" and not text.startswith("<>", self.pos)
        self.pos += 1
        while self.pos < len(text) and text[self.pos] in ">&|":
            self.pos += 1
        target = self._next_word()
        if inbound:
            self.stdin = _Stdin(path=target, origin=f"the file {target} (< {target})")

    def _skip_blanks(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def _next_word(self) -> str:
        """The word after a redirection operator, read with the same quoting rules."""
        self._skip_blanks()
        saved_words, saved_word, saved_in = self.words, self.word, self.in_word
        self.words, self.word, self.in_word = [], [], False
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\n;&|<>()":
                break
            if char == "\\":
                self._backslash()
            elif char == "'":
                self._single_quoted()
            elif char == '"':
                self.pos += 1
                self._double_quoted(start_line=self.line)
            elif char == "$":
                self._dollar(in_double_quotes=False)
            elif char == "`":
                self._append(self._backticks())
            else:
                match = _WORD_RUN.match(text, self.pos)
                chunk = match.group(0) if match else char
                self._append(chunk)
                self.pos += len(chunk)
        value = "".join(self.word)
        self.words, self.word, self.in_word = saved_words, saved_word, saved_in
        return value

    def _read_heredocs(self) -> None:
        """The bodies of the here-documents opened on the line just ended, in order."""
        text = self.text
        for command, delimiter, strip_tabs, quoted in self.pending_heredocs:
            lines: list[str] = []
            while self.pos < len(text):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                line = text[self.pos : end]
                self.pos = min(end + 1, len(text))
                self.line += 1
                if strip_tabs:
                    line = line.lstrip("\t")
                if line.rstrip("\r") == delimiter:
                    break
                lines.append(line + "\n")
            body = "".join(lines)
            if not quoted:
                body = self._expand_heredoc(body, command)
            if command is not None and command.stdin is not None:
                command.stdin.text = body
        self.pending_heredocs = []
        self.command_line = self.line

    def _expand_heredoc(self, body: str, command: _Command | None) -> str:
        """An unquoted here-document: ``\\$``, ``\\\\``, ``\\```, line continuations and
        ``$VAR`` (as ``{{VAR}}``); command substitutions stay as typed."""

        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            if token.startswith("\\"):
                return "" if token == "\\\n" else token[1]
            name = match.group(1) or match.group(2)
            if name in self.shell_values:
                return self.shell_values[name]
            if command is not None and name not in command.variables:
                command.variables.append(name)
            return _placeholder(name)

        return re.sub(
            r"\\[\\$`\n]|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)",
            replace,
            body,
        )


_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)


def _assignments(words: Sequence[str]) -> dict[str, str] | None:
    """``NAME=value`` (or ``export NAME=value``) commands: the values they set, else
    ``None``. A later ``$NAME`` is then that value, as in bash."""
    rest = list(words)
    if rest and rest[0] in ("export", "declare", "typeset", "local", "readonly"):
        rest = [w for w in rest[1:] if not w.startswith("-")]
    if not rest:
        return None
    found: dict[str, str] = {}
    for word in rest:
        match = _ASSIGNMENT.fullmatch(word)
        if match is None:
            return None
        found[match.group(1)] = match.group(2)
    return found


# --------------------------------------------------------------------------- Windows cmd


def _looks_like_cmd(text: str) -> bool:
    """Windows ``cmd`` syntax ("Copy as cURL (cmd)"): lines continued with ``^``, or
    arguments quoted as ``^"…^"``; bash never continues a line with ``^``."""
    carets = backslashes = 0
    for line in text.splitlines():
        stripped = line.rstrip()
        if stripped.endswith("^"):
            carets += 1
        elif stripped.endswith("\\"):
            backslashes += 1
    if carets or backslashes:
        return carets > backslashes
    return re.match(r"\s*(?:\S*[\\/])?curl(?:\.exe)?\s+\^\"", text, re.IGNORECASE) is not None


def _cmd_commands(text: str) -> list[_Command]:
    """cmd's pass (``^`` escapes, ``^`` + newline continues a line and takes the next
    character literally, ``&`` and ``|`` end a command), then the C runtime's argument
    rules for each command (``"…"``, ``\\"``, ``""`` inside quotes)."""
    commands: list[_Command] = []
    current: list[str] = []
    quoted = False
    line = start = 1
    index = 0
    size = len(text)

    def finish(ended_by: str) -> None:
        words = _crt_split("".join(current))
        if words:
            commands.append(_Command(words, start, ended_by=ended_by))
        current.clear()

    while index < size:
        char = text[index]
        if char == "\r" and text.startswith("\n", index + 1):
            index += 1
            continue
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char == "^" and not quoted and index + 1 < size:
            following = text[index + 1]
            if following == "\r" and text.startswith("\n", index + 2):
                index += 1
                following = "\n"
            if following == "\n":
                line += 1
                index += 2
                if index < size:
                    if text[index] == "\n":
                        line += 1
                    current.append(text[index])
                index += 1
                continue
            current.append(following)
            index += 2
            continue
        elif char == "\n":
            # An unescaped line break ends the command, even inside cmd's quotes.
            line += 1
            quoted = False
            finish("\n")
            start = line
        elif char in "&|" and not quoted:
            finish(char)
            start = line
        else:
            current.append(char)
        index += 1
    finish("")
    return commands


def _crt_split(line: str) -> list[str]:
    """Arguments as the Microsoft C runtime splits a command line."""
    words: list[str] = []
    current: list[str] = []
    started = quoted = False
    index = 0
    size = len(line)
    while index < size:
        char = line[index]
        if char == "\\":
            end = index
            while end < size and line[end] == "\\":
                end += 1
            count = end - index
            if end < size and line[end] == '"':
                current.append("\\" * (count // 2))
                if count % 2:
                    current.append('"')
                    index = end + 1
                else:
                    index = end
                started = True
                continue
            current.append("\\" * count)
            started = True
            index = end
            continue
        if char == '"':
            if quoted and line.startswith('"', index + 1):
                current.append('"')
                index += 2
                continue
            quoted = not quoted
            started = True
        elif char in " \t\n" and not quoted:
            if started:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
            started = True
        index += 1
    if started:
        words.append("".join(current))
    return words


# --------------------------------------------------------------------------- curl's options

# Options that take a value (curl 8.x, ``curl --help all``); every other known one is a switch.
_LONG_WITH_VALUE = frozenset(
    """
    abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config
    connect-timeout connect-to continue-at cookie cookie-jar create-file-mode crlfile curves
    data data-ascii data-binary data-raw data-urlencode delegation dns-interface
    dns-ipv4-addr dns-ipv6-addr dns-servers doh-url dump-header ech egd-file engine
    etag-compare etag-save expect100-timeout form form-string ftp-account
    ftp-alternative-to-user ftp-method ftp-port ftp-ssl-ccc-mode happy-eyeballs-timeout-ms
    haproxy-clientip header hostpubmd5 hostpubsha256 hsts interface ip-tos json
    keepalive-cnt keepalive-time key key-type knownhosts krb libcurl limit-rate local-port
    login-options mail-auth mail-from mail-rcpt max-filesize max-redirs max-time
    netrc-file noproxy oauth2-bearer output output-dir parallel-max parallel-max-host pass
    pinnedpubkey preproxy proto proto-default proto-redir proxy proxy-cacert proxy-capath
    proxy-cert proxy-cert-type proxy-ciphers proxy-crlfile proxy-header proxy-key
    proxy-key-type proxy-pass proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers
    proxy-tlsauthtype proxy-tlspassword proxy-tlsuser proxy-user proxy1.0 pubkey quote
    random-file range rate referer request request-target resolve retry retry-delay
    retry-max-time sasl-authzid service-name sigalgs socks4 socks4a socks5
    socks5-gssapi-service socks5-hostname speed-limit speed-time ssl-sessions stderr
    telnet-option tftp-blksize time-cond tls-max tls13-ciphers tlsauthtype tlspassword
    tlsuser trace trace-ascii trace-config unix-socket upload-file upload-flags url
    url-query user user-agent variable vlan-priority write-out
    """.split()  # noqa: SIM905 - curl's own spelling, easier to check as text
)
_LONG_SWITCHES = frozenset(
    """
    anyauth append basic ca-native cert-status compressed compressed-ssh create-dirs crlf
    digest disable disable-eprt disable-epsv disallow-username-in-url doh-cert-status
    doh-insecure fail fail-early fail-with-body false-start follow form-escape
    ftp-create-dirs ftp-pasv ftp-pret ftp-skip-pasv-ip ftp-ssl-ccc ftp-ssl-control get
    globoff haproxy-protocol head help http0.9 http1.0 http1.1 http2 http2-prior-knowledge
    http3 http3-only ignore-content-length include insecure ipv4 ipv6
    junk-session-cookies list-only location location-trusted mail-rcpt-allowfails manual
    metalink mptcp negotiate netrc netrc-optional next no-alpn no-buffer no-clobber
    no-keepalive no-npn no-progress-meter no-sessionid ntlm ntlm-wb out-null parallel
    parallel-immediate path-as-is post301 post302 post303 progress-bar proxy-anyauth
    proxy-basic proxy-ca-native proxy-digest proxy-http2 proxy-insecure proxy-negotiate
    proxy-ntlm proxy-ssl-allow-beast proxy-ssl-auto-client-cert proxy-tlsv1 proxytunnel
    raw remote-header-name remote-name remote-name-all remote-time remove-on-error
    retry-all-errors retry-connrefused sasl-ir show-error show-headers silent
    skip-existing socks5-basic socks5-gssapi socks5-gssapi-nec ssl ssl-allow-beast
    ssl-auto-client-cert ssl-no-revoke ssl-reqd ssl-revoke-best-effort sslv2 sslv3
    styled-output suppress-connect-headers tcp-fastopen tcp-nodelay tftp-no-options
    tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 tr-encoding trace-ids trace-time use-ascii
    verbose version xattr
    """.split()  # noqa: SIM905 - curl's own spelling, easier to check as text
)
_SHORT = {
    "E": "cert", "K": "config", "C": "continue-at", "b": "cookie", "c": "cookie-jar",
    "d": "data", "D": "dump-header", "F": "form", "P": "ftp-port", "H": "header",
    "m": "max-time", "o": "output", "Q": "quote", "r": "range", "e": "referer",
    "X": "request", "Y": "speed-limit", "y": "speed-time", "t": "telnet-option",
    "z": "time-cond", "T": "upload-file", "u": "user", "A": "user-agent", "w": "write-out",
    "U": "proxy-user", "x": "proxy", "a": "append", "0": "http1.0", "1": "tlsv1",
    "2": "sslv2", "3": "sslv3", "4": "ipv4", "6": "ipv6", "B": "use-ascii", "f": "fail",
    "G": "get", "g": "globoff", "I": "head", "i": "include", "J": "remote-header-name",
    "j": "junk-session-cookies", "k": "insecure", "L": "location", "l": "list-only",
    "M": "manual", "N": "no-buffer", "n": "netrc", "O": "remote-name", "p": "proxytunnel",
    "q": "disable", "R": "remote-time", "S": "show-error", "s": "silent", "V": "version",
    "v": "verbose", "Z": "parallel", "#": "progress-bar", ":": "next", "h": "help",
}  # fmt: skip
_ALL_LONG = tuple(sorted(_LONG_WITH_VALUE | _LONG_SWITCHES))

# Switches that change only what curl prints or saves, or how it connects: nothing to carry.
_OUTPUT_ONLY = frozenset(
    """
    verbose silent show-error include show-headers progress-bar no-progress-meter output
    remote-name remote-name-all remote-header-name dump-header write-out fail
    fail-with-body fail-early trace trace-ascii trace-time trace-ids trace-config stderr
    styled-output no-buffer disable create-dirs output-dir libcurl remote-time
    remove-on-error no-clobber skip-existing out-null xattr manual help version
    """.split()  # noqa: SIM905 - curl's own spelling, easier to check as text
)
# Switches whose effect this app has anyway: said nowhere, since nothing is lost.
_ALREADY_SO = frozenset({"compressed", "globoff", "tcp-nodelay", "ipv4"})
_TLS_OPTIONS = frozenset(
    {
        "cacert", "capath", "cert", "cert-type", "key", "key-type", "pass", "ciphers",
        "tlsv1", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3", "tls-max", "crlfile",
        "pinnedpubkey", "ca-native", "cert-status", "ssl-no-revoke", "tls13-ciphers",
        "curves", "sslv2", "sslv3",
    }
)  # fmt: skip
_PROXY_OPTIONS = frozenset(
    {"proxy", "proxy-user", "preproxy", "noproxy", "proxytunnel", "socks4", "socks4a",
     "socks5", "socks5-hostname", "proxy1.0", "proxy-basic", "proxy-digest", "proxy-anyauth",
     "proxy-insecure", "proxy-header", "proxy-cacert", "proxy-cert", "proxy-key"}
)  # fmt: skip
_OTHER_AUTH = {
    "digest": "Digest",
    "ntlm": "NTLM",
    "ntlm-wb": "NTLM",
    "negotiate": "Negotiate (Kerberos)",
    "anyauth": "any authentication the server offers (--anyauth)",
}
_API_KEY_HEADERS = frozenset(
    {"x-api-key", "api-key", "apikey", "x-apikey", "x-auth-token", "x-access-token",
     "private-token", "x-api-token"}
)  # fmt: skip


@dataclass(slots=True)
class _Data:
    """One ``-d``-like piece: ``kind`` is data, binary, raw, urlencode or json; ``path``
    is set when its content is a file (``-`` for standard input)."""

    kind: str
    text: str = ""
    path: str | None = None
    name: str = ""  # --data-urlencode name@file


@dataclass(slots=True)
class _Options:
    """What curl's options asked for, before it becomes a request."""

    urls: list[str] = field(default_factory=list)
    method: str | None = None
    head: bool = False
    get: bool = False
    data: list[_Data] = field(default_factory=list)
    form: list[FormField] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    user: str | None = None
    auth_scheme: str = "basic"
    bearer: str | None = None
    cookies: list[str] = field(default_factory=list)
    cookie_files: list[str] = field(default_factory=list)
    user_agent: str | None = None
    referer: str | None = None
    follow: bool | None = None
    insecure: bool = False
    upload: str | None = None
    queries: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    tls: list[str] = field(default_factory=list)
    proxy: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # known options with no counterpart
    notes: list[str] = field(default_factory=list)
    json_flag: bool = False


def _long_name(word: str) -> tuple[str | None, str | None, bool]:
    """(option name, inline value, negated) for ``--name``, ``--no-name``, a unique prefix
    of a name, or ``--name=value`` (which curl itself does not take)."""
    name = word[2:]
    inline: str | None = None
    if name not in _LONG_WITH_VALUE and name not in _LONG_SWITCHES and "=" in name:
        name, inline = name.split("=", 1)
    negated = False
    known = name in _LONG_WITH_VALUE or name in _LONG_SWITCHES
    if not known and name.startswith("no-") and name[3:] in _LONG_SWITCHES:
        name, negated = name[3:], True
    if name in _LONG_WITH_VALUE or name in _LONG_SWITCHES:
        return name, inline, negated
    matches = [known for known in _ALL_LONG if known.startswith(name)] if name else []
    if len(matches) == 1:
        return matches[0], inline, negated
    return None, inline, negated


def _options(words: Sequence[str]) -> _Options:
    """curl's command line (after ``curl``), read as curl reads it."""
    options = _Options()
    index = 0
    only_urls = False
    while index < len(words):
        word = words[index]
        index += 1
        if only_urls or not word.startswith("-") or word == "-":
            options.urls.append(word)
            continue
        if word == "--":
            only_urls = True
            continue
        if word.startswith("--"):
            name, inline, negated = _long_name(word)
            if name is None:
                options.unknown.append(word.split("=", 1)[0] if inline is not None else word)
                continue
            if inline is not None:
                options.notes.append(
                    f"{word.split('=', 1)[0]}=… was read as {word.split('=', 1)[0]} with a "
                    "value, although curl itself wants a space there."
                )
            value: str | None = None
            if name in _LONG_WITH_VALUE:
                if inline is not None:
                    value = inline
                elif index < len(words):
                    value = words[index]
                    index += 1
                else:
                    options.notes.append(f"--{name} has no value at the end of the command.")
                    continue
            _apply(options, name, value, negated, f"--{name}")
            continue
        # Short options: "-sSL", "-XPOST", "-H" "value".
        position = 1
        while position < len(word):
            letter = word[position]
            position += 1
            long = _SHORT.get(letter)
            if long is None:
                options.unknown.append(f"-{letter}")
                continue
            if long in _LONG_WITH_VALUE:
                if position < len(word):
                    value = word[position:]
                elif index < len(words):
                    value = words[index]
                    index += 1
                else:
                    options.notes.append(f"-{letter} has no value at the end of the command.")
                    break
                _apply(options, long, value, False, f"-{letter}")
                break
            _apply(options, long, None, False, f"-{letter}")
    return options


def _apply(options: _Options, name: str, value: str | None, negated: bool, spelled: str) -> None:
    """One option and its value into ``options``."""
    text = value if value is not None else ""
    if name == "url":
        options.urls.append(text)
    elif name == "request":
        options.method = text
    elif name == "head":
        options.head = not negated
    elif name == "get":
        options.get = not negated
    elif name == "header":
        _header_option(options, text)
    elif name in ("data", "data-ascii", "data-binary"):
        kind = "binary" if name == "data-binary" else "data"
        if text.startswith("@"):
            options.data.append(_Data(kind, path=text[1:]))
        else:
            options.data.append(_Data(kind, text))
    elif name == "data-raw":
        options.data.append(_Data("raw", text))
    elif name == "json":
        options.json_flag = True
        if text.startswith("@"):
            options.data.append(_Data("json", path=text[1:]))
        else:
            options.data.append(_Data("json", text))
    elif name == "data-urlencode":
        options.data.append(_urlencode_piece(text))
    elif name == "url-query":
        piece = _urlencode_piece(text)
        if piece.path is not None:
            options.notes.append(
                f"--url-query {text} reads the file {piece.path}, which was not read: "
                "add its parameter to the URL."
            )
        else:
            options.queries.append(piece.text)
    elif name in ("form", "form-string"):
        _form_option(options, text, literal=name == "form-string")
    elif name == "user":
        options.user = text
    elif name in ("basic",):
        options.auth_scheme = "basic"
    elif name in _OTHER_AUTH:
        options.auth_scheme = name
    elif name == "oauth2-bearer":
        options.bearer = text
    elif name == "cookie":
        if "=" in text:
            options.cookies.append(text)
        else:
            options.cookie_files.append(text)
    elif name == "user-agent":
        options.user_agent = text
    elif name == "referer":
        options.referer = text.removesuffix(";auto") if text != ";auto" else ""
    elif name in ("location", "location-trusted", "follow"):
        options.follow = not negated
        if name == "location-trusted":
            options.notes.append(
                "--location-trusted also sent the credentials to other hosts after a "
                "redirect; here they go only to the first request's origin."
            )
    elif name == "insecure":
        options.insecure = not negated
    elif name == "upload-file":
        options.upload = text
    elif name in _OUTPUT_ONLY:
        options.output.append(spelled)
    elif name in _ALREADY_SO:
        pass
    elif name in _TLS_OPTIONS:
        options.tls.append(spelled)
    elif name in _PROXY_OPTIONS:
        options.proxy.append(spelled)
    else:
        options.other.append(spelled)


def _header_option(options: _Options, text: str) -> None:
    if text.startswith("@"):
        options.notes.append(
            f"-H {text} reads headers from the file {text[1:]}, which was not read: "
            "add them in the Headers tab."
        )
        return
    colon, semicolon = text.find(":"), text.find(";")
    if semicolon >= 0 and (colon < 0 or semicolon < colon) and not text[semicolon + 1 :].strip():
        options.headers.append((text[:semicolon], ""))  # "Name;" sends an empty header
        return
    if colon < 0:
        options.notes.append(f'-H "{text}" has no colon, so curl sends no header for it.')
        return
    name, value = text[:colon], text[colon + 1 :].strip(" \t")
    if not value:
        options.removed.append(name.strip())  # "Name:" removes a header curl would send
        return
    options.headers.append((name, value))


def _urlencode_piece(text: str) -> _Data:
    """``--data-urlencode``: ``content``, ``=content``, ``name=content``, ``@file``,
    ``name@file``, percent-encoded as curl does (space as ``+``)."""
    equals, at = text.find("="), text.find("@")
    if at >= 0 and (equals < 0 or at < equals):
        return _Data("urlencode", path=text[at + 1 :], name=text[:at])
    if equals >= 0:
        name, content = text[:equals], text[equals + 1 :]
        encoded = quote_plus(content, safe="")
        return _Data("urlencode", f"{name}={encoded}" if name else encoded)
    return _Data("urlencode", quote_plus(text, safe=""))


def _form_option(options: _Options, text: str, *, literal: bool) -> None:
    """``-F name=value``, ``name=@file;type=…``, ``name=<file``, ``name="quoted;value"``."""
    name, equals, content = text.partition("=")
    if not equals:
        options.notes.append(f'-F "{text}" has no "=", so curl refuses it; it was left out.')
        return
    if literal:
        options.form.append(FormField(name, content))
        return
    is_file = content.startswith("@")
    from_file = content.startswith("<")
    if is_file or from_file:
        content = content[1:]
    value, params = _form_value(content)
    content_type = ""
    for key, param in params:
        lowered = key.lower()
        if lowered == "type":
            content_type = param
        elif lowered == "filename":
            options.notes.append(
                f'The form field "{name}" names its file "{param}" (;filename=); the file '
                "is sent under its own name here."
            )
        else:
            options.notes.append(
                f'The form field "{name}" has ;{key}{"=" if param else ""}{param}, '
                "which has no counterpart here; it was left out."
            )
    if from_file:
        options.notes.append(
            f'The form field "{name}" takes its text from the file {value} (-F {name}=<…); '
            "it is sent here as a file part instead."
        )
    options.form.append(
        FormField(name, value, file=is_file or from_file, content_type=content_type)
    )


def _form_value(content: str) -> tuple[str, list[tuple[str, str]]]:
    """A form value and its ``;key=value`` parameters; a ``"…"`` value may hold ``;``."""
    if content.startswith('"'):
        out: list[str] = []
        index = 1
        while index < len(content) and content[index] != '"':
            if content[index] == "\\" and index + 1 < len(content):
                index += 1
            out.append(content[index])
            index += 1
        value, rest = "".join(out), content[index + 1 :]
    else:
        value, _, rest = content.partition(";")
        rest = ";" + rest if rest else ""
    params: list[tuple[str, str]] = []
    for part in rest.split(";"):
        if part.strip():
            key, _, param = part.strip().partition("=")
            params.append((key, param.strip('"')))
    return value, params


# --------------------------------------------------------------------------- secrets


class _Secrets:
    """Secret values found, under unique variable names; a value met twice keeps one name."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.taken: set[str] = set()

    def reserve(self, names: Iterable[str]) -> None:
        self.taken.update(names)

    def add(self, wanted: str, value: str) -> str:
        """The ``{{name}}`` that stands for ``value`` from now on."""
        for name, known in self.values.items():
            if known == value:
                return _placeholder(name)
        name, number = wanted, 2
        while name in self.taken:
            name, number = f"{wanted}_{number}", number + 1
        self.taken.add(name)
        self.values[name] = value
        return _placeholder(name)


def _is_placeholder(value: str) -> bool:
    return VARIABLE_PATTERN.fullmatch(value.strip()) is not None


def _has_placeholder(value: str) -> bool:
    return VARIABLE_PATTERN.search(value) is not None


# --------------------------------------------------------------------------- building


@dataclass(slots=True)
class _Built:
    """One request read from one curl command, with what was said about it."""

    request: SavedRequest
    report: list[str]
    secret_names: list[str]  # the secret variables it refers to, for the report
    variables: list[str]  # shell variables it uses
    credential_variables: list[str]  # those of them in a credential's place


def _is_curl(word: str) -> bool:
    base = re.split(r"[\\/]", word)[-1].lower()
    return base in ("curl", "curl.exe")


def _curl_words(command: _Command) -> list[str] | None:
    """The words after ``curl``, skipping what may stand before it (``$`` of a copied
    prompt, ``sudo``, ``VAR=value``); ``None`` when this is not a curl command."""
    words = command.words
    for index, word in enumerate(words):
        if _is_curl(word):
            return words[index + 1 :]
        if word in ("$", "%", ">", "sudo", "time", "command", "exec", "env", "noglob"):
            continue
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", word, re.DOTALL):
            continue
        return None
    return None


def _joinable(command: _Command) -> bool:
    """A line a docs page meant as the next line of a curl command, its ``\\`` lost."""
    first = command.words[0]
    return first.startswith("-") or first.startswith(("http://", "https://"))


def _group(
    commands: list[_Command],
) -> tuple[list[tuple[_Command, list[str]]], list[_Command]]:
    """Each curl command with its words (lines that continue one without a backslash are
    joined to it, noted), and the other commands, which are left out."""
    found: list[tuple[_Command, list[str]]] = []
    others: list[_Command] = []
    for command in commands:
        words = _curl_words(command)
        if words is not None:
            found.append((command, list(words)))
            continue
        if (
            found
            and found[-1][0].ended_by == "\n"
            and command.piped_from is None
            and _joinable(command)
        ):
            owner, owner_words = found[-1]
            owner_words.extend(command.words)
            owner.joined_lines.append(command.line)
            owner.variables.extend(v for v in command.variables if v not in owner.variables)
            owner.notes.extend(command.notes)
            if command.stdin is not None:
                owner.stdin = command.stdin
            owner.ended_by = command.ended_by
            continue
        others.append(command)
    feeding = {id(c.piped_from) for c, _ in found if c.piped_from is not None}
    return found, [c for c in others if id(c) not in feeding]


def _left_out(others: Sequence[_Command]) -> str:
    """The report's sentence for commands in the text that are not curl."""
    lines = list(dict.fromkeys(str(c.line) for c in others))
    names = [c.words[0] if len(c.words[0]) <= 40 else c.words[0][:39] + "…" for c in others]
    programs = list(dict.fromkeys(f'"{n}"' for n in names))
    return (
        f"{'Line' if len(lines) == 1 else 'Lines'} {_and(lines)}: {_and(programs)} "
        f"{'is' if len(programs) == 1 else 'are'} not curl; left out."
    )


def _stdin_of(command: _Command) -> _Stdin:
    if command.stdin is not None:
        return command.stdin
    source = command.piped_from
    if source is None:
        return _Stdin(origin="")
    words = source.words
    program = re.split(r"[\\/]", words[0])[-1] if words else ""
    if program == "echo":
        args = words[1:]
        newline, escapes = True, False
        while args and re.fullmatch(r"-[neE]+", args[0]):
            newline = newline and "n" not in args[0]
            escapes = "e" in args[0] or escapes
            args = args[1:]
        text = " ".join(args)
        if escapes:
            text = _printf_escapes(text, command.notes)
        return _Stdin(text=text + ("\n" if newline else ""), origin="echo")
    if program == "printf" and len(words) >= 2:
        printed = _printf(words[1], words[2:], command.notes)
        if printed is not None:
            return _Stdin(text=printed, origin="printf")
        return _Stdin(origin="printf with a format this import does not evaluate")
    if program == "cat":
        if len(words) == 2 and not words[1].startswith("-"):
            return _Stdin(path=words[1], origin=f"the file {words[1]} (cat)")
        if len(words) == 1 and source.stdin is not None:
            return source.stdin
    return _Stdin(origin=f"the output of {program or 'another command'}")


_PRINTF_ESCAPE = re.compile(r"\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.)", re.DOTALL)


def _printf_escapes(text: str, notes: list[str]) -> str:
    """Backslash escapes of ``printf``'s format and ``echo -e``; octal and ``\\x``
    escapes are bytes, read as UTF-8 (U+FFFD where they are not, noted in ``notes``)."""
    out = bytearray()
    last = 0
    for match in _PRINTF_ESCAPE.finditer(text):
        out += text[last : match.start()].encode("utf-8", "surrogatepass")
        token = match.group(0)[1:]
        if token[0] in "01234567":
            out.append(int(token, 8) & 0xFF)
        elif token[0] == "x" and len(token) > 1:
            out.append(int(token[1:], 16))
        elif token in _ANSI_SIMPLE:
            out += _ANSI_SIMPLE[token].encode()
        else:
            out += ("\\" + token).encode("utf-8", "surrogatepass")
        last = match.end()
    out += text[last:].encode("utf-8", "surrogatepass")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        notes.append(
            "The text piped into curl holds bytes that are not UTF-8 text; each was "
            "replaced by \ufffd."
        )
        return out.decode("utf-8", "replace")


def _printf(fmt: str, args: Sequence[str], notes: list[str]) -> str | None:
    """``printf FORMAT ARGS`` for ``%s``, ``%b`` and ``%%``; ``None`` for other formats."""
    pieces = re.split(r"(%%|%[sb]|%)", fmt)
    if any(p.startswith("%") and p not in ("%%", "%s", "%b") for p in pieces):
        return None
    conversions = sum(1 for p in pieces if p in ("%s", "%b"))
    rounds = max(1, -(-len(args) // conversions)) if conversions else 1
    out: list[str] = []
    queue = list(args)
    for _ in range(rounds):
        for piece in pieces:
            if piece == "%%":
                out.append("%")
            elif piece in ("%s", "%b"):
                arg = queue.pop(0) if queue else ""
                out.append(_printf_escapes(arg, notes) if piece == "%b" else arg)
            else:
                out.append(_printf_escapes(piece, notes))
    return "".join(out)


def _looks_like_url(word: str) -> bool:
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*://|\{\{", word)) or any(
        char in word for char in "./:"
    )


def _request_name(url: str) -> str:
    shown = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", url.strip())
    shown = shown.split("#", 1)[0].split("?", 1)[0]
    shown = " ".join(shown.split())
    if len(shown) > 80:
        shown = shown[:79] + "…"
    return shown or _UNTITLED


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _json_content_type(value: str) -> bool:
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _form_pairs(body: str) -> list[FormField] | None:
    """``a=1&b=2`` as fields (names and values percent-decoded), or ``None`` when the body
    is not ``name=value`` pairs."""
    if not body or "\n" in body or "\r" in body:
        return None
    fields: list[FormField] = []
    for part in body.split("&"):
        name, equals, value = part.partition("=")
        if not equals or not name:
            return None
        fields.append(FormField(unquote_plus(name), unquote_plus(value)))
    return fields


def _build(command: _Command, words: list[str], secrets: _Secrets) -> _Built:
    """The request one curl command sends."""
    report: list[str] = []
    options = _options(words)
    stdin = _stdin_of(command)  # before the notes are read: reading it may add one
    secret_names: list[str] = []
    credential_variables: list[str] = []

    if command.joined_lines:
        lines = _and([str(n) for n in command.joined_lines])
        report.append(
            f"Line{'s' if len(command.joined_lines) > 1 else ''} {lines} "
            f"continue{'' if len(command.joined_lines) > 1 else 's'} the curl command "
            "without a backslash at the end of the line before; "
            f"{'they were' if len(command.joined_lines) > 1 else 'it was'} read as part of it "
            "(a shell would run them as separate commands)."
        )
    report.extend(command.notes)
    report.extend(options.notes)

    # --- URL --------------------------------------------------------------------------
    urls = options.urls
    if not urls:
        raise FormatError("The curl command has no URL.")
    url_index = next((i for i, u in enumerate(urls) if _looks_like_url(u)), 0)
    url = urls[url_index].strip()
    others = [u for i, u in enumerate(urls) if i != url_index]
    if others:
        report.append(
            f"curl was given more than one URL; only {url} was imported ({_and(others)} left out)."
        )
    if not has_scheme(url) and not url.startswith("{{"):
        url = "http://" + url
        report.append(f"The URL had no scheme; curl uses http://, so it is {url}.")

    # --- headers ----------------------------------------------------------------------
    headers: list[tuple[str, str]] = []
    for name, value in options.headers:
        clean = name.strip()
        if clean != name:
            report.append(
                f'The header name "{name}" had spaces around it; they were removed ("{clean}").'
            )
        if not is_header_name(clean):
            report.append(f'"{name}" is not a valid header name; the header was left out.')
            continue
        if clean.lower() == "content-length":
            report.append(
                "The Content-Length header was left out: it is computed from the body when sending."
            )
            continue
        headers.append((clean, value))

    def has(name: str) -> bool:
        return any(n.lower() == name.lower() for n, _ in headers)

    if options.user_agent is not None and not has("User-Agent"):
        headers.append(("User-Agent", options.user_agent))
    if options.referer and not has("Referer"):
        headers.append(("Referer", options.referer))
    if options.cookies:
        joined = "; ".join(options.cookies)
        if has("Cookie"):
            report.append(
                f"-b {joined} was left out: curl does not send -b cookies when a Cookie "
                "header is given."
            )
        else:
            headers.append(("Cookie", joined))
    if has("Cookie"):
        report.append(
            "The request sends cookies (a Cookie header); a session cookie is a credential, "
            "so check it before sharing the collection."
        )
    for path in options.cookie_files:
        report.append(
            f"-b {path} reads cookies from a file, which was not read: add them as a "
            "Cookie header if the request needs them."
        )
    no_content_type = any(r.lower() == "content-type" for r in options.removed)
    for removed in options.removed:
        # No Content-Type and no Expect: this app sends neither unless asked, as curl here.
        if removed.lower() in ("content-type", "expect"):
            continue
        report.append(
            f'curl was told not to send its own "{removed}" header ({removed}:); this app '
            "sends its own headers of that name unless the request sets one."
        )

    # --- body -------------------------------------------------------------------------
    body = ""
    body_mode = BodyMode.JSON
    form: tuple[FormField, ...] = ()
    query_data: str | None = None
    file_body: str | None = None
    if options.data:
        texts: list[str] = []
        unread: list[str] = []
        only_file = len(options.data) == 1 and options.data[0].path not in (None, "-")
        for piece in options.data:
            if piece.path is None:
                texts.append(piece.text)
                continue
            if piece.path == "-":
                known = stdin.text
                if known is None:
                    origin = stdin.origin or "the terminal"
                    report.append(
                        f"The body comes from curl's standard input ({origin}), which "
                        "is not part of the command: add it in the Body tab."
                    )
                    continue
                if piece.kind == "data":
                    known = known.replace("\r", "").replace("\n", "")
                elif piece.kind == "urlencode":
                    known = quote_plus(known, safe="")
                    known = f"{piece.name}={known}" if piece.name else known
                texts.append(known)
                continue
            if only_file and piece.kind in ("data", "binary", "json") and not options.get:
                file_body = piece.path
                break
            unread.append(piece.path)
        for path in unread:
            report.append(
                f"The file {path} (data read with @) was not read: add its contents in "
                "the Body tab."
            )
        separator = "" if options.json_flag else "&"
        body = separator.join(texts)
        if options.get:
            query_data, body = body, ""
    if options.json_flag:
        if not has("Content-Type"):
            headers.append(("Content-Type", "application/json"))
        if not has("Accept"):
            headers.append(("Accept", "application/json"))
    for query in ([query_data] if query_data else []) + options.queries:
        before, hash_sign, fragment = url.partition("#")
        url = before + ("&" if "?" in before else "?") + query + hash_sign + fragment

    if options.upload is not None and file_body is None and not body:
        if options.upload == "-":
            if stdin.text is not None:
                body = stdin.text
            else:
                report.append("-T - uploads curl's standard input, which is not part of it.")
        else:
            file_body = options.upload
    elif options.upload is not None:
        report.append(f"-T {options.upload} was left out: the request already has a body.")

    content_type = next((v for n, v in headers if n.lower() == "content-type"), None)
    sends_form = bool(options.form)
    if sends_form:
        if options.data:
            report.append(
                "curl refuses -d together with -F; the -F form fields were imported, the "
                "data left out."
            )
            body = ""
            file_body = None
        body_mode = BodyMode.MULTIPART
        form = tuple(options.form)
        if content_type is not None and "boundary=" not in content_type.lower():
            headers = [(n, v) for n, v in headers if n.lower() != "content-type"]
            report.append(
                f'The Content-Type header "{content_type}" was left out: a multipart '
                "body gets its own, with the boundary, when it is sent."
            )
        files = [f.value for f in form if f.file]
        if files:
            report.append(
                f"The form sends the file{'s' if len(files) > 1 else ''} {_and(files)} "
                "(by path, read when sending)."
            )
    elif file_body is not None:
        body_mode = BodyMode.FILE
        body = file_body
        stripped = options.data and options.data[0].kind == "data"
        report.append(
            f"The body is the file {file_body}, read when sending"
            + (
                " (curl's -d would have removed its line breaks; --data-binary keeps them)."
                if stripped
                else "."
            )
        )
        if content_type is None and options.data and not no_content_type:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    elif body and no_content_type and content_type is None:
        body_mode = BodyMode.RAW  # sent as typed, without a Content-Type, as curl sends it
    elif body:
        kind, body_mode, form, body, note = _body_kind(body, content_type)
        if note:
            report.append(note)
        if kind == "raw" and content_type is None and options.data:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))

    # --- method -----------------------------------------------------------------------
    if options.method is not None:
        method = options.method.strip().upper() or "GET"
    elif options.head:
        method = "HEAD"
    elif options.get:
        method = "GET"
    elif options.upload is not None:
        method = "PUT"
    elif options.data or options.form:
        method = "POST"
    else:
        method = "GET"
    if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", method):
        raise FormatError(f'"{options.method}" (-X) is not an HTTP method.')

    # --- auth and secrets -------------------------------------------------------------
    auth = AuthSpec()
    description = ""
    authorization = next(
        ((i, v) for i, (n, v) in enumerate(headers) if n.lower() == "authorization"), None
    )
    if options.user is not None and authorization is not None:
        report.append("-u was left out: curl sends the Authorization header given with -H instead.")
    elif options.user is not None:
        username, colon, password = options.user.partition(":")
        if not colon:
            report.append(
                f'-u gives the user "{username}" without a password (curl would ask for '
                "one); set it in the Auth tab."
            )
        if password and not _has_placeholder(password):
            placeholder = secrets.add("password", password)
            secret_names.append(placeholder)
            password = placeholder
        elif _is_placeholder(password):
            credential_variables.append(VARIABLE_PATTERN.findall(password)[0])
        if options.auth_scheme == "basic":
            auth = AuthSpec(AuthKind.BASIC, (("username", username), ("password", password)))
        else:
            label = _OTHER_AUTH[options.auth_scheme]
            description = (
                f"Imported from a cURL command that used {label} authentication as the "
                f'user "{username}" with the password {password or "(none)"}. This app has '
                f"no {label} authentication: the request is sent without any."
            )
            auth = AuthSpec(AuthKind.NONE)
            report.append(
                f"{label} authentication (--{options.auth_scheme}) has no counterpart here; "
                "the request has no auth and its description says what curl used."
            )
    if options.bearer is not None:
        token = options.bearer
        if not _has_placeholder(token):
            token = secrets.add("token", token)
            secret_names.append(token)
        if authorization is None:
            auth = AuthSpec(AuthKind.BEARER, (("token", token),))
        else:
            report.append("--oauth2-bearer was left out: an Authorization header is given.")
    if authorization is not None:
        index, value = authorization
        scheme, space, credentials = value.strip().partition(" ")
        credentials = credentials.strip()
        decoded = _basic_credentials(credentials) if scheme.lower() == "basic" else None
        if scheme.lower() == "bearer" and space and _is_placeholder(credentials):
            auth = AuthSpec(AuthKind.BEARER, (("token", credentials),))
            del headers[index]
        elif _has_placeholder(value):
            pass
        elif scheme.lower() == "bearer" and space and credentials:
            token = secrets.add("token", credentials)
            secret_names.append(token)
            auth = AuthSpec(AuthKind.BEARER, (("token", token),))
            del headers[index]
            report.append(
                "The Authorization header's bearer token became the request's Bearer auth."
            )
        elif decoded is not None and ":" in decoded:
            username, _, password = decoded.partition(":")
            if password:
                password = secrets.add("password", password)
                secret_names.append(password)
            auth = AuthSpec(AuthKind.BASIC, (("username", username), ("password", password)))
            del headers[index]
            report.append(
                "The Authorization header's Basic credentials became the request's Basic auth."
            )
        else:
            shown = secrets.add("authorization", credentials if space and credentials else value)
            secret_names.append(shown)
            new_value = f"{scheme} {shown}" if space and credentials else shown
            headers[index] = (headers[index][0], new_value)
    for position, (name, value) in enumerate(headers):
        if name.lower() in _API_KEY_HEADERS and value and not _has_placeholder(value):
            shown = secrets.add(re.sub(r"[^A-Za-z0-9_]", "_", name.lower()), value)
            secret_names.append(shown)
            headers[position] = (name, shown)
    for name, value in headers:
        if name.lower() in ("authorization", *_API_KEY_HEADERS) and _is_placeholder(value):
            credential_variables.extend(VARIABLE_PATTERN.findall(value))
    token_value = auth.get("token")
    if _is_placeholder(token_value):
        credential_variables.extend(VARIABLE_PATTERN.findall(token_value))

    # --- everything else said once ----------------------------------------------------
    if options.insecure:
        report.append(
            "curl was told not to check TLS certificates (-k); here that is the "
            "collection's TLS setting (verify: false), which this import leaves on."
        )
    for kind, given, why in (
        ("TLS", options.tls, "certificates are the collection's TLS settings here"),
        ("proxy", options.proxy, "the proxy is a collection setting here"),
    ):
        if given:
            named = list(dict.fromkeys(given))
            several = len(named) > 1
            report.append(
                f"The {kind} option{'s' if several else ''} {_and(named)} "
                f"{'were' if several else 'was'} left out: {why}."
            )
    if options.output:
        output = list(dict.fromkeys(options.output))
        report.append(
            f"{_and(output)} only change{'' if len(output) > 1 else 's'} what curl prints or "
            "saves; left out."
        )
    if options.other:
        report.append(
            f"{_and(list(dict.fromkeys(options.other)))} "
            f"{'have' if len(set(options.other)) > 1 else 'has'} no counterpart here; left out."
        )
    if options.unknown:
        unknown = list(dict.fromkeys(options.unknown))
        report.append(
            f"Unknown curl option{'s' if len(unknown) > 1 else ''} {_and(unknown)} "
            f"{'were' if len(unknown) > 1 else 'was'} left out."
        )
    if command.variables:
        shown_vars = [f"${v}" for v in command.variables]
        report.append(
            f"The shell variable{'s' if len(shown_vars) > 1 else ''} {_and(shown_vars)} "
            f"became {_and([_placeholder(v) for v in command.variables])}: give "
            f"{'them values' if len(shown_vars) > 1 else 'it a value'} in the environment."
        )
    literal = sorted(
        {
            m.group(0)
            for text in (url, body, *(v for _, v in headers), *(f.value for f in form))
            for m in VARIABLE_PATTERN.finditer(text)
            if m.group(1) not in command.variables and m.group(0) not in secret_names
        }
    )
    if literal:
        report.append(
            f"The command's text holds {_and(literal)}, which this app reads as "
            f"{'variables' if len(literal) > 1 else 'a variable'}: define "
            f"{'them' if len(literal) > 1 else 'it'} before sending, or change the text "
            "where it is not meant as one."
        )

    params = tuple(params_from_url(url))
    request = SavedRequest(
        name=_request_name(url),
        method=method,
        url=url,
        params=params,
        headers=tuple(KeyValue(n, v) for n, v in headers),
        body=body,
        body_mode=body_mode,
        auth=auth,
        description=description,
        follow_redirects=True if options.follow else None,
        form=form,
    )
    return _Built(request, report, secret_names, list(command.variables), credential_variables)


def _basic_credentials(token: str) -> str | None:
    try:
        return base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _body_kind(
    body: str, content_type: str | None
) -> tuple[str, BodyMode, tuple[FormField, ...], str, str]:
    """(kind, mode, form fields, body text, a note or "") for a data body."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    valid_json = check_json(body) is None
    if content_type is not None and _json_content_type(content_type):
        if valid_json:
            return "json", BodyMode.JSON, (), body, ""
        return (
            "raw",
            BodyMode.RAW,
            (),
            body,
            "The Content-Type says JSON but the body is not valid JSON; it is kept as raw "
            "text, sent as typed.",
        )
    if content_type is None and valid_json and body.strip(" \t\r\n")[:1] in ("{", "["):
        return (
            "json",
            BodyMode.JSON,
            (),
            body,
            "The JSON body had no Content-Type (curl would have sent "
            "application/x-www-form-urlencoded); it is sent as JSON here.",
        )
    if content_type is None or media == "application/x-www-form-urlencoded":
        fields = _form_pairs(body)
        if fields is not None:
            return "form", BodyMode.FORM, tuple(fields), "", ""
    return "raw", BodyMode.RAW, (), body, ""


# --------------------------------------------------------------------------- entry points


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FormatError(
            f"The input is {len(data) / 1024 / 1024:.0f} MB; a cURL command over "
            f"{MAX_BYTES // 1024 // 1024} MB is not read."
        )
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"The input is not UTF-8 text (byte {exc.start + 1} cannot be read)."
        ) from None


def _commands(text: str) -> tuple[list[tuple[_Command, list[str]]], list[_Command]]:
    if len(text) > MAX_BYTES:
        raise FormatError(
            f"The text is over {MAX_BYTES // 1024 // 1024} million characters; no cURL "
            "command is that long."
        )
    text = text.replace("\x00", "")
    try:
        commands = _cmd_commands(text) if _looks_like_cmd(text) else _BashLexer(text).run()
    except RecursionError:
        raise FormatError("The command is nested too deeply to read.") from None
    found, others = _group(commands)
    if not found:
        raise FormatError("No curl command was found: the text should start with curl.")
    return found, others


def sniff(data: bytes, name: str) -> bool:
    """True when the first command of ``data`` is a curl command (a ``#`` comment, a
    ``$`` prompt, or ``echo …|`` may come first)."""
    del name
    head = data[:_SNIFF_BYTES]
    try:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = head.decode("utf-16", "ignore")
        else:
            text = head.decode("utf-8-sig", "ignore")
    except (UnicodeDecodeError, ValueError):
        return False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "::", "REM ", "rem ")):
            continue
        stripped = re.sub(r"^[$%>]\s+", "", stripped)
        return (
            re.match(r"(?:\S*[\\/])?curl(?:\.exe)?(?:\s|\^?$)", stripped, re.IGNORECASE) is not None
            or re.match(r"(?:echo|printf|cat)\b[^\n]*\|\s*curl\b", stripped) is not None
        )
    return False


def _each(text: str) -> tuple[list[_Built], _Secrets, list[_Command]]:
    found, others = _commands(text)
    secrets = _Secrets()
    secrets.reserve(v for command, _ in found for v in command.variables)
    built = [_build(command, words, secrets) for command, words in found]
    return built, secrets, others


def parse_command(text: str) -> tuple[SavedRequest, tuple[ReportLine, ...], dict[str, str]]:
    """The request a pasted cURL command sends, what did not come across, and the secret
    values found (variable name -> value; the request refers to each as ``{{name}}``).

    Only the first curl command of ``text`` is read; the report says when there were more.
    Raises ``FormatError`` (one sentence) when ``text`` holds no curl command or cannot be
    read as one.
    """
    found, others = _commands(text)
    secrets = _Secrets()
    command, words = found[0]
    secrets.reserve(command.variables)
    built = _build(command, words, secrets)
    where = built.request.name
    lines = [ReportLine(where, what) for what in built.report]
    if built.secret_names:
        lines.append(
            ReportLine(
                where,
                f"Credentials found in the command became the secret "
                f"variable{'s' if len(built.secret_names) > 1 else ''} "
                f"{_and(list(dict.fromkeys(built.secret_names)))}; their values are kept "
                "out of the request.",
            )
        )
    if len(found) > 1:
        lines.append(
            ReportLine(
                where,
                f"The text holds {len(found)} curl commands; only the first was read.",
            )
        )
    if others:
        lines.append(ReportLine(where, _left_out(others)))
    return built.request, tuple(lines), dict(secrets.values)


def read(data: bytes, name: str, include: Include | None = None) -> Imported:
    """Every curl command in ``data`` as a request at the top of a collection named after
    the file (``name``); secrets found go to an environment of the same name."""
    del include
    text = _decode(data)
    built, secrets, others = _each(text)
    collection = _collection_name(name)
    seen: dict[str, int] = {}
    requests: list[SavedRequest] = []
    report: list[ReportLine] = []
    for item in built:
        request = item.request
        count = seen.get(request.name, 0) + 1
        seen[request.name] = count
        if count > 1:
            request = replace(request, name=f"{request.name} ({count})")
        requests.append(request)
        report.extend(ReportLine(request.name, what) for what in item.report)
        if item.secret_names:
            report.append(
                ReportLine(
                    request.name,
                    f"Credentials found in the command became the secret "
                    f"variable{'s' if len(set(item.secret_names)) > 1 else ''} "
                    f"{_and(list(dict.fromkeys(item.secret_names)))} of the environment "
                    f'"{collection}"; their values go to the secret store, not into files.',
                )
            )
    if others:
        report.append(ReportLine("(collection)", _left_out(others)))
    credential = {v for item in built for v in item.credential_variables}
    shell_variables = list(dict.fromkeys(v for item in built for v in item.variables))
    variables = [Variable(v, secret=v in credential) for v in shell_variables]
    variables += [Variable(n, secret=True) for n in secrets.values]
    environments = (Environment(collection, tuple(variables)),) if variables else ()
    return Imported(
        format=FORMAT,
        root=ImportedFolder(collection, tuple(requests)),
        environments=environments,
        secrets={(collection, n): v for n, v in secrets.values.items()},
        report=tuple(report),
    )


def _collection_name(name: str) -> str:
    base = re.split(r"[\\/]", name.strip())[-1]
    for suffix in (".json.curl", ".curl", ".sh", ".bash", ".zsh", ".cmd", ".bat", ".txt"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
            break
    base = base.strip()
    return base if base and base != "-" else "Imported"
