"""`python -m validator` runs the `media-preflight` command."""

from validator.cli.entry import main

if __name__ == "__main__":
    main()
