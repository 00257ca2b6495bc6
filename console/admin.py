"""Create the console's first administrator (or another one) from the command line.

    python -m console.admin create --username admin        # asks for the password twice
    printf '%s\\n' "$PASSWORD" | python -m console.admin create --username admin --password-stdin

`make console-admin USERNAME=admin` runs the first form. There is no default account and no
default password: the console has no administrator until this command made one. Further
administrators and the counselors' accounts are made in the console (/console/admin).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from console.db import create_schema, engine
from console.forms import USERNAME
from console.passwords import WeakPasswordError
from console.store import ConsoleStore, DuplicateError

ACTOR = "command-line"


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("新密码（至少 10 个字符）: ")
    if getpass.getpass("再输入一次: ") != password:
        raise SystemExit("两次输入的密码不一致。")
    return password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.admin", description="控制台管理员账号")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an administrator account")
    create.add_argument("--username", required=True)
    create.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    arguments = parser.parse_args(argv)
    if not USERNAME.fullmatch(arguments.username):
        print("用户名用 3-60 个字母、数字或 _.@-。", file=sys.stderr)
        return 2
    create_schema()
    try:
        ConsoleStore(engine()).create_account(
            ACTOR, arguments.username, read_password(arguments.password_stdin), "admin", None
        )
    except (WeakPasswordError, DuplicateError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"管理员 {arguments.username} 已创建。用它登录 /console。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
