"""How long does a removed card stay readable when the reader's 'card gone' answer is not 41?"""
import os, sys, time, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cards as C
from harness import Rig
from check import read, wait_removed, reason
out = {}
for name, mode in [("30 03 card-gone = 80", {"app_gone_sw3": 0x80}), ("30 03 card-gone = 81", {"app_gone_sw3": 0x81}),
                   ("30 03 unsupported (21)", {"app_unknown": True}), ("baseline 41", {})]:
    with Rig("stale", mode=mode) as rig:
        time.sleep(0.3)
        rig.sim.place(C.R1)
        read(rig.rpc, 5000)
        t0 = time.monotonic()
        rig.sim.remove()
        rows = []
        for k in range(4):
            time.sleep(5 if k else 1)
            g, e, l = read(rig.rpc, 0)
            rows.append((round(time.monotonic() - t0, 1), ("card " + g["idNumber"] + " (" + g["name"] + ")") if g else reason(e)))
        rem = rig.rpc.wait_note("idcard.removed", t0, 0.1)
        # same card put back: is it announced again?
        t1 = time.monotonic()
        rig.sim.place(C.R1)
        ins = rig.rpc.wait_note("idcard.inserted", t1, 4)
        out[name] = {"reads_after_removal": rows, "removed_event": rem is not None,
                     "re-placed_same_card_inserted_event": ins is not None}
        print(name, out[name], flush=True)
json.dump(out, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results-stale.json'), 'w'), indent=1, ensure_ascii=False)
