"""How a tool's ``main`` ends, alone or under torchrun."""
import gc
import logging
import os
import sys
from typing import Callable


def run_tool(main: Callable[[], object]) -> None:
    """Run ``main()``; under torch.distributed, end the process once every
    rank has finished, without Python's interpreter finalization.

    Why: when Python finalizes, a gloo worker thread may still be releasing
    the last collective's tensors; taking the GIL then kills the thread and
    aborts the process (SIGABRT, 'terminate called without an active
    exception', pytorch#190489), after a run that finished well. Destroying
    the process group does not join those threads while a DDP model has
    held it. So: barrier, destroy, close what Python holds (dataloader
    workers, files, log handlers), flush, and ``os._exit(0)``. A failing
    ``main`` raises as usual.
    """
    main()
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        return
    dist.barrier()  # every rank is done with its collectives
    dist.destroy_process_group()
    gc.collect()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
