#!/usr/bin/env python3
"""Black-box checks of kiosk-agent against the independent SAM_V simulator.

usage: python3 check.py [a|b|c|d|e|f|g|all] [--iters N] [--seed N]
  a..e = the brief's checks; f = 5%/5%/5% fault stress; g = c's faults + 2% replies 3.5 s late
Results: printed, and written to results-<phase>.json beside this file
"""
import json
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cards as C  # noqa: E402
from harness import Rig  # noqa: E402

OUT = {}
SEVERE = []


def log(*a):
    print(*a, flush=True)


def read(rpc, timeout_ms=5000, **kw):
    p = {"timeoutMs": timeout_ms}
    p.update(kw)
    res, err, lat = rpc.call("idcard.read", p, timeout=timeout_ms / 1000.0 + 15)
    card = res.get("card") if isinstance(res, dict) else None
    return card, err, lat


def reason(err):
    if not err:
        return None
    d = err.get("data") or {}
    return d.get("reason") or ("code%s" % err.get("code"))


def check_card(tag, exp, got, results, extras_seen=None):
    diffs, extras = C.compare(exp, got)
    ok = not diffs
    if extras_seen is not None:
        for k, v in extras:
            extras_seen.setdefault(k, []).append((tag, v))
    results.append({"tag": tag, "ok": ok, "diffs": diffs, "extras": extras})
    if not ok:
        log("  MISMATCH %s:" % tag)
        for k, e, g in diffs:
            log("     %-16s expected %r got %r" % (k, short(e), short(g)))
    return ok


def short(v):
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    return s if len(s) < 90 else s[:60] + "...(%d chars)" % len(s)


def wait_removed(rig, since, timeout=4.0):
    r = rig.rpc.wait_note("idcard.removed", since, timeout)
    return None if r is None else r[0] - since


def read_all(rig, card_list, tag, app=True, fingerprint=False, results=None, extras=None):
    """Place each card, read it, compare result and the idcard.inserted event, remove."""
    results = [] if results is None else results
    for c in card_list:
        t = time.monotonic()
        rig.sim.place(c)
        kw = {"fingerprint": True} if fingerprint else {}
        got, err, lat = read(rig.rpc, 5000, **kw)
        exp = C.expected(c, app=app, fingerprint=fingerprint)
        if err:
            log("  %s %s: ERROR %s" % (tag, C.label(c), err))
            results.append({"tag": "%s %s" % (tag, C.label(c)), "ok": False, "error": err})
        else:
            ok = check_card("%s read %s" % (tag, C.label(c)), exp, got, results, extras)
            log("  %s read %-40s %s (%.0f ms)" % (tag, C.label(c), "OK" if ok else "MISMATCH", lat * 1000))
        ins = rig.rpc.wait_note("idcard.inserted", t, 3.0)
        if ins is None:
            results.append({"tag": "%s inserted-event %s" % (tag, C.label(c)), "ok": False, "error": "no event"})
            log("  %s no idcard.inserted event for %s" % (tag, C.label(c)))
        else:
            ok = check_card("%s event %s" % (tag, C.label(c)), C.expected(c, app=app), ins[1].get("card"),
                            results, None)
            if not ok:
                log("  %s inserted event card mismatch %s" % (tag, C.label(c)))
        t = time.monotonic()
        rig.sim.remove()
        if wait_removed(rig, t) is None:
            results.append({"tag": "%s removed-event %s" % (tag, C.label(c)), "ok": False, "error": "no event"})
            log("  %s no idcard.removed event after removing %s" % (tag, C.label(c)))
    return results


def summary(results):
    n = len(results)
    bad = [r for r in results if not r["ok"]]
    return {"total": n, "ok": n - len(bad), "failed": len(bad), "failures": bad}


# ------------------------------------------------------------------ phases

EXTRA_CARDS = [
    dict(C.R3, sex="未说明", nation="其他", idNumber=C.idnum("11010520100101001"), name="测试未说明"),
    dict(C.R3, sex="未知", nation="外国血统中国籍人士", idNumber=C.idnum("11010520100101002"), name="测试未知"),
]


def phase_a():
    log("== a: hello + exact field-by-field reads, all four kinds")
    with Rig("a") as rig:
        res, err, lat = rig.rpc.call("agent.hello")
        hello_ok = bool(res) and res.get("protocol") == "1"
        log("  agent.hello -> %s (%.1f ms)" % (json.dumps(res, ensure_ascii=False), lat * 1000))
        time.sleep(0.5)
        extras = {}
        results = read_all(rig, C.ALL, "a", extras=extras)
        log("  -- fingerprint=true reads (30 10 path), R1 none / R2 1024 / R3 512")
        fpres = read_all(rig, [C.R1, C.R2, C.R3], "a-fp", fingerprint=True)
        log("  -- extra: sex codes 9/0, nation 97/98")
        exres = read_all(rig, EXTRA_CARDS, "a-extra")
    OUT["a"] = {"hello": res, "hello_ok": hello_ok, "cards": summary(results), "fingerprint": summary(fpres),
                "extra_codes": summary(exres),
                "extras_returned": {k: v[:3] for k, v in extras.items()}}
    return OUT["a"]


def phase_b():
    log("== b: card life cycle")
    steps = []

    def step(name, ok, detail):
        steps.append({"step": name, "ok": ok, "detail": detail})
        log("  [%s] %s: %s" % ("OK" if ok else "FAIL", name, detail))

    def rd(rig, exp, name, timeout_ms=5000):
        got, err, lat = read(rig.rpc, timeout_ms)
        if err:
            step(name, False, "error %s (%.0f ms)" % (json.dumps(err, ensure_ascii=False), lat * 1000))
            return
        diffs, _ = C.compare(C.expected(exp), got)
        if diffs:
            which = "stale/other card %s" % got.get("idNumber")
            step(name, False, "%s; diffs=%s (%.0f ms)" % (which, [d[0] for d in diffs], lat * 1000))
        else:
            step(name, True, "card %s (%.0f ms)" % (exp["idNumber"], lat * 1000))

    A, B, D = C.R1, C.J1, C.Y1
    with Rig("b") as rig:
        time.sleep(0.5)
        rig.sim.place(A)
        rd(rig, A, "b1 place A -> read A")
        time.sleep(1.5)
        rd(rig, A, "b2 leave A 1.5 s -> read A again")
        rd(rig, A, "b2' read A again timeoutMs 0", 0)
        t = time.monotonic()
        rig.sim.remove()
        dt = wait_removed(rig, t)
        step("b3a remove A -> idcard.removed", dt is not None, "after %s ms" % (None if dt is None else round(dt * 1000)))
        rig.sim.place(B)
        rd(rig, B, "b3 place B (after removed event) -> read B")
        rig.sim.remove()
        rig.sim.place(D)
        rd(rig, D, "b4 remove B, place D immediately -> read D")
        # NO_CARD right after removal, and after the removal was noticed
        t = time.monotonic()
        rig.sim.remove()
        got, err, lat = read(rig.rpc, 0)
        immediate = "card %s" % got.get("idNumber") if got else "error %s" % reason(err)
        step("b5a remove -> read timeoutMs 0 immediately (observation)", reason(err) == "NO_CARD",
             "%s (%.0f ms)" % (immediate, lat * 1000))
        dt = wait_removed(rig, t)
        got, err, lat = read(rig.rpc, 0)
        step("b5 after idcard.removed -> read timeoutMs 0 gives NO_CARD", reason(err) == "NO_CARD",
             "%s, error=%s (%.0f ms)" % ("card!" if got else "no card", json.dumps(err, ensure_ascii=False),
                                        lat * 1000))
        # same card re-placed
        rig.sim.place(A)
        rd(rig, A, "b6 place A again -> read A")
        t = time.monotonic()
        rig.sim.remove()
        wait_removed(rig, t)
        rig.sim.place(A)
        t2 = time.monotonic()
        ev = rig.rpc.wait_note("idcard.inserted", t2, 3)
        step("b6b remove A, re-place A -> idcard.inserted again", ev is not None,
             "after %s ms" % (None if ev is None else round((ev[0] - t2) * 1000)))
        rd(rig, A, "b6c read re-placed A")
        # waiting read: read issued with no card; card placed 1 s later
        t = time.monotonic()
        rig.sim.remove()
        wait_removed(rig, t)
        import threading
        th = threading.Timer(1.0, lambda: rig.sim.place(B))
        th.start()
        rd(rig, B, "b7 read(5000) with no card, B placed 1 s later -> B")
        th.join()
        # 20 fast swaps with random read delay
        rng = random.Random(7)
        cur = B
        swap_bad = 0
        swap_err = 0
        swap_detail = []
        pool = C.ALL
        for i in range(20):
            nxt = pool[(i * 5 + 1) % len(pool)]
            if nxt is cur:
                nxt = pool[(i * 5 + 2) % len(pool)]
            rig.sim.remove()
            rig.sim.place(nxt)
            time.sleep(rng.uniform(0, 0.6))
            got, err, lat = read(rig.rpc, 5000)
            if err:
                swap_err += 1
                swap_detail.append((i, "error", reason(err)))
            else:
                diffs, _ = C.compare(C.expected(nxt), got)
                if diffs:
                    swap_bad += 1
                    swap_detail.append((i, "WRONG", got.get("idNumber"), "expected", nxt["idNumber"]))
            cur = nxt
        step("b8 20 immediate swaps, read 0-600 ms later", swap_bad == 0 and swap_err == 0,
             "wrong=%d errors=%d %s" % (swap_bad, swap_err, swap_detail))
        notes = [(round(t, 3), m) for t, m, p in rig.rpc.notes]
    OUT["b"] = {"steps": steps, "failed": [s for s in steps if not s["ok"]]}
    return OUT["b"]


def phase_c(iters=200, seed=1, faults=None, name="c"):
    faults = faults or {"garble": 0.01, "drop": 0.01, "truncate": 0.01}
    log("== %s: faults %s, %d reads" % (name, faults, iters))
    rng = random.Random(seed)
    counts = {"correct": 0, "wrong_stale": 0, "wrong_other": 0, "errors": {}}
    wrong = []
    lat = []
    lat_err = []
    with Rig(name, faults=faults, seed=seed) as rig:
        time.sleep(0.5)
        prev = None
        t_start = time.monotonic()
        for i in range(iters):
            c = C.ALL[rng.randrange(len(C.ALL))]
            if prev is not None and c is prev:
                c = C.ALL[(C.ALL.index(c) + 1) % len(C.ALL)]
            rig.sim.place(c)
            got, err, l = read(rig.rpc, 5000)
            if err:
                r = reason(err)
                counts["errors"][r] = counts["errors"].get(r, 0) + 1
                lat_err.append(l)
                log("  #%d %s: error %s after %.0f ms: %s" % (i, C.label(c), r, l * 1000, err.get("message")))
            else:
                lat.append(l)
                diffs, _ = C.compare(C.expected(c), got)
                if not diffs:
                    counts["correct"] += 1
                else:
                    stale = prev is not None and got.get("idNumber") == prev["idNumber"]
                    counts["wrong_stale" if stale else "wrong_other"] += 1
                    wrong.append({"i": i, "expected": C.label(c), "got_id": got.get("idNumber"),
                                  "diffs": diffs})
                    SEVERE.append((name, i, C.label(c), diffs))
                    log("  #%d %s: WRONG CARD %s diffs=%s" % (i, C.label(c), "stale" if stale else "corrupt",
                                                               [(d[0], short(d[1]), short(d[2])) for d in diffs]))
            t = time.monotonic()
            rig.sim.remove()
            if i % 2 == 0:
                wait_removed(rig, t, 4.0)   # half the loops wait for the removal to be noticed
            prev = c
        elapsed = time.monotonic() - t_start
        stats = rig.sim.ctl({"op": "stats"})
    counts["wrong_total"] = counts["wrong_stale"] + counts["wrong_other"]
    OUT[name] = {"faults": faults, "iterations": iters, "counts": counts, "wrong": wrong,
                 "elapsed_s": round(elapsed, 1), "read_latency_ms": pct(lat), "error_latency_ms": pct(lat_err),
                 "sim_stats": stats["stats"]}
    log("  counts %s" % counts)
    log("  sim faults injected %s, replies by SW3 %s" % (stats["stats"]["faults"], stats["stats"]["tx_sw3"]))
    return OUT[name]


def pct(xs):
    if not xs:
        return {}
    xs = sorted(x * 1000 for x in xs)
    q = lambda p: round(xs[min(len(xs) - 1, int(p * len(xs)))], 1)  # noqa: E731
    return {"n": len(xs), "min": round(xs[0], 1), "median": round(statistics.median(xs), 1), "p90": q(0.9),
            "max": round(xs[-1], 1)}


def lifecycle_small(rig, tag):
    """leave -> read again; swap immediately; NO_CARD."""
    out = []
    A, B = C.R4, C.Y2
    rig.sim.place(A)
    g1, e1, _ = read(rig.rpc, 5000)
    time.sleep(1.5)
    g2, e2, _ = read(rig.rpc, 5000)
    rig.sim.remove()
    rig.sim.place(B)
    g3, e3, _ = read(rig.rpc, 5000)
    t = time.monotonic()
    rig.sim.remove()
    wait_removed(rig, t)
    g4, e4, _ = read(rig.rpc, 0)

    def judge(g, e, c):
        if e:
            return "error %s" % reason(e)
        d, _ = C.compare(C.expected(c, app=tag != "d2"), g)
        return "OK" if not d else "WRONG %s" % [x[0] for x in d]
    out = {"place A read": judge(g1, e1, A), "leave 1.5s read again": judge(g2, e2, A),
           "swap to B read": judge(g3, e3, B), "removed read(0)": "error %s" % reason(e4) if e4 else "card!"}
    log("  %s lifecycle: %s" % (tag, out))
    return out


def phase_d():
    log("== d: reader variants")
    res = {}
    variants = [
        ("d1", "non-zero IIN/SN bytes", {"iin_nonzero": True}, True),
        ("d2", "30 03 answered with 21 (unknown command)", {"app_unknown": True}, False),
        ("d3", "card gone: 30 03 answered 80 instead of 41", {"app_gone_sw3": 0x80}, True),
        ("d4", "card gone: 30 03 answered 81", {"app_gone_sw3": 0x81}, True),
        ("d5", "reserved text bytes zero-filled instead of spaces", {"reserved_fill": "zero"}, True),
        ("d6", "30 03 returns 280 bytes (4 x 70)", {"app_layout": "280"}, True),
    ]
    for tag, desc, mode, app in variants:
        log(" -- %s: %s" % (tag, desc))
        with Rig(tag, mode=mode) as rig:
            time.sleep(0.5)
            r = read_all(rig, C.ALL, tag, app=app)
            lc = lifecycle_small(rig, tag)
            st = rig.sim.ctl({"op": "stats"})["stats"]
        res[tag] = {"desc": desc, "reads": summary(r), "lifecycle": lc, "rx": st["rx"], "tx_sw3": st["tx_sw3"]}
    log(" -- d7: 30 10 answered 21 (reader without fingerprint support), fingerprint=true requested")
    with Rig("d7", mode={"fp_unknown": True}) as rig:
        time.sleep(0.5)
        r = []
        for c in (C.R1, C.R2):
            rig.sim.place(c)
            got, err, lat = read(rig.rpc, 5000, fingerprint=True)
            if err:
                r.append({"tag": C.label(c), "ok": False, "error": err})
                log("  d7 %s error %s" % (C.label(c), err))
            else:
                check_card("d7 " + C.label(c), C.expected(c), got, r)
                log("  d7 %s %s" % (C.label(c), "OK" if r[-1]["ok"] else "MISMATCH"))
            t = time.monotonic()
            rig.sim.remove()
            wait_removed(rig, t)
        st = rig.sim.ctl({"op": "stats"})["stats"]
    res["d7"] = {"desc": "30 10 -> 21", "reads": summary(r), "rx": st["rx"]}
    OUT["d"] = res
    return res


def phase_e(n=12):
    log("== e: timing")
    rng = random.Random(3)
    ins, rem, hot, cold = [], [], [], []
    with Rig("e") as rig:
        time.sleep(1.0)
        for i in range(n):
            c = C.ALL[i % len(C.ALL)]
            time.sleep(rng.uniform(0.2, 1.2))          # random phase against the poll loop
            t = time.monotonic()
            rig.sim.place(c)
            ev = rig.rpc.wait_note("idcard.inserted", t, 6.0)
            if ev:
                ins.append(ev[0] - t)
            for _ in range(3):
                got, err, l = read(rig.rpc, 5000)
                if not err:
                    hot.append(l)
            t = time.monotonic()
            rig.sim.remove()
            d = wait_removed(rig, t, 4)
            if d is not None:
                rem.append(d)
        # cold reads: idcard.read issued right when the card is placed
        for i in range(n):
            c = C.ALL[(i + 3) % len(C.ALL)]
            time.sleep(rng.uniform(0.2, 1.2))
            rig.sim.place(c)
            got, err, l = read(rig.rpc, 5000)
            if not err:
                cold.append(l)
            t = time.monotonic()
            rig.sim.remove()
            wait_removed(rig, t, 4)
    OUT["e"] = {"place_to_inserted_ms": pct(ins), "read_with_card_present_ms": pct(hot),
                "read_issued_at_placement_ms": pct(cold), "remove_to_removed_ms": pct(rem),
                "missing_inserted": n - len(ins), "missing_removed": n - len(rem)}
    log("  %s" % json.dumps(OUT["e"]))
    return OUT["e"]


def main():
    args = sys.argv[1:]
    phase = args[0] if args else "all"
    iters = int(args[args.index("--iters") + 1]) if "--iters" in args else 200
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
    todo = "abcde" if phase == "all" else phase
    for p in todo:
        t = time.monotonic()
        if p == "a":
            phase_a()
        elif p == "b":
            phase_b()
        elif p == "c":
            phase_c(iters, seed)
        elif p == "d":
            phase_d()
        elif p == "e":
            phase_e()
        elif p == "f":   # stress: higher rates
            phase_c(iters, seed, {"garble": 0.05, "drop": 0.05, "truncate": 0.05}, "f")
        elif p == "g":   # late replies (reader hiccup beyond the host's timeout) + the c faults
            phase_c(iters, seed, {"garble": 0.01, "drop": 0.01, "truncate": 0.01, "late": 0.02,
                                  "late_s": 3.5}, "g")
        log("   (phase %s took %.1f s)" % (p, time.monotonic() - t))
        with open(os.path.join(HERE, "results-%s.json" % p), "w") as f:
            json.dump(OUT.get(p), f, ensure_ascii=False, indent=1, default=str)
    if SEVERE:
        log("SEVERE: %d wrong cards" % len(SEVERE))


if __name__ == "__main__":
    main()
