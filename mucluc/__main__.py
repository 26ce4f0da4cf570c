import sys

from mucluc.cli.main import main

sys.exit(main())
