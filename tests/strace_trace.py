"""Run a command under `strace -f` and read back every network call it and its children made.

strace sees the system calls themselves, so it catches what native code does
(llama.cpp, Qt, libc's resolver) as well as Python, which the app's own network
guard (app/core/privacy.py) cannot. `strace_command` builds the wrapper;
`parse_trace` reads its output into `Trace`; `Trace.violations` names every call
that could put a byte on the wire.

What counts as local: AF_UNIX, AF_NETLINK (a channel to this machine's kernel) and
IPv4/IPv6 loopback. Everything else fails, and so does any DNS on the way out: a
call to port 53 (even on loopback, where a stub resolver such as systemd-resolved
forwards the query) and a connection to systemd-resolved's Unix socket.

The parser is strict so that it cannot pass by misreading: a line of a shape it
does not know raises `TraceFormatError`, a connect whose address it cannot decode is
a violation, and `Trace` keeps every process it saw so a test can show that strace
really followed the app into its spawned children.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MISSING_STRACE = (
    "strace is not installed: this test is the proof that the app sends nothing "
    "off the machine, and it is not skipped. Run `make test-deps` (it installs strace, "
    "Xvfb and xauth with apt-get)."
)

# The calls that send, or fix where a socket sends (bind: where it listens).
ADDRESSED_CALLS = frozenset({"connect", "sendto", "sendmsg", "sendmmsg", "bind"})
LOCAL_FAMILIES = frozenset({"AF_UNIX", "AF_NETLINK"})
INET_FAMILIES = frozenset({"AF_INET", "AF_INET6"})
DNS_PORT = 53
# strace's %process class: traced to follow processes, kept apart from the network calls.
PROCESS_CALLS = frozenset(
    {
        "clone",
        "clone3",
        "fork",
        "vfork",
        "execve",
        "execveat",
        "exit",
        "exit_group",
        "wait4",
        "waitid",
        "waitpid",
        "kill",
        "tkill",
        "tgkill",
        "rt_sigqueueinfo",
        "rt_tgsigqueueinfo",
        "pidfd_open",
        "pidfd_send_signal",
        "pidfd_getfd",
    }
)
# nss-resolve asks systemd-resolved over this socket: a name lookup that leaves the machine.
RESOLVER_SOCKETS = ("/run/systemd/resolve/",)


class TraceFormatError(ValueError):
    """A line strace wrote that this parser does not understand (so it refuses to guess)."""


def strace_command(output: Path) -> list[str]:
    """The prefix that runs a command under strace, following every fork, clone and exec.

    `--seccomp-bpf` stops the tracee only at the traced calls (children inherit the
    filter), which keeps the app at nearly full speed; strace falls back to stopping
    at every call where the kernel refuses the filter. The process calls (clone,
    execve, exit, wait) are traced too: they show which processes were followed,
    and a thread that never makes a traced call is stopped by strace at every call
    (here llama.cpp's, which made a chat four times slower). `io_uring_setup` is
    traced because io_uring can connect and send with no system call strace sees.
    """
    strace = shutil.which("strace")
    if strace is None:
        raise FileNotFoundError(MISSING_STRACE)
    return [
        strace,
        "-f",
        "-qq",
        "--seccomp-bpf",
        "-e",
        "trace=%network,%process,io_uring_setup",
        "-e",
        "signal=none",
        "-o",
        str(output),
        "--",
    ]


@dataclass(frozen=True)
class SocketAddress:
    """One `struct sockaddr` as strace decodes it."""

    family: str
    host: str | None = None  # IP address, or the Unix socket's path (@ for abstract)
    port: int | None = None

    def __str__(self) -> str:
        if self.family in INET_FAMILIES:
            host = f"[{self.host}]" if self.family == "AF_INET6" else self.host
            return f"{self.family} {host}:{self.port}"
        return f"{self.family} {self.host}" if self.host else self.family


@dataclass(frozen=True)
class Call:
    """One traced system call, its unfinished and resumed halves joined."""

    pid: int
    name: str
    text: str  # the arguments and result, as strace printed them
    addresses: tuple[SocketAddress, ...]

    def problem(self) -> str | None:
        """Why this call could reach beyond the machine, or None when it cannot."""
        if self.name == "io_uring_setup":
            return "an io_uring, which can connect and send unseen by strace"
        if self.name not in ADDRESSED_CALLS:
            return None
        if self.name == "connect" and not self.addresses:
            return "connect to an address strace could not decode"
        for address in self.addresses:
            why = _address_problem(address)
            if why:
                return why
        return None

    def __str__(self) -> str:
        return f"[pid {self.pid}] {self.name}({self.text}"


def _address_problem(address: SocketAddress) -> str | None:
    if address.family in LOCAL_FAMILIES:
        if address.family == "AF_UNIX" and (address.host or "").lstrip("@").startswith(
            RESOLVER_SOCKETS
        ):
            return "a name lookup through systemd-resolved (DNS)"
        return None
    if address.family not in INET_FAMILIES:
        return f"address family {address.family} is neither Unix, netlink nor loopback"
    if address.port == DNS_PORT:
        return "a DNS query (port 53)"
    if not _is_loopback(address.host or ""):
        return f"{address.host} is not a loopback address"
    return None


def _is_loopback(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


@dataclass
class Trace:
    """What one strace output file shows."""

    calls: list[Call] = field(default_factory=list)  # the network calls
    process_pids: set[int] = field(default_factory=set)  # who made a process call
    # pid -> the program and arguments it exec'd (as strace printed them, possibly cut)
    execs: dict[int, list[str]] = field(default_factory=dict)

    @property
    def pids(self) -> set[int]:
        return {call.pid for call in self.calls} | self.process_pids

    def named(self, *names: str) -> list[Call]:
        return [call for call in self.calls if call.name in names]

    def violations(self) -> list[str]:
        """Every call that could send beyond this machine, with the reason."""
        return [f"{why}: {call}" for call in self.calls if (why := call.problem())]

    def socket_families(self) -> Counter[str]:
        """socket() and socketpair() calls by address family."""
        families: Counter[str] = Counter()
        for call in self.named("socket", "socketpair"):
            family = call.text.split(",", 1)[0].strip()
            families[family] += 1
        return families

    def address_families(self) -> Counter[str]:
        """connect/send/bind calls by the family of the address they name."""
        families: Counter[str] = Counter()
        for call in self.named(*ADDRESSED_CALLS):
            for address in call.addresses:
                families[f"{call.name} {address.family}"] += 1
        return families

    def summary(self) -> str:
        lines = [f"processes seen: {len(self.pids)}, network calls: {len(self.calls)}"]
        lines += [f"  socket {family}: {n}" for family, n in sorted(self.socket_families().items())]
        lines += [f"  {kind}: {n}" for kind, n in sorted(self.address_families().items())]
        peers = sorted({str(a) for c in self.named(*ADDRESSED_CALLS) for a in c.addresses})
        lines += [f"  peer {peer}" for peer in peers]
        return "\n".join(lines)


# "1234  name(args) = 0", "1234  name(args <unfinished ...>", "1234  <... name resumed>rest"
_LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<body>.*)$")
_CALL = re.compile(r"^(?P<name>\w+)\((?P<rest>.*)$")
_RESUMED = re.compile(r"^<\.\.\. (?P<name>\w+) resumed>(?P<rest>.*)$")
_UNFINISHED = " <unfinished ...>"
# Lines that are not calls: signals, exits, a process killed, strace's own notes.
_NOT_A_CALL = ("--- ", "+++ ", "???")

# A `{sa_family=...}` struct; quoted strings (Unix paths) may hold braces.
_SOCKADDR = re.compile(r'\{sa_family=(?P<family>\w+)(?P<rest>(?:[^{}"]|"(?:[^"\\]|\\.)*")*)\}')
_INET = re.compile(r'sin_port=htons\((?P<port>\d+)\), sin_addr=inet_addr\("(?P<host>[^"]*)"\)')
_INET6 = re.compile(
    r'sin6_port=htons\((?P<port>\d+)\).*?inet_pton\(AF_INET6, "(?P<host>[^"]*)"', re.DOTALL
)
_UNIX = re.compile(r'sun_path=(?P<at>@?)"(?P<path>(?:[^"\\]|\\.)*)"')


def parse_trace(text: str) -> Trace:
    """Read strace's `-f -o FILE` output (a pid before each line)."""
    trace = Trace()
    pending: dict[tuple[int, str], str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise TraceFormatError(f"line {number} has no pid: {line!r}")
        pid, body = int(match["pid"]), match["body"]
        if body.startswith(_NOT_A_CALL):
            continue
        if resumed := _RESUMED.match(body):
            key = (pid, resumed["name"])
            if key not in pending and resumed["name"] in PROCESS_CALLS:
                # A thread's execve is resumed under its process's pid: nothing to join.
                pending[key] = ""
            if key not in pending:
                raise TraceFormatError(f"line {number} resumes a call never started: {line!r}")
            _add(trace, pid, resumed["name"], pending.pop(key) + resumed["rest"])
            continue
        call = _CALL.match(body)
        if call is None:
            raise TraceFormatError(f"line {number} is not a system call: {line!r}")
        if body.endswith(_UNFINISHED):
            pending[(pid, call["name"])] = call["rest"].removesuffix(_UNFINISHED)
            continue
        _add(trace, pid, call["name"], call["rest"])
    # A call left unfinished (its process killed in it) still counts.
    for (pid, name), rest in pending.items():
        _add(trace, pid, name, rest)
    return trace


def read_trace(path: Path) -> Trace:
    return parse_trace(path.read_text("utf-8", errors="replace"))


def _add(trace: Trace, pid: int, name: str, rest: str) -> None:
    if name == "execve" and not re.search(r"\) = -1 ", rest):  # not a PATH entry that missed
        trace.execs[pid] = re.findall(r'"((?:[^"\\]|\\.)*)"', rest.split("], ", 1)[0])
    if name in PROCESS_CALLS:
        trace.process_pids.add(pid)
        return
    trace.calls.append(Call(pid, name, rest, tuple(_addresses(rest))))


def _addresses(text: str) -> list[SocketAddress]:
    found = []
    for match in _SOCKADDR.finditer(text):
        family, rest = match["family"], match["rest"]
        if family == "AF_INET" and (inet := _INET.search(rest)):
            found.append(SocketAddress(family, inet["host"], int(inet["port"])))
        elif family == "AF_INET6" and (inet6 := _INET6.search(rest)):
            found.append(SocketAddress(family, inet6["host"], int(inet6["port"])))
        elif family == "AF_UNIX":
            unix = _UNIX.search(rest)
            path = f"{unix['at']}{unix['path']}" if unix else None
            found.append(SocketAddress(family, path))
        elif family in INET_FAMILIES:
            # An Internet address without a host or port we can read: never local.
            found.append(SocketAddress(family, "<undecoded>", None))
        else:
            found.append(SocketAddress(family))
    return found
