"""Staff accounts for the console, kept (hashed, PBKDF2-SHA256) in the cases database (DATABASE_URL).

    python -m safe_harbour.console.accounts add NAME --role staff|supervisor   # asks for the password twice
    python -m safe_harbour.console.accounts passwd NAME                        # new password, signs them out
    python -m safe_harbour.console.accounts remove NAME                        # also ends their sessions
    python -m safe_harbour.console.accounts list

`--password-stdin` reads the password from standard input instead (for scripts). `--database-url` overrides
DATABASE_URL. A supervisor can read every case, including other staff members' closed cases; staff read
waiting cases and their own.
"""
import argparse
import getpass
import sys

from safe_harbour.handoff.store import ROLES, AccountError, HandoffStore


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Same password again: "):
        raise AccountError("The two passwords differ.")
    return first


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m safe_harbour.console.accounts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="defaults to the DATABASE_URL setting")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument("--password-stdin", action="store_true")
    passwd = commands.add_parser("passwd", help="set a new password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    remove = commands.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    commands.add_parser("list", help="list accounts")
    args = parser.parse_args(argv)

    if args.database_url:
        store = HandoffStore(args.database_url)
    else:
        from safe_harbour.handoff.store import get_store

        store = get_store()
    try:
        if args.command == "add":
            store.add_account(args.name, args.role, _password(args))
            print(f"Added {args.name.strip().lower()} ({args.role}).")
        elif args.command == "passwd":
            if not store.set_password(args.name, _password(args)):
                raise AccountError(f"No account named {args.name}.")
            print(f"New password set for {args.name}; their sessions were ended.")
        elif args.command == "remove":
            if not store.remove_account(args.name):
                raise AccountError(f"No account named {args.name}.")
            print(f"Removed {args.name}.")
        else:
            for account in store.list_accounts():
                print(f"{account['name']}\t{account['role']}")
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
