"""``bibkit serve``: the local web page (see :mod:`bibkit.web`)."""
from __future__ import annotations

import ipaddress
import socket
import threading

import click

from bibkit.cli.main import main

DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port), bound before the server
    starts so the address printed, and the only ``Host`` the server answers to, are its own."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        hint = "; choose another with --port (0: any free port)" if port else ""
        raise click.ClickException(f"cannot listen on {host}:{port} ({exc.strerror or exc}){hint}")
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@main.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines use the page: a warning is printed.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
def serve_command(port: int, host: str, open_browser: bool) -> None:
    """Start the local page: paste or drop references, check and merge them, format them in any
    style, and download .bib, BibLaTeX, CSL-JSON, RIS or the formatted list.

    Everything stays on this machine: the page loads nothing from elsewhere, and the server
    answers only requests addressed to it by its own address (Ctrl-C stops it).
    """
    try:
        import uvicorn

        from bibkit.web.app import create_app, warm_up
        from bibkit.web.guards import own_hosts
    except ImportError as exc:  # a broken install: say what is missing, not a traceback
        raise click.ClickException(f"bibkit serve needs {exc.name} (pip install bibkit-refs reinstalls it)")
    from bibkit import api

    # a server lives on after each load: what a load made must stay collectable (see api.after_load)
    api.after_load = "age"
    if not is_loopback(host):
        click.echo(f"bibkit: warning: listening on {host}: anyone who can reach this address can use the page "
                   "and read what is pasted into it", err=True)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    url = f"http://{shown}:{port}/"
    app = create_app(sorted(own_hosts(host.strip("[]"), port)))
    threading.Thread(target=warm_up, daemon=True).start()
    click.echo(f"bibkit serve: {url}  (Ctrl-C stops it)")
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, [url]).start()
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=3)
    uvicorn.Server(config).run(sockets=[sock])
