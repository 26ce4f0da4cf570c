import sys

from mucluc.cli import main

sys.exit(main())
