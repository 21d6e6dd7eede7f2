"""`python -m toolkit` runs the `prospective` command."""

from toolkit.cli import main

if __name__ == "__main__":
    main()
