"""deploy/gunicorn.conf.py: a worker is replaced for the memory it holds, not every few seconds
of load for the requests it answered."""

import importlib.util
import logging
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"


def load(monkeypatch, **environ):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Worker:
    """What pre_request reads and writes of a gunicorn worker."""

    def __init__(self, nr, max_requests):
        self.nr, self.max_requests = nr, max_requests
        self.log = logging.getLogger("test.gunicorn")


def test_the_request_count_no_longer_replaces_a_worker_every_few_seconds_of_load(monkeypatch):
    monkeypatch.delenv("SENGEN_GUNICORN_MAX_REQUESTS", raising=False)
    conf = load(monkeypatch)
    # ~650 kept pages a second per worker (docs/benchmarks-load.md): 2,000 was every 3 s.
    assert conf.max_requests / 650 > 60
    assert conf.max_requests_jitter == conf.max_requests // 10
    assert load(monkeypatch, SENGEN_GUNICORN_MAX_REQUESTS="2000").max_requests == 2000


@pytest.mark.parametrize(("resident", "nr", "replaced"), [
    (600.0, 300, True),    # past the bound, on a request where it is read
    (600.0, 301, False),   # read every 100 requests only
    (600.0, 0, False),     # not at a fresh worker's first request
    (200.0, 300, False),   # a worker of the usual size
    (0.0, 300, False),     # memory that cannot be read replaces nothing
])
def test_a_worker_past_its_memory_bound_is_replaced_after_the_request(monkeypatch, resident, nr, replaced):
    conf = load(monkeypatch, SENGEN_GUNICORN_MAX_WORKER_MB="512")
    monkeypatch.setattr(conf, "_resident_mb", lambda: resident)
    worker = Worker(nr, 110_000)
    conf.pre_request(worker, None)
    # 0 makes gunicorn's own check (nr >= max_requests, right after this hook) close the
    # connection and end the worker once this answer is sent.
    assert worker.max_requests == (0 if replaced else 110_000)


def test_the_memory_bound_can_be_turned_off(monkeypatch):
    conf = load(monkeypatch, SENGEN_GUNICORN_MAX_WORKER_MB="0")
    monkeypatch.setattr(conf, "_resident_mb", lambda: 10_000.0)
    worker = Worker(0, 110_000)
    conf.pre_request(worker, None)
    assert worker.max_requests == 110_000


def test_this_process_memory_is_read():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_read", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not Path("/proc/self/statm").exists():
        pytest.skip("no /proc: the bound is Linux's (the servers sengen is deployed on)")
    assert 10 < module._resident_mb() < 100_000
