"""lakestack's launcher of a Glue Python shell script.

Runs the script (the first argument) as __main__ with the arguments after it, as `python script.py ...` would, and ends
the process when lakestack's end of its standard input closes: lakestack stopped, or was killed, and a run it no longer
owns must not go on writing on its own.
"""

import os
import runpy
import sys
import threading
import traceback


def _watch():
    # the raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read aborts the interpreter's shutdown
    try:
        while os.read(0, 65536):
            pass
    except OSError:
        pass
    os._exit(137)


threading.Thread(target=_watch, name="lakestack-watchdog", daemon=True).start()
script = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(script)
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit:
    raise
except BaseException as error:
    # the traceback from the script's own frames on, as `python script.py` prints it
    frames = error.__traceback__
    while frames is not None and frames.tb_frame.f_code.co_filename != script:
        frames = frames.tb_next
    traceback.print_exception(type(error), error, frames if frames is not None else error.__traceback__)
    sys.exit(1)
