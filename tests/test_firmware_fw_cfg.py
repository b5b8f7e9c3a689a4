"""microrig's two ways into fw_cfg under QEMU TCG.

With DMA (what microvm offers) the firmware finds the DMA interface by its "QEMU CFG"
signature and reads every item by DMA; without it (QEMU's fw_cfg_io.dma_enabled=off) it
falls back to the "QEMU" signature item and port reads. Either way the probe's hand-off
checks must pass and the report must say which way was taken.
"""

import pytest

from harness import bench, runner
from harness.judge import judge


@pytest.mark.parametrize("dma", [True, False], ids=["dma", "ports"])
def test_fw_cfg_access(dma):
    case = bench._variant_case("qemu-tcg", bench.ENGINE_VARIANTS[1])
    why = case.skip_reason()
    if why:
        pytest.skip(why)
    extra = () if dma else ("-global", "fw_cfg_io.dma_enabled=off")
    result = runner.run(case, extra_args=extra)
    lines = [text for _, text in result.debugcon.lines if text.startswith("microrig: fw_cfg ")]
    assert lines and f" dma={int(dma)} " in lines[0], lines or result.tail()
    verdict = judge(case, result)
    assert verdict.passed, f"{verdict.message()}\n{' '.join(result.argv)}\n{result.tail()}"
