import sys

from ecosite.cli import main

sys.exit(main())
