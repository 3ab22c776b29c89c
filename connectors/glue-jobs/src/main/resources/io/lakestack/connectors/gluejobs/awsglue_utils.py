"""lakestack's awsglue.utils for Python shell jobs: getResolvedOptions reads a job's arguments as Glue passes them."""

import argparse

__all__ = ["getResolvedOptions", "GlueArgumentError"]

# arguments Glue gives every run, returned whether or not the script asks for them
_RUN_ARGUMENTS = ("JOB_ID", "JOB_RUN_ID")
# Glue's own options that a script may not ask for under these names
_RESERVED = ("job-bookmark-option", "continuation-option")


class GlueArgumentError(Exception):
    """An argument a script asked for is missing, or a reserved name was asked for."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise GlueArgumentError(message)


def getResolvedOptions(args, options):
    """The values of the named options in args (sys.argv), as a dict by option name.

    Every option named is required; arguments not named are passed over. JOB_ID and JOB_RUN_ID are always there.
    """
    for reserved in _RESERVED:
        if reserved in options:
            raise RuntimeError("Using reserved arguments " + reserved)
    parser = _Parser(add_help=False, allow_abbrev=False)
    for reserved in _RESERVED:
        parser.add_argument("--" + reserved, required=False)
    for name in _RUN_ARGUMENTS:
        if name not in options:
            parser.add_argument("--" + name, required=False)
    for name in options:
        parser.add_argument("--" + name, required=True)
    parsed, _ = parser.parse_known_args(args[1:])
    values = vars(parsed)
    resolved = {name: values[name.replace("-", "_")] for name in options}
    for name in _RUN_ARGUMENTS:
        if name not in resolved:
            resolved[name] = values.get(name)
    return resolved
