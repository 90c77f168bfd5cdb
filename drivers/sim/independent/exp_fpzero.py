"""fingerprint:true with a reader that allows 20 02 on an already-read card: are the template bytes returned intact?"""
import os, sys, time, base64
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cards as C
from harness import Rig
from check import read
with Rig("fp-detail", mode={"lenient_select": True}) as rig:
    time.sleep(0.3)
    for c in (C.R2, C.R3):
        rig.sim.place(c)
        g, e, l = read(rig.rpc, 5000, fingerprint=True)
        fp = base64.b64decode(g["fingerprint"]); want = base64.b64decode(c["fingerprint"])
        print(C.label(c), "got len", len(fp), "want len", len(want), "nonzero bytes got", sum(1 for b in fp if b), "equal", fp == want)
        print(" other fields equal:", C.compare(C.expected(c), {k: v for k, v in g.items() if k != "fingerprint"})[0])
        g2, e2, l2 = read(rig.rpc, 5000, fingerprint=True)
        print(" second read:", e2 and e2.get("message"), g2 and base64.b64decode(g2["fingerprint"]) == want)
        rig.sim.remove(); time.sleep(1.5)
