"""What the frozen executable runs: the same entry point as the installed ``cdassess`` command."""

from cdassess.cli import run

if __name__ == "__main__":
    run()
