"""`make bench`: every benchmark, each against its named competitor in the same run."""

from bench import deref

deref.main()
