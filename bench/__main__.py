"""`make bench`: benchmarks against the named competitors arrive with the scale work."""

import sys

print("no benchmarks yet: bench/ is reserved for the scale benchmarks (see README)", file=sys.stderr)
