"""idcard.read {fingerprint:true} under several reader behaviours."""
import os, sys, time, json, threading
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cards as C
from harness import Rig
from check import read, wait_removed, reason
out = {}
for name, mode in [("strict-select", {}), ("lenient-select", {"lenient_select": True}),
                   ("lenient-select+30 10 unknown", {"lenient_select": True, "fp_unknown": True})]:
    rows = []
    with Rig("fp-" + name.replace(" ", "_"), mode=mode) as rig:
        time.sleep(0.3)
        for c in (C.R1, C.R2, C.R3):
            for how in ("placed-then-read", "read-waiting-then-placed"):
                if how == "placed-then-read":
                    rig.sim.place(c)
                    g, e, l = read(rig.rpc, 5000, fingerprint=True)
                else:
                    th = threading.Timer(0.8, lambda: rig.sim.place(c)); th.start()
                    g, e, l = read(rig.rpc, 5000, fingerprint=True); th.join()
                want_fp = not mode.get("fp_unknown")
                if e:
                    r = "error %s: %s" % (reason(e), e.get("message"))
                else:
                    d = C.compare(C.expected(c, fingerprint=want_fp), g)[0]
                    r = "OK" if not d else "MISMATCH %s" % [(x[0], str(x[1])[:20], str(x[2])[:20]) for x in d]
                rows.append((C.label(c), len(c.get("fingerprint", "")) * 3 // 4, how, r, round(l * 1000)))
                print(name, rows[-1], flush=True)
                t = time.monotonic(); rig.sim.remove(); wait_removed(rig, t, 3)
        out[name] = {"rows": rows, "rx": rig.sim.ctl({"op": "stats"})["stats"]["rx"]}
json.dump(out, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results-fp.json'), 'w'), indent=1, ensure_ascii=False)
