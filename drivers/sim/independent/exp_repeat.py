"""Repeat place/read/remove of chosen cards in a given mode and report slow or failed reads."""
import os, sys, time, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cards as C
from harness import Rig
from check import read, wait_removed, reason
mode = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
names = sys.argv[2].split(',') if len(sys.argv) > 2 else ['Y2']
n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
with Rig("repeat-%d" % __import__("os").getpid(), mode=mode) as rig:
    time.sleep(0.5)
    lat = []
    for i in range(n):
        for nm in names:
            c = getattr(C, nm)
            rig.sim.place(c)
            got, err, l = read(rig.rpc, 5000)
            d = C.compare(C.expected(c), got)[0] if got else None
            lat.append(l)
            if err or d or l > 1.5:
                print(i, nm, 'err', reason(err), 'diffs', d and [x[0] for x in d], '%.0f ms' % (l*1000), flush=True)
            t = time.monotonic(); rig.sim.remove(); wait_removed(rig, t, 3)
    lat.sort(); print('n', len(lat), 'median %.0f max %.0f' % (lat[len(lat)//2]*1000, lat[-1]*1000))
