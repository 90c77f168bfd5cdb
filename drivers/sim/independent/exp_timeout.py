"""Does idcard.read honour timeoutMs when the reader misbehaves?"""
import os, sys, time, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cards as C
from harness import Rig
from check import read, wait_removed, reason
res = []
for name, faults in [("30 01 reply always dropped", {"drop": 1.0, "cmds": ["3001"]}),
                     ("30 01 reply always garbled", {"garble": 1.0, "cmds": ["3001"]}),
                     ("20 02 reply always dropped", {"drop": 1.0, "cmds": ["2002"]})]:
    for tmo in (1000, 2000, 5000):
        with Rig("tmo", faults=faults) as rig:
            time.sleep(0.3)
            rig.sim.place(C.R1)
            g, e, l = read(rig.rpc, tmo)
            r = {"case": name, "timeoutMs": tmo, "returned_after_ms": round(l * 1000),
                 "result": ("card " + g["idNumber"]) if g else reason(e), "message": e and e.get("message")}
            res.append(r); print(r, flush=True)
json.dump(res, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results-timeout.json'), 'w'), indent=1, ensure_ascii=False)
