"""The `confidente` command: the same services as the window, from a terminal.

No argument opens the window; file paths (`confidente FILE…`, what "Open with
Confidente" runs) open it and add them to its document library. Expected
failures print one line to stderr and exit 1; `--json` prints exactly one JSON
document on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app import __version__
from app.cli import documents as cli_documents
from app.cli import erase as cli_erase
from app.cli import models as cli_models
from app.cli import tasks as cli_tasks
from app.cli.unlocking import open_services
from app.core import privacy
from app.core.errors import ConfidenteError

if TYPE_CHECKING:
    from app.core.chat.service import ChatReply
    from app.core.documents.records import Quote
    from app.core.services import Services
    from app.core.worker import Job

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

USAGE = """confidente [-h] [--version] [--model PATH] [--self-test] [FILE ...]
       confidente [--model PATH] COMMAND ..."""
FILES_HELP = (
    "FILE: a document (PDF, Word, text, ...) to open: the window opens, adds it to the "
    "document library shown there, and shows it. This is what “Open with Confidente” runs. "
    "An argument is a file when it is not a command and names an existing file, or has a "
    "folder or an extension in it; every argument after the first file is a file too. "
    "Write a file named like a command with its folder (./chat), or after -- "
    "(confidente -- chat). To add folders, or without the window, use the add command."
)
OPTIONS_WITH_A_VALUE = ("--model",)  # the options before the command that take one


def _add_options(parser: argparse.ArgumentParser) -> None:
    """The options that come before a command, or before files."""
    parser.add_argument("--version", action="version", version=f"confidente {__version__}")
    parser.add_argument("--model", metavar="PATH", help="use this GGUF model file for this run")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation end to end, offscreen and offline: window, model, "
        "one answer, a sample PDF indexed and searched; exit 0 when all pass",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="confidente",
        usage=USAGE,
        description="A private assistant: chat with a local model and your documents, offline. "
        "Without a command, opens the window.",
        epilog=FILES_HELP,
    )
    _add_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser("chat", help="chat in the terminal, or answer one MESSAGE")
    chat.add_argument("message", nargs="?", help="answer this message and exit")
    chat.add_argument("--model", metavar="PATH", default=argparse.SUPPRESS, help="GGUF model file")
    chat.add_argument(
        "--conversation", type=int, metavar="ID", help="continue a stored conversation"
    )
    chat.add_argument("--max-tokens", type=int, metavar="N", help="longest answer, in tokens")
    chat.add_argument("--json", action="store_true", help="print one JSON document (needs MESSAGE)")

    ask = commands.add_parser("ask", help="answer QUESTION from your documents, with sources")
    ask.add_argument("question")
    cli_documents.add_library_option(ask)
    ask.add_argument("-k", type=int, metavar="N", help="number of excerpts given to the model")
    ask.add_argument("--model", metavar="PATH", default=argparse.SUPPRESS, help="GGUF model file")
    ask.add_argument("--conversation", type=int, metavar="ID", help="continue a conversation")
    ask.add_argument("--max-tokens", type=int, metavar="N", help="longest answer, in tokens")
    ask.add_argument("--json", action="store_true", help="print one JSON document")
    cli_documents.register(commands)
    cli_tasks.register(commands)

    conversations = commands.add_parser("conversations", help="list stored conversations")
    conversations.add_argument("--json", action="store_true", help="print JSON")

    doctor = commands.add_parser("doctor", help="check the installation and privacy")
    doctor.add_argument("--json", action="store_true", help="print JSON")

    cli_models.register(commands)
    cli_erase.register(commands)
    return parser


def _files_parser() -> argparse.ArgumentParser:
    """`confidente [options] FILE…`: the same options, then files rather than a command."""
    parser = argparse.ArgumentParser(prog="confidente", usage=USAGE, add_help=False)
    parser.add_argument("-h", "--help", action="store_true")  # the full help, below
    _add_options(parser)
    parser.add_argument("files", nargs="+", metavar="FILE")
    return parser


def opens_files(argv: Sequence[str], commands: Sequence[str]) -> bool:
    """Whether the command line names files to open rather than a command.

    Its first argument that is not an option (nor an option's value) decides: a
    command's name is that command; otherwise it is a file when it names an existing
    one, or has a folder or an extension in it. Anything else (a mistyped command) is
    left to the parser, which says which commands there are. After `--`, a file.
    """
    takes_value = False
    for index, argument in enumerate(argv):
        if takes_value:
            takes_value = False
        elif argument == "--":
            return index + 1 < len(argv)
        elif argument.startswith("-") and argument != "-":
            # argparse takes any unambiguous beginning of an option: --mod for --model
            takes_value = "=" not in argument and any(
                len(argument) > 2 and option.startswith(argument) for option in OPTIONS_WITH_A_VALUE
            )
        else:
            return argument not in commands and _looks_like_a_file(argument)
    return False


def _looks_like_a_file(argument: str) -> bool:
    separators = {"/", os.sep, os.altsep or "/"}
    return (
        any(separator in argument for separator in separators)
        or bool(os.path.splitext(argument)[1])
        or os.path.lexists(argument)  # only a bare name in this folder gets here
    )


def command_names(parser: argparse.ArgumentParser) -> list[str]:
    # argparse has no public way to list a parser's subcommands.
    return [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """A command with its arguments, or none (the window) with `files` to open in it.

    `files` are absolute: the window may not resolve them from the same folder.
    """
    parser = build_parser()
    if not opens_files(argv, command_names(parser)):
        args = parser.parse_args(argv)
        args.files = []
        return args
    files_parser = _files_parser()
    args = files_parser.parse_args(argv)
    if args.help:
        parser.print_help()
        parser.exit()
    if args.self_test:
        files_parser.error("--self-test opens no files")
    args.command = None
    args.files = [os.path.abspath(os.path.expanduser(path)) for path in args.files]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    # In a frozen app the document reader's child process re-enters here: let it run.
    multiprocessing.freeze_support()
    privacy.install_network_guard()
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    if args.command is None or args.self_test:
        from app.gui.main_window import run_gui

        return run_gui(sys.argv[:1], args.model, self_test=args.self_test, files=args.files)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "chat": _chat,
        "ask": _ask,
        "conversations": _conversations,
        "doctor": _doctor,
        "models": cli_models.run,
        **cli_documents.HANDLERS,
        **cli_erase.HANDLERS,
        **cli_tasks.HANDLERS,
    }
    try:
        return handlers[args.command](args)
    except ConfidenteError as exc:
        print(f"confidente: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED


def _services(args: argparse.Namespace, **overrides: Any) -> Services:
    if getattr(args, "model", None):
        overrides["model_path"] = args.model
    return open_services(**overrides)


def _chat(args: argparse.Namespace) -> int:
    if args.json and not args.message:
        raise ConfidenteError('--json needs a MESSAGE: `confidente chat --json "..."`.')
    overrides = {"max_tokens": args.max_tokens} if args.max_tokens else {}
    services = _services(args, **overrides)
    try:
        load_model(services, quiet=args.json)
        if args.message:
            return _answer_once(services, args.conversation, args.message, as_json=args.json)
        return _interactive(services, args.conversation)
    finally:
        services.close()


class _ProgressLine:
    """A one-line percentage on stderr, rewritten only when the figure changes."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet
        self._shown: tuple[str, int] | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if self._quiet or self._shown == (label, percent):
            return
        self._shown = (label, percent)
        end = "\n" if done >= total else ""
        print(f"\r{label}: {percent}%", end=end, file=sys.stderr, flush=True)


def load_model(services: Services, *, quiet: bool) -> None:
    from app.core.worker import Failed, Finished, Progress

    job = services.models.load(services.settings)
    show = _ProgressLine(quiet)
    try:
        for event in job.events():
            if isinstance(event, Progress):
                show(event.label, event.done, event.total)
            elif isinstance(event, Failed):
                raise event.error
            elif isinstance(event, Finished) and not quiet:
                info = event.result
                print(f"Model: {info.name} on {info.device}", file=sys.stderr)
    except KeyboardInterrupt:
        job.cancel()
        raise


def _stream_reply(
    job: Job[ChatReply], out: TextIO | None, on_update: Callable[[object], None] | None = None
) -> tuple[ChatReply, list[str]]:
    """Print the answer as it comes; Ctrl-C stops the answer and keeps what was said.

    `on_update` receives the job's updates (say, the sources found), in order with the text.
    """
    from app.core.worker import Failed, Finished, Notice, TextDelta, Update

    notices: list[str] = []
    events = job.events()
    while True:
        try:
            for event in events:
                if isinstance(event, Update) and on_update is not None:
                    on_update(event.value)
                elif isinstance(event, TextDelta) and out is not None:
                    out.write(event.text)
                    out.flush()
                elif isinstance(event, Notice):
                    notices.append(event.message)
                    print(f"\n[{event.message}]", file=sys.stderr)
                elif isinstance(event, Finished):
                    return event.result, notices
                elif isinstance(event, Failed):
                    raise event.error
        except KeyboardInterrupt:
            job.cancel()  # the engine stops within one token; keep reading to the end
            events = job.events()


def _answer_once(
    services: Services, conversation: int | None, message: str, *, as_json: bool
) -> int:
    job = services.chat.send(conversation, message)
    reply, notices = _stream_reply(job, None if as_json else sys.stdout)
    stopped = reply.stats.finish_reason == "cancelled"
    if as_json:
        print(json.dumps(_reply_json(reply, notices), ensure_ascii=False))
    else:
        print(" [stopped]" if stopped else "")
    return EXIT_INTERRUPTED if stopped else EXIT_OK


def _reply_json(reply: ChatReply, notices: list[str]) -> dict[str, Any]:
    stats = reply.stats
    return {
        "answer": reply.message.content,
        "model": reply.model,
        "conversation_id": reply.conversation_id,
        "finish_reason": stats.finish_reason,
        "notices": notices,
        "timings": {
            "prompt_tokens": stats.prompt_tokens,
            "prompt_tokens_evaluated": stats.prompt_tokens_evaluated,
            "generated_tokens": stats.generated_tokens,
            "time_to_first_token_s": round(stats.time_to_first_token, 4),
            "tokens_per_second": round(stats.tokens_per_second, 2),
        },
    }


def _interactive(services: Services, conversation: int | None) -> int:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    print("Type a message and press Enter. Ctrl-C stops an answer; Ctrl-D or /exit quits.")
    while True:
        try:
            line = input("\nyou> ")
        except EOFError:
            print()
            return EXIT_OK
        except KeyboardInterrupt:
            print()
            continue
        if line.strip() in ("/exit", "/quit"):
            return EXIT_OK
        if not line.strip():
            continue
        print("confidente> ", end="", flush=True)
        try:
            reply, _ = _stream_reply(services.chat.send(conversation, line), sys.stdout)
        except ConfidenteError as exc:
            print(f"\nconfidente: {exc}", file=sys.stderr)
            continue
        conversation = reply.conversation_id
        stopped = reply.stats.finish_reason == "cancelled"
        print(" [stopped]" if stopped else "")


def _ask(args: argparse.Namespace) -> int:
    overrides: dict[str, Any] = {}
    if args.max_tokens:
        overrides["max_tokens"] = args.max_tokens
    if args.k is not None:
        overrides["sources"] = args.k
    services = _services(args, **overrides)
    try:
        load_model(services, quiet=args.json)
        job = services.chat.send(args.conversation, args.question, library=args.library)
        if args.json:
            reply, notices = _stream_reply(job, None)
        else:
            reply, notices = _stream_reply(job, sys.stdout, _print_quotes_when_found)
    finally:
        services.close()
    stopped = reply.stats.finish_reason == "cancelled"
    if args.json:
        timings = {key: round(value, 2) for key, value in reply.timings.items()}
        timings["prompt_tokens"] = reply.stats.prompt_tokens
        timings["generated_tokens"] = reply.stats.generated_tokens
        document = {
            "answer": reply.message.content,
            "sources": [source.to_json() for source in reply.sources],
            "quotes": [quote.to_json() for quote in reply.quotes],
            "model": reply.model,
            "timings": timings,
            "conversation_id": reply.conversation_id,
            "notices": notices,
        }
        print(json.dumps(document, ensure_ascii=False))
        return EXIT_INTERRUPTED if stopped else EXIT_OK
    print(" [stopped]" if stopped else "")
    if reply.sources:
        print("\nSources:")
        for source in reply.sources:
            where = source.path + (f", page {source.page}" if source.page is not None else "")
            snippet = " ".join(source.text.split())
            print(f"  [{source.n}] {where}: {snippet[:160]}{'…' if len(snippet) > 160 else ''}")
    return EXIT_INTERRUPTED if stopped else EXIT_OK


def _print_quotes_when_found(update: object) -> None:
    """Print the quotes as soon as the sources are found, before the answer streams in:
    they come from the documents, not from the model, so they can be trusted first."""
    from app.core.chat.service import SourcesFound

    if isinstance(update, SourcesFound) and update.quotes:
        print("Quotes:")
        for quote in update.quotes:
            print(f"  {_quote_line(quote)}")
        print(flush=True)


def _quote_line(quote: Quote) -> str:
    where = Path(quote.path).name + (f", page {quote.page}" if quote.page is not None else "")
    return f"[{quote.n}] {where}: “{' '.join(quote.text.split())}”"


def _conversations(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        rows = services.store.list_conversations()
    finally:
        services.close()
    if args.json:
        print(json.dumps([{"id": c.id, "title": c.title, "updated": c.updated} for c in rows]))
    else:
        for c in rows:
            print(f"{c.id:>5}  {c.title}")
    return EXIT_OK


def _doctor(args: argparse.Namespace) -> int:
    from app.core.doctor import diagnose
    from app.core.paths import app_paths
    from app.core.settings import load_settings

    paths = app_paths().ensure()
    loaded = load_settings(paths.settings_file)
    report = diagnose(paths, loaded.settings, list(loaded.warnings))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_tree(report)
    healthy = all(model["ok"] for model in report["models"] if model["active"])
    return EXIT_OK if healthy else EXIT_ERROR


def _print_tree(value: Any, indent: int = 0) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                print(f"{pad}{key}:")
                _print_tree(item, indent + 1)
            else:
                print(f"{pad}{key}: {item if item != [] else 'none'}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                _print_tree(item, indent)
                print()
            else:
                print(f"{pad}- {item}")
