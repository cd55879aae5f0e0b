"""What the frozen executable runs: the same entry point as the installed ``cdassess`` command."""

from ui.entry import run

if __name__ == "__main__":
    run()
