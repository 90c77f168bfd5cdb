"""Sweep: which SW3 on a 30 03 probe makes the agent notice that the card has gone?"""
import os, sys, time, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cards as C
from harness import Rig
from check import read, wait_removed, reason
codes = [0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81]
res = {}
for sw in codes:
    with Rig("gone-%02X" % sw, mode={"app_gone_sw3": sw}) as rig:
        time.sleep(0.3)
        rig.sim.place(C.R1)
        g, e, _ = read(rig.rpc, 5000)
        t = time.monotonic(); rig.sim.remove()
        dt = wait_removed(rig, t, 3.0)
        g2, e2, _ = read(rig.rpc, 0)
        res["%02X" % sw] = {"first_read": "OK" if g and not C.compare(C.expected(C.R1), g)[0] else reason(e),
                            "removed_event_ms": None if dt is None else round(dt * 1000),
                            "read0_after_3s": ("STALE card " + g2["idNumber"]) if g2 else reason(e2)}
        print("%02X" % sw, res["%02X" % sw], flush=True)
json.dump(res, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results-gone-sweep.json'), 'w'), indent=1)
