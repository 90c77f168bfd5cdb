"""Start/stop the independent simulator and the agent under test, bounded."""
import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time

from wsclient import RPC

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.environ.get("KIOSK_AGENT", "/tmp/kiosk-agent")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Sim:
    def __init__(self, log=None, pace=True, seed=None):
        args = ["python3", os.path.join(HERE, "samv_sim.py")]
        if pace:
            args.append("--pace")
        if log:
            args += ["--log", log]
        if seed is not None:
            args += ["--seed", str(seed)]
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  encoding="utf-8")
        self.q = queue.Queue()
        first = self.p.stdout.readline().strip()
        if not first.startswith("/dev/"):
            raise RuntimeError("simulator did not print a pty path: %r" % first)
        self.path = first
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.p.stdout:
            self.q.put(line)

    def ctl(self, obj, timeout=5):
        self.p.stdin.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.p.stdin.flush()
        r = json.loads(self.q.get(timeout=timeout))
        if not r.get("ok"):
            raise RuntimeError("sim ctl %s failed: %s" % (obj.get("op"), r))
        return r

    def place(self, card):
        return self.ctl({"op": "place", "card": card})

    def remove(self):
        return self.ctl({"op": "remove"})

    def stop(self):
        try:
            if self.p.poll() is None:
                self.p.stdin.write('{"op":"quit"}\n')
                self.p.stdin.flush()
                self.p.wait(timeout=3)
        except Exception:
            pass
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait(timeout=3)


class Agent:
    def __init__(self, port_path, log, extra=()):
        self.port = free_port()
        self.logf = open(log, "w")
        self.p = subprocess.Popen([AGENT, "run", "--listen", "127.0.0.1:%d" % self.port, "--idcard-port", port_path,
                                   *extra], stdout=self.logf, stderr=subprocess.STDOUT, start_new_session=True)
        end = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if self.p.poll() is not None or time.monotonic() > end:
                    raise RuntimeError("agent did not start (rc=%s)" % self.p.poll())
                time.sleep(0.1)
        self.rpc = RPC("127.0.0.1", self.port)

    def stop(self):
        try:
            self.rpc.close()
        except Exception:
            pass
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=3)
        self.logf.close()


class Rig:
    """Simulator + agent + RPC connection."""

    def __init__(self, name, mode=None, faults=None, agent_args=(), pace=True, seed=None):
        os.makedirs(os.path.join(HERE, "logs"), exist_ok=True)
        self.sim = Sim(log=os.path.join(HERE, "logs", name + ".sim.log"), pace=pace, seed=seed)
        try:
            if mode:
                self.sim.ctl(dict({"op": "mode"}, **mode))
            if faults:
                self.sim.ctl(dict({"op": "faults"}, **faults))
            self.agent = Agent(self.sim.path, os.path.join(HERE, "logs", name + ".agent.log"), agent_args)
        except Exception:
            self.sim.stop()
            raise
        self.rpc = self.agent.rpc

    def stop(self):
        try:
            self.agent.stop()
        finally:
            self.sim.stop()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()
