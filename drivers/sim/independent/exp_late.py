"""Deterministic repro: every 30 03 reply arrives 3.5 s late; the card is swapped; what does idcard.read return?"""
import os, sys, time, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cards as C
from harness import Rig
from check import read, wait_removed, reason
rows = []
with Rig("late", faults={"late": 1.0, "late_s": 3.5, "cmds": ["3003"]}) as rig:
    time.sleep(0.3)
    pairs = [(C.R2, C.J1), (C.I1, C.Y1), (C.R3, C.J2), (C.Y3, C.R1), (C.J2, C.I2)]
    for A, B in pairs:
        rig.sim.place(A)
        g, e, l = read(rig.rpc, 5000)
        ra = ("card " + g["idNumber"]) if g else reason(e)
        rig.sim.remove()
        rig.sim.place(B)
        g, e, l2 = read(rig.rpc, 5000)
        rb = ("card " + g["idNumber"]) if g else reason(e)
        verdict = "OK" if g and g["idNumber"] == B["idNumber"] else ("STALE previous card" if g and g["idNumber"] == A["idNumber"] else rb)
        rows.append({"A": A["idNumber"], "readA": ra, "readA_ms": round(l * 1000), "B": B["idNumber"], "readB": rb,
                     "readB_ms": round(l2 * 1000), "verdict": verdict})
        print(rows[-1], flush=True)
        rig.sim.remove(); time.sleep(8)
json.dump(rows, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results-late.json'), 'w'), indent=1)
