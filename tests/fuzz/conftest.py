"""Hypothesis profiles for the fuzzing tests: bounded for `make test` (about a minute in all),
longer on demand: ``SENGEN_FUZZ_EXAMPLES=5000 pytest tests/fuzz``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Examples per fuzzing test; the tests scale their own share of it (PDFs cost the most).
FUZZ_EXAMPLES = int(os.environ.get("SENGEN_FUZZ_EXAMPLES") or 100)

settings.register_profile(
    "sengen-fuzz",
    max_examples=FUZZ_EXAMPLES,
    # A parse of a mutated PDF can take a second; what matters here is the outcome, and the
    # time budget of a real parse is tested in tests/parsers/test_limits.py.
    deadline=None,
    derandomize=not os.environ.get("SENGEN_FUZZ_EXAMPLES"),  # reproducible in `make test`
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)
