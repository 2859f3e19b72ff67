"""Running the web app, its administrators, and the settings."""
from __future__ import annotations

import click

from kb.cli.app import main, open_kb
from kb.core.settings import describe


@main.command()
@click.option("--host", help="Address to listen on (default KB_HOST, 127.0.0.1; 0.0.0.0 for the network).")
@click.option("--port", type=int, help="Port (default KB_PORT, 8000).")
@click.option("--threads", default=8, show_default=True, help="Worker threads of the WSGI server.")
@click.pass_context
def serve(ctx, host, port, threads):
    """Serve the web app with a production WSGI server (waitress)."""
    from waitress import serve as waitress_serve

    from kb.web import create_app
    from kb.web.security import check_serving

    settings = ctx.obj["settings"]
    host, port = host or settings.host, port or settings.port
    check_serving(settings, host)
    app = create_app(settings)
    kb = app.extensions["kb"].kb
    kb.refresh_indexes()
    click.echo(f"Serving {kb.store.point_count()} learning points from {kb.home}")
    click.echo(f"Open http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/ (Ctrl+C stops)")
    if not kb.users():
        click.echo("No administrator yet: create one with `kb user add NAME` to upload documents.")
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.https:
        click.echo("Note: without KB_HTTPS=1 behind HTTPS, passwords and sessions cross the network unencrypted.")
    waitress_serve(app, host=host, port=port, threads=threads, ident="safeguarding-kb")


@main.group()
def user():
    """Administrators of the web app (who may upload, edit and see restricted documents)."""


@user.command(name="add")
@click.argument("name")
@click.password_option(help="Password (asked for when not given; at least 10 characters).")
@click.pass_context
def user_add(ctx, name, password):
    """Create an administrator, or set a new password."""
    open_kb(ctx).add_user(name, password)
    click.echo(f"Administrator '{name}' saved (the password is stored hashed).")


@user.command(name="list")
@click.pass_context
def user_list(ctx):
    """List the administrators."""
    for u in open_kb(ctx).users():
        click.echo(f"{u['name']}\tsince {u['created_at']}")


@user.command(name="remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx, name):
    """Remove an administrator."""
    open_kb(ctx).remove_user(name)
    click.echo(f"Removed administrator '{name}'.")


@main.command(name="settings")
def settings_():
    """The settings, their environment variables and defaults."""
    click.echo(describe())
