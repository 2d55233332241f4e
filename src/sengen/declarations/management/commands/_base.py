"""What sengen's own commands share: errors a person caused read as one line, exit status 2."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class UsageError(CommandError):
    """Bad input (a missing file, an unknown department…): exit status 2, as for a usage error."""

    def __init__(self, message: str):
        super().__init__(message, returncode=2)


def _one_line_error(parser):
    def error(message: str):
        # argparse prints the whole usage before the error; one line is what a script's log needs.
        if parser.called_from_command_line:
            sys.stderr.write(f"{parser.prog}: エラー: {message}（{parser.prog} --help で使い方を表示）\n")
            sys.exit(2)
        raise UsageError(f"Error: {message}")

    return error


class SengenCommand(BaseCommand):
    # These commands read and write the data as it is; Django's system checks add nothing here
    # and would print warnings before the JSON that `sengen parse` writes to stdout.
    requires_system_checks: list = []
    _called_from_command_line = False
    _subcommand = "?"

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except UsageError as exc:
            if not self._called_from_command_line:
                raise
            # Django would print "UsageError: …"; say which command failed instead.
            sys.stderr.write(f"sengen {self._subcommand}: エラー: {exc}\n")
            sys.exit(exc.returncode)

    def create_parser(self, prog_name, subcommand, **kwargs):
        self._subcommand = subcommand
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = _one_line_error(parser)
        return parser

    def require_migrated_database(self) -> None:
        """Fail with a hint instead of a 'no such table' traceback on a fresh data directory."""
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as exc:  # the database server is down, the file unreadable, …
            raise UsageError(f"データベースに接続できません: {str(exc).splitlines()[0] if str(exc) else exc!r}") from None
        if pending:
            raise UsageError("データベースが最新ではありません。先に `sengen migrate` を実行してください")


def summary(declaration, doc, action: str) -> str:
    """One line for what an import did (``action``: ``ImportResult.action``)."""
    targets = sum(len(i["targets"]) for i in doc["initiatives"])
    action = {"created": "登録しました", "updated": "更新しました", "unchanged": "変更はありません"}[action]
    return (f"{action}: {declaration.fiscal_year_label} {declaration.department.name}"
            f" {declaration.get_phase_display()}（取組 {len(doc['initiatives'])} 件、達成目標 {targets} 件、"
            f"版 {declaration.version}、{declaration.get_state_display()}）")
