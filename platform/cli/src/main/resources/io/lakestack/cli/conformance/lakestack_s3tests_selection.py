"""pytest plugin of `./lakestack conformance s3`: leaves out the tests that the selection file names, and gives each
test a bucket prefix of its own.

pytest's own --deselect matches node id prefixes (test_bucket_list would leave out test_bucket_list_empty too), so
the tests are matched here: a name without * is a test function (all of its parameters), a name with * is a pattern
over the test's full name, parameters included. Reads the names from $LAKESTACK_S3TESTS_EXCLUDE, one a line, and
writes what it did to $LAKESTACK_S3TESTS_SELECTION_REPORT:
    collected N, selected N, deselected N (by the marker expression and by this list together)
    excluded <test>\t<name that matched>
    unmatched <name>

The suite picks one bucket prefix for the whole run, and the set-up of every test deletes all buckets with it: a
bucket the server refused to delete (a test's own tear-down failed) then fails the set-up of every test after it, and
the outcome of a test depends on which tests ran before. Before each test, a new prefix from the same template
($LAKESTACK_S3TESTS_BUCKET_PREFIX) is chosen the suite's own way, so that a bucket left behind errors the tear-down of
the test that left it and nothing else.
"""
import os
import re
import sys

import pytest

_state = {"deselected": 0}


def _patterns():
    with open(os.environ["LAKESTACK_S3TESTS_EXCLUDE"], encoding="utf-8") as names:
        return [line.strip() for line in names if line.strip()]


def _matcher(name):
    if "*" in name:
        regex = re.compile(".*".join(re.escape(part) for part in name.split("*")))
        return lambda item: regex.fullmatch(item.name) is not None
    return lambda item: getattr(item, "originalname", None) == name or item.name == name


@pytest.fixture(autouse=True)
def lakestack_bucket_prefix_per_test():
    functional = sys.modules.get("s3tests.functional")
    template = os.environ.get("LAKESTACK_S3TESTS_BUCKET_PREFIX")
    if functional is not None and template and getattr(functional, "prefix", None) is not None:
        functional.prefix = functional.choose_bucket_prefix(template=template)
    yield


def pytest_deselected(items):
    _state["deselected"] += len(items)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    names = _patterns()
    matchers = [(name, _matcher(name)) for name in names]
    used = set()
    keep, excluded, lines = [], [], []
    for item in items:
        match = next((name for name, matches in matchers if matches(item)), None)
        if match is None:
            keep.append(item)
        else:
            used.add(match)
            excluded.append(item)
            lines.append("excluded %s\t%s" % (item.name, match))
    _state["lines"] = lines + ["unmatched %s" % name for name in names if name not in used]
    if excluded:
        config.hook.pytest_deselected(items=excluded)
        items[:] = keep


def pytest_collection_finish(session):
    with open(os.environ["LAKESTACK_S3TESTS_SELECTION_REPORT"], "w", encoding="utf-8") as report:
        report.write("collected %d\n" % (len(session.items) + _state["deselected"]))
        report.write("selected %d\n" % len(session.items))
        report.write("deselected %d\n" % _state["deselected"])
        for line in _state.get("lines", []):
            report.write(line + "\n")
